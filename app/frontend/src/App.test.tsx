import { act, fireEvent, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { CART_STORAGE_KEY } from "./cart";
import {
  businessCards,
  cartLine,
  json,
  mockApi,
  networkDown,
  poster,
  renderApp,
  seedCart,
} from "./test/utils";

describe("app shell", () => {
  it("has a header with navigation and a cart count from storage", () => {
    mockApi({ "GET /api/products/": () => json([]) });
    seedCart([cartLine(poster, 2)]);
    renderApp("/");
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(nav).toHaveTextContent("Products");
    expect(screen.getByRole("link", { name: "Cart (2)" })).toBeInTheDocument();
    expect(screen.getByRole("banner")).toBeInTheDocument();
  });

  it("shows the release from the health check in the footer", async () => {
    mockApi({ "GET /api/products/": () => json([]) });
    renderApp("/");
    expect(await screen.findByTestId("release")).toHaveTextContent("test-release");
    expect(screen.getByRole("contentinfo")).toHaveTextContent("Release: test-release");
  });

  it.each([
    ["the API is down", () => networkDown()],
    ["the health check fails", () => Promise.resolve(json({ detail: "Down" }, 503))],
    ["the release is empty", () => Promise.resolve(json({ status: "ok", release: "" }))],
  ])("keeps the footer quiet when %s", async (_label, reply) => {
    const fetchMock = mockApi({
      "GET /api/products/": () => json([]),
      "GET /api/health/": reply,
    });
    renderApp("/");
    await screen.findByText(/no products are available/i);
    await vi.waitFor(() => {
      expect(fetchMock).toHaveBeenCalledWith("/api/health/", expect.anything());
    });
    expect(screen.getByRole("contentinfo")).not.toHaveTextContent("Release");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("shows a not-found page for unknown paths", async () => {
    mockApi({ "GET /api/products/": () => json([]) });
    renderApp("/nowhere");
    expect(screen.getByRole("heading", { level: 1, name: "Page not found" })).toBeInTheDocument();
    await userEvent.click(screen.getByRole("link", { name: "Back to all products" }));
    expect(screen.getByRole("heading", { level: 1, name: "Products" })).toBeInTheDocument();
  });

  it("follows browser back and forward", async () => {
    mockApi({ "GET /api/products/": () => json([businessCards]) });
    renderApp("/");
    await userEvent.click(screen.getByRole("link", { name: "Cart (0)" }));
    expect(screen.getByRole("heading", { level: 1, name: "Your cart" })).toBeInTheDocument();

    act(() => {
      window.history.back();
    });
    expect(
      await screen.findByRole("heading", { level: 1, name: "Products" }),
    ).toBeInTheDocument();
  });

  it("leaves modified clicks to the browser", () => {
    mockApi({ "GET /api/products/": () => json([]) });
    renderApp("/");
    const link = screen.getByRole("link", { name: "Cart (0)" });
    // Not cancelled: the browser opens the link its own way (e.g. a new tab).
    expect(fireEvent.click(link, { ctrlKey: true })).toBe(true);
    expect(screen.getByRole("heading", { level: 1, name: "Products" })).toBeInTheDocument();
  });

  it("picks up cart changes made in another tab", () => {
    mockApi({ "GET /api/products/": () => json([]) });
    renderApp("/");
    expect(screen.getByRole("link", { name: "Cart (0)" })).toBeInTheDocument();

    const newValue = JSON.stringify({ lines: [cartLine(businessCards, 4)] });
    act(() => {
      window.dispatchEvent(new StorageEvent("storage", { key: "other", newValue: "x" }));
      window.dispatchEvent(new StorageEvent("storage", { key: CART_STORAGE_KEY, newValue }));
    });
    expect(screen.getByRole("link", { name: "Cart (4)" })).toBeInTheDocument();
  });
});
