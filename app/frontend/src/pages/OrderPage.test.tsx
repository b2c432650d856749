import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { json, mockApi, networkDown, pending, renderApp, sampleOrder } from "../test/utils";

describe("order confirmation page", () => {
  it("shows a loading state", () => {
    mockApi({ "GET /api/orders/42/": () => pending() });
    renderApp("/orders/42");
    expect(screen.getByRole("status")).toHaveTextContent("Loading your order…");
  });

  it("thanks the customer and shows number, lines and total", async () => {
    mockApi({ "GET /api/orders/42/": () => json(sampleOrder) });
    renderApp("/orders/42");

    expect(
      await screen.findByRole("heading", { level: 1, name: "Thank you for your order!" }),
    ).toBeInTheDocument();
    expect(screen.getByTestId("order-number")).toHaveTextContent("42");
    expect(screen.getByText(/Ada Lovelace \(ada@example.com\)/)).toBeInTheDocument();

    const row = screen.getByRole("row", { name: /Business cards/ });
    const cells = within(row).getAllByRole("cell");
    expect(cells.map((cell) => cell.textContent)).toEqual(["2", "€12.50", "€25.00"]);
    expect(screen.getByTestId("order-total")).toHaveTextContent("€33.00");
    expect(document.title).toBe("Your order · Print Shop");
  });

  it("shows not found for an unknown order", async () => {
    mockApi({});
    renderApp("/orders/999");
    expect(
      await screen.findByRole("heading", { level: 1, name: "Order not found" }),
    ).toBeInTheDocument();
  });

  it("shows a readable message when the API is down", async () => {
    mockApi({ "GET /api/orders/42/": () => networkDown() });
    renderApp("/orders/42");
    expect(
      await screen.findByRole("heading", { level: 1, name: "Order unavailable" }),
    ).toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent("Could not reach the shop.");
  });
});
