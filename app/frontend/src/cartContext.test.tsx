import { render } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { useCart } from "./cartContext";
import { useRouter } from "./routing";

function UsesCart() {
  useCart();
  return null;
}

function UsesRouter() {
  useRouter();
  return null;
}

describe("context hooks", () => {
  it("fail clearly outside their providers", () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(() => render(<UsesCart />)).toThrow("useCart must be used inside <CartProvider>");
    expect(() => render(<UsesRouter />)).toThrow("useRouter must be used inside <Router>");
  });
});
