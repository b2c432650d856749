import { createContext, useContext } from "react";
import type { Product } from "./api";
import type { CartLine } from "./cart";

export interface CartContextValue {
  lines: CartLine[];
  itemCount: number;
  totalCents: number;
  add: (product: Product, quantity: number) => void;
  setQuantity: (slug: string, quantity: number) => void;
  remove: (slug: string) => void;
  clear: () => void;
}

export const CartContext = createContext<CartContextValue | null>(null);

export function useCart(): CartContextValue {
  const value = useContext(CartContext);
  if (value === null) {
    throw new Error("useCart must be used inside <CartProvider>");
  }
  return value;
}
