import { fireEvent, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { CART_STORAGE_KEY } from "../cart";
import { at, businessCards, cartLine, mockApi, poster, renderApp, seedCart } from "../test/utils";

describe("cart page", () => {
  it("shows an empty cart", async () => {
    mockApi({});
    renderApp("/cart");
    expect(screen.getByRole("heading", { level: 1, name: "Your cart" })).toBeInTheDocument();
    expect(screen.getByText("Your cart is empty.")).toBeInTheDocument();
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("link", { name: "Browse products" }));
    expect(window.location.pathname).toBe("/");
  });

  it("lists the lines with subtotals and the total", () => {
    mockApi({});
    seedCart([cartLine(businessCards, 2), cartLine(poster, 1)]);
    renderApp("/cart");

    const rows = screen.getAllByRole("row");
    // header + 2 lines + total
    expect(rows).toHaveLength(4);
    expect(within(at(rows, 1)).getByRole("rowheader")).toHaveTextContent("Business cards");
    expect(screen.getByTestId("subtotal-business-cards")).toHaveTextContent("€25.00");
    expect(screen.getByTestId("cart-total")).toHaveTextContent("€33.00");
    expect(screen.getByRole("link", { name: "Cart (3)" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Proceed to checkout" })).toHaveAttribute(
      "href",
      "/checkout",
    );
  });

  it("changes a quantity and updates the totals", async () => {
    mockApi({});
    seedCart([cartLine(businessCards, 1), cartLine(poster, 1)]);
    renderApp("/cart");

    const quantity = screen.getByLabelText("Quantity for Business cards");
    await userEvent.clear(quantity);
    // While the field is empty the cart keeps its quantity.
    expect(quantity).toHaveValue(null);
    expect(screen.getByTestId("cart-total")).toHaveTextContent("€20.50");
    await userEvent.type(quantity, "4");

    expect(quantity).toHaveValue(4);
    expect(screen.getByTestId("subtotal-business-cards")).toHaveTextContent("€50.00");
    expect(screen.getByTestId("cart-total")).toHaveTextContent("€58.00");
    expect(screen.getByRole("link", { name: "Cart (5)" })).toBeInTheDocument();
    expect(window.localStorage.getItem(CART_STORAGE_KEY)).toContain('"quantity":4');
  });

  it("restores the quantity when the field is left empty", async () => {
    mockApi({});
    seedCart([cartLine(poster, 2)]);
    renderApp("/cart");
    const quantity = screen.getByLabelText("Quantity for Poster A2");
    await userEvent.clear(quantity);
    fireEvent.blur(quantity);
    expect(quantity).toHaveValue(2);
  });

  it("caps a quantity at the stock", () => {
    mockApi({});
    seedCart([cartLine(poster, 1)]);
    renderApp("/cart");
    const quantity = screen.getByLabelText("Quantity for Poster A2");
    fireEvent.change(quantity, { target: { value: "80" } });
    expect(quantity).toHaveValue(poster.stock);
  });

  it("removes a line", async () => {
    mockApi({});
    seedCart([cartLine(businessCards, 1), cartLine(poster, 1)]);
    renderApp("/cart");
    await userEvent.click(screen.getByRole("button", { name: "Remove Poster A2" }));
    expect(screen.queryByText("Poster A2")).not.toBeInTheDocument();
    expect(screen.getByTestId("cart-total")).toHaveTextContent("€12.50");
    await userEvent.click(screen.getByRole("button", { name: "Remove Business cards" }));
    expect(screen.getByText("Your cart is empty.")).toBeInTheDocument();
  });
});
