import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { CART_STORAGE_KEY } from "../cart";
import { businessCards, json, mockApi, networkDown, pending, poster, renderApp, soldOut } from "../test/utils";

function cartLink() {
  return screen.getByRole("link", { name: /^Cart/ });
}

describe("product page", () => {
  it("shows a loading state", () => {
    mockApi({ "GET /api/products/business-cards/": () => pending() });
    renderApp("/products/business-cards");
    expect(screen.getByRole("status")).toHaveTextContent("Loading product…");
  });

  it("shows the product and adds it to the cart", async () => {
    mockApi({ "GET /api/products/business-cards/": () => json(businessCards) });
    renderApp("/products/business-cards");

    expect(
      await screen.findByRole("heading", { level: 1, name: "Business cards" }),
    ).toBeInTheDocument();
    expect(screen.getByTestId("product-price")).toHaveTextContent("€12.50");
    expect(screen.getByText("40 in stock")).toBeInTheDocument();
    expect(cartLink()).toHaveTextContent("Cart (0)");

    const quantity = screen.getByLabelText("Quantity");
    await userEvent.clear(quantity);
    await userEvent.type(quantity, "3");
    await userEvent.click(screen.getByRole("button", { name: "Add to cart" }));

    expect(screen.getByRole("status")).toHaveTextContent("Added 3 × Business cards to your cart.");
    expect(cartLink()).toHaveTextContent("Cart (3)");
    expect(window.localStorage.getItem(CART_STORAGE_KEY)).toContain('"quantity":3');

    await userEvent.click(screen.getByRole("link", { name: "View cart" }));
    expect(screen.getByRole("heading", { level: 1, name: "Your cart" })).toBeInTheDocument();
  });

  it("caps the quantity at the stock and fixes invalid input", async () => {
    mockApi({ "GET /api/products/poster-a2/": () => json(poster) });
    renderApp("/products/poster-a2");
    const quantity = await screen.findByLabelText("Quantity");

    await userEvent.clear(quantity);
    await userEvent.type(quantity, "50");
    await userEvent.click(screen.getByRole("button", { name: "Add to cart" }));
    expect(quantity).toHaveValue(5);
    expect(cartLink()).toHaveTextContent("Cart (5)");

    await userEvent.clear(quantity);
    await userEvent.click(screen.getByRole("button", { name: "Add to cart" }));
    expect(quantity).toHaveValue(1);
    // Still capped by the stock in the cart.
    expect(cartLink()).toHaveTextContent("Cart (5)");
  });

  it("cannot add a product that is out of stock", async () => {
    mockApi({ "GET /api/products/flyers/": () => json(soldOut) });
    renderApp("/products/flyers");
    expect(await screen.findByRole("button", { name: "Out of stock" })).toBeDisabled();
    expect(screen.getByLabelText("Quantity")).toBeDisabled();
    expect(screen.getByText("Out of stock", { selector: "p" })).toBeInTheDocument();
  });

  it("shows not found for an unknown product", async () => {
    mockApi({});
    renderApp("/products/nope");
    expect(
      await screen.findByRole("heading", { level: 1, name: "Product not found" }),
    ).toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent("We could not find that product.");
    expect(screen.queryByRole("button", { name: "Try again" })).not.toBeInTheDocument();
  });

  it("shows a readable message when the API is down", async () => {
    mockApi({ "GET /api/products/business-cards/": () => networkDown() });
    renderApp("/products/business-cards");
    expect(
      await screen.findByRole("heading", { level: 1, name: "Product unavailable" }),
    ).toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent("Could not reach the shop.");
  });
});
