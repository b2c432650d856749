import { describe, expect, it, vi } from "vitest";
import {
  CART_STORAGE_KEY,
  MAX_QUANTITY,
  cartItemCount,
  cartReducer,
  cartTotalCents,
  clampQuantity,
  emptyCart,
  loadCart,
  parseStoredCart,
  saveCart,
  type CartState,
} from "./cart";
import { businessCards, cartLine, poster } from "./test/utils";

describe("clampQuantity", () => {
  it("keeps quantities between 1 and the stock", () => {
    expect(clampQuantity(3, 10)).toBe(3);
    expect(clampQuantity(0, 10)).toBe(1);
    expect(clampQuantity(-4, 10)).toBe(1);
    expect(clampQuantity(12, 10)).toBe(10);
    expect(clampQuantity(2.7, 10)).toBe(2);
    expect(clampQuantity(Number.NaN, 10)).toBe(1);
    expect(clampQuantity(500, 1000)).toBe(MAX_QUANTITY);
    expect(clampQuantity(3, 0)).toBe(1);
  });
});

describe("cartReducer", () => {
  it("adds a new product as a line", () => {
    const state = cartReducer(emptyCart, { type: "add", product: businessCards, quantity: 2 });
    expect(state.lines).toEqual([cartLine(businessCards, 2)]);
  });

  it("adds to an existing line and refreshes its price and stock", () => {
    let state = cartReducer(emptyCart, { type: "add", product: businessCards, quantity: 2 });
    state = cartReducer(state, { type: "add", product: poster, quantity: 1 });
    state = cartReducer(state, {
      type: "add",
      product: { ...businessCards, price: "13.00", stock: 3 },
      quantity: 2,
    });
    expect(state.lines).toHaveLength(2);
    expect(state.lines[0]).toMatchObject({ slug: "business-cards", quantity: 3, price: "13.00" });
    expect(state.lines[1]).toMatchObject({ slug: "poster-a2", quantity: 1 });
  });

  it("sets quantities, clamped to the stock", () => {
    const start: CartState = { lines: [cartLine(poster, 1), cartLine(businessCards, 1)] };
    const state = cartReducer(start, { type: "setQuantity", slug: "poster-a2", quantity: 50 });
    expect(state.lines[0]?.quantity).toBe(poster.stock);
    expect(state.lines[1]?.quantity).toBe(1);
  });

  it("removes a line when its quantity drops to zero", () => {
    const start: CartState = { lines: [cartLine(poster, 1)] };
    expect(cartReducer(start, { type: "setQuantity", slug: "poster-a2", quantity: 0 })).toEqual(
      emptyCart,
    );
  });

  it("removes, clears and replaces", () => {
    const start: CartState = { lines: [cartLine(poster, 1), cartLine(businessCards, 2)] };
    expect(cartReducer(start, { type: "remove", slug: "poster-a2" }).lines).toEqual([
      cartLine(businessCards, 2),
    ]);
    expect(cartReducer(start, { type: "clear" })).toEqual(emptyCart);
    expect(cartReducer(emptyCart, { type: "replace", state: start })).toBe(start);
  });

  it("counts items and totals in cents", () => {
    const state: CartState = { lines: [cartLine(poster, 3), cartLine(businessCards, 2)] };
    expect(cartItemCount(state)).toBe(5);
    expect(cartTotalCents(state)).toBe(3 * 800 + 2 * 1250);
    expect(cartTotalCents(emptyCart)).toBe(0);
  });
});

describe("cart storage", () => {
  it("round-trips through storage", () => {
    const state: CartState = { lines: [cartLine(poster, 2)] };
    saveCart(window.localStorage, state);
    expect(window.localStorage.getItem(CART_STORAGE_KEY)).toContain("poster-a2");
    expect(loadCart(window.localStorage)).toEqual(state);
  });

  it.each([
    ["nothing stored", null],
    ["invalid JSON", "{oops"],
    ["not an object", "42"],
    ["null", "null"],
    ["lines not a list", '{"lines": "many"}'],
  ])("falls back to an empty cart for %s", (_label, raw) => {
    expect(parseStoredCart(raw)).toEqual(emptyCart);
  });

  it("drops malformed lines", () => {
    const raw = JSON.stringify({
      lines: [
        cartLine(poster, 2),
        { slug: "x", title: "X", price: "1.00", quantity: 0, stock: 3 },
        { slug: "y", title: "Y", price: 1, quantity: 1, stock: 3 },
        null,
        "z",
      ],
    });
    expect(parseStoredCart(raw).lines).toEqual([cartLine(poster, 2)]);
  });

  it("survives storage that throws or is missing", () => {
    const broken = {
      getItem: vi.fn(() => {
        throw new Error("denied");
      }),
      setItem: vi.fn(() => {
        throw new Error("quota");
      }),
    } as unknown as Storage;
    expect(loadCart(broken)).toEqual(emptyCart);
    expect(() => {
      saveCart(broken, emptyCart);
    }).not.toThrow();
    expect(loadCart(undefined)).toEqual(emptyCart);
    expect(() => {
      saveCart(undefined, emptyCart);
    }).not.toThrow();
  });
});
