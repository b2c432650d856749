/** A small typed client for the print shop API (see the backend README for the contract). */

export interface Product {
  slug: string;
  title: string;
  description: string;
  /** Decimal string, e.g. "12.50". */
  price: string;
  stock: number;
}

export interface OrderLineRequest {
  product: string;
  quantity: number;
}

export interface OrderRequest {
  customer_name: string;
  email: string;
  lines: OrderLineRequest[];
}

export interface OrderLine {
  product: string;
  title: string;
  quantity: number;
  unit_price: string;
}

export interface Order {
  id: number | string;
  customer_name: string;
  email: string;
  total: string;
  created_at: string;
  lines: OrderLine[];
}

export interface Health {
  status: string;
  database: string;
  release: string;
}

/** DRF-style field errors: {"email": ["Enter a valid email address."]}. */
export type FieldErrors = Record<string, string[]>;

export const DEFAULT_API_BASE_URL = "/api";

/** Normalises a configured base URL: empty means the default, no trailing slash. */
export function resolveBaseUrl(configured: string | undefined): string {
  const value = configured?.trim() ?? "";
  return (value === "" ? DEFAULT_API_BASE_URL : value).replace(/\/+$/, "");
}

export const API_BASE_URL = resolveBaseUrl(import.meta.env.VITE_API_BASE_URL);

/** An API call that failed: HTTP error (status >= 400) or network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly detail: string | undefined;
  readonly fieldErrors: FieldErrors;

  constructor(status: number, message: string, detail?: string, fieldErrors: FieldErrors = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.detail = detail;
    this.fieldErrors = fieldErrors;
  }

  get isNetworkError(): boolean {
    return this.status === 0;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Extracts DRF field errors (string or list of strings per field) from an error body. */
export function parseFieldErrors(body: unknown): FieldErrors {
  const errors: FieldErrors = {};
  if (!isRecord(body)) {
    return errors;
  }
  for (const [field, value] of Object.entries(body)) {
    if (field === "detail") {
      continue;
    }
    const messages = flattenMessages(value);
    if (messages.length > 0) {
      errors[field] = messages;
    }
  }
  return errors;
}

function flattenMessages(value: unknown): string[] {
  if (typeof value === "string") {
    return [value];
  }
  if (Array.isArray(value)) {
    return value.flatMap(flattenMessages);
  }
  if (isRecord(value)) {
    return Object.values(value).flatMap(flattenMessages);
  }
  return [];
}

function fallbackMessage(status: number): string {
  if (status === 404) {
    return "Not found.";
  }
  if (status >= 500) {
    return `The shop is having technical trouble (HTTP ${status}). Please try again in a moment.`;
  }
  return `The request failed (HTTP ${status}).`;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === "") {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export const NETWORK_ERROR_MESSAGE =
  "Could not reach the shop. Please check your connection and try again.";

export async function request<T>(
  path: string,
  init: RequestInit = {},
  baseUrl: string = API_BASE_URL,
): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set("Accept", "application/json");
  if (init.body !== undefined && !headers.has("Content-Type")) {
    headers.set("Content-Type", "application/json");
  }

  let response: Response;
  try {
    response = await fetch(`${baseUrl}${path}`, { ...init, headers });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") {
      throw error;
    }
    throw new ApiError(0, NETWORK_ERROR_MESSAGE);
  }

  const body = await readJson(response);
  if (!response.ok) {
    const detail = isRecord(body) && typeof body["detail"] === "string" ? body["detail"] : undefined;
    throw new ApiError(
      response.status,
      detail ?? fallbackMessage(response.status),
      detail,
      parseFieldErrors(body),
    );
  }
  if (body === undefined) {
    throw new ApiError(response.status, "The shop sent an unexpected response. Please try again.");
  }
  return body as T;
}

const signalInit = (signal?: AbortSignal): RequestInit => (signal ? { signal } : {});

export function listProducts(signal?: AbortSignal): Promise<Product[]> {
  return request<Product[]>("/products/", signalInit(signal));
}

export function getProduct(slug: string, signal?: AbortSignal): Promise<Product> {
  return request<Product>(`/products/${encodeURIComponent(slug)}/`, signalInit(signal));
}

export function createOrder(order: OrderRequest, signal?: AbortSignal): Promise<Order> {
  return request<Order>("/orders/", {
    ...signalInit(signal),
    method: "POST",
    body: JSON.stringify(order),
  });
}

export function getOrder(id: string, signal?: AbortSignal): Promise<Order> {
  return request<Order>(`/orders/${encodeURIComponent(id)}/`, signalInit(signal));
}

export function getHealth(signal?: AbortSignal): Promise<Health> {
  return request<Health>("/health/", signalInit(signal));
}

/** A human-readable sentence for any error thrown while talking to the API. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    return error.message;
  }
  return "Something went wrong. Please try again.";
}
