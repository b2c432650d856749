import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { CART_STORAGE_KEY } from "../cart";
import {
  businessCards,
  cartLine,
  json,
  mockApi,
  networkDown,
  pending,
  poster,
  renderApp,
  sampleOrder,
  seedCart,
} from "../test/utils";

async function fillAndSubmit(name: string, email: string) {
  await userEvent.type(screen.getByLabelText("Name"), name);
  await userEvent.type(screen.getByLabelText("Email"), email);
  await userEvent.click(screen.getByRole("button", { name: "Place order" }));
}

describe("checkout page", () => {
  it("has nothing to check out with an empty cart", () => {
    mockApi({});
    renderApp("/checkout");
    expect(screen.getByRole("heading", { level: 1, name: "Checkout" })).toBeInTheDocument();
    expect(screen.getByText(/your cart is empty/i)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Place order" })).not.toBeInTheDocument();
  });

  it("shows the summary and total", () => {
    mockApi({});
    seedCart([cartLine(businessCards, 2), cartLine(poster, 1)]);
    renderApp("/checkout");
    const summary = screen.getByRole("region", { name: "Order summary" });
    expect(within(summary).getByText("2 × Business cards: €25.00")).toBeInTheDocument();
    expect(screen.getByTestId("checkout-total")).toHaveTextContent("€33.00");
    expect(screen.getByLabelText("Name")).toHaveAttribute("aria-invalid", "false");
  });

  it("places the order, clears the cart and shows the confirmation", async () => {
    const fetchMock = mockApi({
      "POST /api/orders/": () => json(sampleOrder, 201),
      "GET /api/orders/42/": () => json(sampleOrder),
    });
    seedCart([cartLine(businessCards, 2), cartLine(poster, 1)]);
    renderApp("/checkout");

    await fillAndSubmit("  Ada Lovelace ", "ada@example.com");

    expect(
      await screen.findByRole("heading", { level: 1, name: "Thank you for your order!" }),
    ).toBeInTheDocument();
    expect(window.location.pathname).toBe("/orders/42");
    expect(screen.getByTestId("order-number")).toHaveTextContent("42");
    expect(screen.getByRole("link", { name: "Cart (0)" })).toBeInTheDocument();
    expect(window.localStorage.getItem(CART_STORAGE_KEY)).toBe('{"lines":[]}');

    const post = fetchMock.mock.calls.find(([, init]) => init?.method === "POST");
    const sent = post?.[1]?.body;
    expect(typeof sent === "string" ? JSON.parse(sent) : null).toEqual({
      customer_name: "Ada Lovelace",
      email: "ada@example.com",
      lines: [
        { product: "business-cards", quantity: 2 },
        { product: "poster-a2", quantity: 1 },
      ],
    });
  });

  it("disables the button while the order is being placed", async () => {
    mockApi({ "POST /api/orders/": () => pending() });
    seedCart([cartLine(poster, 1)]);
    renderApp("/checkout");
    await fillAndSubmit("Ada", "ada@example.com");
    expect(screen.getByRole("button", { name: "Placing order…" })).toBeDisabled();
  });

  it("shows 400 validation errors by field", async () => {
    mockApi({
      "POST /api/orders/": () =>
        json(
          {
            email: ["Enter a valid email address."],
            customer_name: ["This field may not be blank."],
            lines: ["Unknown product: gone."],
            non_field_errors: ["Something is off."],
          },
          400,
        ),
    });
    seedCart([cartLine(poster, 1)]);
    renderApp("/checkout");

    await userEvent.type(screen.getByLabelText("Email"), "not-an-email");
    await userEvent.click(screen.getByRole("button", { name: "Place order" }));

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Please correct the errors below.");
    expect(within(alert).getByText("Items: Unknown product: gone.")).toBeInTheDocument();
    expect(within(alert).getByText("Something is off.")).toBeInTheDocument();
    expect(within(alert).queryByRole("link")).not.toBeInTheDocument();

    const email = screen.getByLabelText("Email");
    expect(email).toHaveAttribute("aria-invalid", "true");
    expect(email).toHaveAccessibleDescription("Enter a valid email address.");
    expect(screen.getByLabelText("Name")).toHaveAccessibleDescription(
      "This field may not be blank.",
    );
    // Nothing changed: still here, cart intact, button usable again.
    expect(window.location.pathname).toBe("/checkout");
    expect(screen.getByRole("link", { name: "Cart (1)" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Place order" })).toBeEnabled();
  });

  it("clears old field errors on the next attempt", async () => {
    let attempts = 0;
    mockApi({
      "POST /api/orders/": () => {
        attempts += 1;
        return attempts === 1
          ? json({ email: ["Enter a valid email address."] }, 400)
          : json({ detail: "Not enough stock for Poster A2: 0 left." }, 409);
      },
    });
    seedCart([cartLine(poster, 1)]);
    renderApp("/checkout");
    await fillAndSubmit("Ada", "bad");
    expect(await screen.findByText("Enter a valid email address.")).toBeInTheDocument();

    await userEvent.click(screen.getByRole("button", { name: "Place order" }));
    expect(await screen.findByText("Not enough stock for Poster A2: 0 left.")).toBeInTheDocument();
    expect(screen.queryByText("Enter a valid email address.")).not.toBeInTheDocument();
  });

  it("shows the detail of a 409 out-of-stock response", async () => {
    mockApi({
      "POST /api/orders/": () =>
        json({ detail: "Not enough stock for Business cards: 0 left." }, 409),
    });
    seedCart([cartLine(businessCards, 2)]);
    renderApp("/checkout");
    await fillAndSubmit("Ada", "ada@example.com");

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Not enough stock for Business cards: 0 left.");
    expect(within(alert).getByRole("link", { name: "Review your cart" })).toHaveAttribute(
      "href",
      "/cart",
    );
    expect(window.location.pathname).toBe("/checkout");
    expect(screen.getByRole("link", { name: "Cart (2)" })).toBeInTheDocument();
  });

  it("has a fallback message for a 409 without detail", async () => {
    mockApi({ "POST /api/orders/": () => json({}, 409) });
    seedCart([cartLine(businessCards, 1)]);
    renderApp("/checkout");
    await fillAndSubmit("Ada", "ada@example.com");
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Some items are no longer available in that quantity.",
    );
  });

  it("shows a readable message when the API is down", async () => {
    mockApi({ "POST /api/orders/": () => networkDown() });
    seedCart([cartLine(businessCards, 1)]);
    renderApp("/checkout");
    await fillAndSubmit("Ada", "ada@example.com");
    expect(await screen.findByRole("alert")).toHaveTextContent("Could not reach the shop.");
  });
});
