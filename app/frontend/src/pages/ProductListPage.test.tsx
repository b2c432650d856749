import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { at, businessCards, json, mockApi, networkDown, pending, poster, renderApp, soldOut } from "../test/utils";

describe("product list page", () => {
  it("shows a loading state", () => {
    mockApi({ "GET /api/products/": () => pending() });
    renderApp("/");
    expect(screen.getByRole("heading", { level: 1, name: "Products" })).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("Loading products…");
  });

  it("lists products with price and stock", async () => {
    mockApi({ "GET /api/products/": () => json([businessCards, poster, soldOut]) });
    renderApp("/");

    const articles = await screen.findAllByRole("article");
    expect(articles).toHaveLength(3);
    const first = within(at(articles, 0));
    expect(first.getByRole("link", { name: "Business cards" })).toHaveAttribute(
      "href",
      "/products/business-cards",
    );
    expect(first.getByText("€12.50")).toBeInTheDocument();
    expect(first.getByText("In stock")).toBeInTheDocument();
    expect(within(at(articles, 2)).getByText("Out of stock")).toBeInTheDocument();
    expect(screen.queryByRole("status")).not.toBeInTheDocument();
    expect(document.title).toBe("Products · Print Shop");
  });

  it("says so when there are no products", async () => {
    mockApi({ "GET /api/products/": () => json([]) });
    renderApp("/");
    expect(await screen.findByText(/no products are available/i)).toBeInTheDocument();
  });

  it("shows a readable message when the API is down", async () => {
    mockApi({ "GET /api/products/": () => networkDown() });
    renderApp("/");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Sorry, we could not load the products.");
    expect(alert).toHaveTextContent("Could not reach the shop.");
    expect(within(alert).getByRole("button", { name: "Try again" })).toBeInTheDocument();
  });

  it("shows a readable message on a server error", async () => {
    mockApi({ "GET /api/products/": () => json({ detail: "Database unavailable." }, 503) });
    renderApp("/");
    expect(await screen.findByRole("alert")).toHaveTextContent("Database unavailable.");
  });

  it("navigates to a product page", async () => {
    mockApi({
      "GET /api/products/": () => json([businessCards]),
      "GET /api/products/business-cards/": () => json(businessCards),
    });
    renderApp("/");
    await userEvent.click(await screen.findByRole("link", { name: "Business cards" }));
    expect(
      await screen.findByRole("heading", { level: 1, name: "Business cards" }),
    ).toBeInTheDocument();
    expect(window.location.pathname).toBe("/products/business-cards");
  });
});
