/** Pure cart logic: state, reducer, totals and localStorage (de)serialisation. */
import type { Product } from "./api";
import { lineTotalCents } from "./money";

export interface CartLine {
  slug: string;
  title: string;
  /** Unit price as a decimal string, as seen when the item was added. */
  price: string;
  quantity: number;
  /** Stock when the item was added: caps the quantity (the server has the final word). */
  stock: number;
}

export interface CartState {
  lines: CartLine[];
}

export type CartAction =
  | { type: "add"; product: Product; quantity: number }
  | { type: "setQuantity"; slug: string; quantity: number }
  | { type: "remove"; slug: string }
  | { type: "clear" }
  | { type: "replace"; state: CartState };

export const CART_STORAGE_KEY = "printshop.cart.v1";
export const MAX_QUANTITY = 99;

export const emptyCart: CartState = { lines: [] };

/** Clamps a requested quantity to 1..min(stock, MAX_QUANTITY). */
export function clampQuantity(quantity: number, stock: number): number {
  const upper = Math.max(1, Math.min(stock, MAX_QUANTITY));
  if (!Number.isFinite(quantity)) {
    return 1;
  }
  return Math.min(Math.max(1, Math.trunc(quantity)), upper);
}

export function cartReducer(state: CartState, action: CartAction): CartState {
  switch (action.type) {
    case "add": {
      const { product } = action;
      const existing = state.lines.find((line) => line.slug === product.slug);
      if (existing) {
        return {
          lines: state.lines.map((line) =>
            line.slug === product.slug
              ? {
                  ...line,
                  title: product.title,
                  price: product.price,
                  stock: product.stock,
                  quantity: clampQuantity(line.quantity + action.quantity, product.stock),
                }
              : line,
          ),
        };
      }
      return {
        lines: [
          ...state.lines,
          {
            slug: product.slug,
            title: product.title,
            price: product.price,
            stock: product.stock,
            quantity: clampQuantity(action.quantity, product.stock),
          },
        ],
      };
    }
    case "setQuantity": {
      if (action.quantity <= 0) {
        return cartReducer(state, { type: "remove", slug: action.slug });
      }
      return {
        lines: state.lines.map((line) =>
          line.slug === action.slug
            ? { ...line, quantity: clampQuantity(action.quantity, line.stock) }
            : line,
        ),
      };
    }
    case "remove":
      return { lines: state.lines.filter((line) => line.slug !== action.slug) };
    case "clear":
      return emptyCart;
    case "replace":
      return action.state;
  }
}

export function cartItemCount(state: CartState): number {
  return state.lines.reduce((sum, line) => sum + line.quantity, 0);
}

export function cartTotalCents(state: CartState): number {
  return state.lines.reduce((sum, line) => sum + lineTotalCents(line.price, line.quantity), 0);
}

function isCartLine(value: unknown): value is CartLine {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const line = value as Record<string, unknown>;
  return (
    typeof line["slug"] === "string" &&
    typeof line["title"] === "string" &&
    typeof line["price"] === "string" &&
    typeof line["quantity"] === "number" &&
    Number.isInteger(line["quantity"]) &&
    line["quantity"] > 0 &&
    typeof line["stock"] === "number"
  );
}

/** Parses what we stored earlier; anything unreadable yields an empty cart. */
export function parseStoredCart(raw: string | null): CartState {
  if (raw === null) {
    return emptyCart;
  }
  try {
    const data: unknown = JSON.parse(raw);
    if (typeof data !== "object" || data === null) {
      return emptyCart;
    }
    const lines = (data as Record<string, unknown>)["lines"];
    if (!Array.isArray(lines)) {
      return emptyCart;
    }
    return { lines: lines.filter(isCartLine) };
  } catch {
    return emptyCart;
  }
}

export function loadCart(storage: Storage | undefined): CartState {
  try {
    return parseStoredCart(storage?.getItem(CART_STORAGE_KEY) ?? null);
  } catch {
    return emptyCart;
  }
}

export function saveCart(storage: Storage | undefined, state: CartState): void {
  try {
    storage?.setItem(CART_STORAGE_KEY, JSON.stringify(state));
  } catch {
    // Storage full or disabled (private mode): the cart still works for this page view.
  }
}
