import { useEffect, useMemo, useReducer, type ReactNode } from "react";
import {
  CART_STORAGE_KEY,
  cartItemCount,
  cartReducer,
  cartTotalCents,
  loadCart,
  parseStoredCart,
  saveCart,
} from "./cart";
import { CartContext, type CartContextValue } from "./cartContext";

function browserStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

export function CartProvider({ children }: { children: ReactNode }) {
  const [state, dispatch] = useReducer(cartReducer, undefined, () => loadCart(browserStorage()));

  useEffect(() => {
    saveCart(browserStorage(), state);
  }, [state]);

  // Keep several tabs in sync.
  useEffect(() => {
    function onStorage(event: StorageEvent) {
      if (event.key === CART_STORAGE_KEY) {
        dispatch({ type: "replace", state: parseStoredCart(event.newValue) });
      }
    }
    window.addEventListener("storage", onStorage);
    return () => {
      window.removeEventListener("storage", onStorage);
    };
  }, []);

  const value = useMemo<CartContextValue>(
    () => ({
      lines: state.lines,
      itemCount: cartItemCount(state),
      totalCents: cartTotalCents(state),
      add: (product, quantity) => {
        dispatch({ type: "add", product, quantity });
      },
      setQuantity: (slug, quantity) => {
        dispatch({ type: "setQuantity", slug, quantity });
      },
      remove: (slug) => {
        dispatch({ type: "remove", slug });
      },
      clear: () => {
        dispatch({ type: "clear" });
      },
    }),
    [state],
  );

  return <CartContext value={value}>{children}</CartContext>;
}
