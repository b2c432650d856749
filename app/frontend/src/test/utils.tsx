import { render } from "@testing-library/react";
import { vi } from "vitest";
import type { Order, Product } from "../api";
import { App } from "../App";
import { CART_STORAGE_KEY, type CartLine } from "../cart";

export const businessCards: Product = {
  slug: "business-cards",
  title: "Business cards",
  description: "250 premium cards, 350 gsm.",
  price: "12.50",
  stock: 40,
};

export const poster: Product = {
  slug: "poster-a2",
  title: "Poster A2",
  description: "Matte poster paper.",
  price: "8.00",
  stock: 5,
};

export const soldOut: Product = {
  slug: "flyers",
  title: "Flyers",
  description: "A5 flyers.",
  price: "3.20",
  stock: 0,
};

export const sampleOrder: Order = {
  id: 42,
  customer_name: "Ada Lovelace",
  email: "ada@example.com",
  total: "33.00",
  created_at: "2025-01-01T12:00:00Z",
  lines: [
    { product: "business-cards", title: "Business cards", quantity: 2, unit_price: "12.50" },
    { product: "poster-a2", title: "Poster A2", quantity: 1, unit_price: "8.00" },
  ],
};

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

export interface MockRequest {
  method: string;
  url: string;
  body: unknown;
}

type Reply = Response | Promise<Response>;
type Route = (request: MockRequest) => Reply;

/**
 * Stubs global fetch. Keys are "METHOD /path" ("GET /api/products/"). The health check answers
 * by default; unknown routes answer 404 {"detail": "Not found."}.
 */
export function mockApi(routes: Record<string, Route>) {
  const all: Record<string, Route> = {
    "GET /api/health/": () => json({ status: "ok", database: "ok", release: "test-release" }),
    ...routes,
  };
  const fetchMock = vi.fn((input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url =
      typeof input === "string" ? input : input instanceof URL ? input.pathname : input.url;
    const method = init?.method ?? "GET";
    const body = typeof init?.body === "string" ? (JSON.parse(init.body) as unknown) : undefined;
    const route = all[`${method} ${url}`];
    return Promise.resolve(route ? route({ method, url, body }) : json({ detail: "Not found." }, 404));
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

/** A promise that never settles: keeps a request "loading". */
export function pending(): Promise<Response> {
  return new Promise<Response>(() => undefined);
}

export function networkDown(): Promise<Response> {
  return Promise.reject(new TypeError("Failed to fetch"));
}

export function seedCart(lines: CartLine[]): void {
  window.localStorage.setItem(CART_STORAGE_KEY, JSON.stringify({ lines }));
}

export function cartLine(product: Product, quantity: number): CartLine {
  return {
    slug: product.slug,
    title: product.title,
    price: product.price,
    stock: product.stock,
    quantity,
  };
}

/** items[index], failing the test when it is missing. */
export function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) {
    throw new Error(`No item at index ${index} (length ${items.length})`);
  }
  return item;
}

export function renderApp(path = "/") {
  window.history.replaceState(null, "", path);
  return render(<App />);
}
