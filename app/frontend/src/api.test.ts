import { afterEach, describe, expect, it, vi } from "vitest";
import {
  API_BASE_URL,
  ApiError,
  NETWORK_ERROR_MESSAGE,
  createOrder,
  errorMessage,
  getHealth,
  getOrder,
  getProduct,
  listProducts,
  parseFieldErrors,
  request,
  resolveBaseUrl,
} from "./api";
import { businessCards, json, sampleOrder } from "./test/utils";

function stubFetch(reply: () => Promise<Response>) {
  const fetchMock = vi.fn((_input: RequestInfo | URL, _init?: RequestInit) => reply());
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

function lastCall(fetchMock: ReturnType<typeof stubFetch>) {
  const call = fetchMock.mock.lastCall;
  if (!call) {
    throw new Error("fetch was not called");
  }
  const [input, init] = call;
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  return { url, init: init ?? {}, headers: new Headers(init?.headers) };
}

async function caught(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) {
      return error;
    }
    throw error;
  }
  throw new Error("expected the call to fail");
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("resolveBaseUrl", () => {
  it("defaults to /api and strips trailing slashes", () => {
    expect(resolveBaseUrl(undefined)).toBe("/api");
    expect(resolveBaseUrl("  ")).toBe("/api");
    expect(resolveBaseUrl("https://shop.example/api/")).toBe("https://shop.example/api");
    expect(API_BASE_URL).toBe("/api");
  });
});

describe("endpoints", () => {
  it("lists products", async () => {
    const fetchMock = stubFetch(() => Promise.resolve(json([businessCards])));
    await expect(listProducts()).resolves.toEqual([businessCards]);
    const { url, init, headers } = lastCall(fetchMock);
    expect(url).toBe("/api/products/");
    expect(init.method).toBeUndefined();
    expect(headers.get("Accept")).toBe("application/json");
    expect(headers.has("Content-Type")).toBe(false);
  });

  it("gets one product with an encoded slug and passes the abort signal", async () => {
    const fetchMock = stubFetch(() => Promise.resolve(json(businessCards)));
    const controller = new AbortController();
    await getProduct("a b/c", controller.signal);
    const { url, init } = lastCall(fetchMock);
    expect(url).toBe("/api/products/a%20b%2Fc/");
    expect(init.signal).toBe(controller.signal);
  });

  it("posts an order as JSON", async () => {
    const fetchMock = stubFetch(() => Promise.resolve(json(sampleOrder, 201)));
    const body = {
      customer_name: "Ada",
      email: "ada@example.com",
      lines: [{ product: "business-cards", quantity: 2 }],
    };
    await expect(createOrder(body)).resolves.toEqual(sampleOrder);
    const { url, init, headers } = lastCall(fetchMock);
    expect(url).toBe("/api/orders/");
    expect(init.method).toBe("POST");
    expect(typeof init.body === "string" ? JSON.parse(init.body) : null).toEqual(body);
    expect(headers.get("Content-Type")).toBe("application/json");
  });

  it("gets an order and the health check", async () => {
    const fetchMock = stubFetch(() => Promise.resolve(json(sampleOrder)));
    await getOrder("42");
    expect(lastCall(fetchMock).url).toBe("/api/orders/42/");
    await getHealth();
    expect(lastCall(fetchMock).url).toBe("/api/health/");
  });

  it("uses an explicit base URL and keeps a given Content-Type", async () => {
    const fetchMock = stubFetch(() => Promise.resolve(json({ ok: true })));
    await request("/ping/", { method: "POST", body: "x", headers: { "Content-Type": "text/plain" } }, "http://api.test");
    const { url, headers } = lastCall(fetchMock);
    expect(url).toBe("http://api.test/ping/");
    expect(headers.get("Content-Type")).toBe("text/plain");
  });
});

describe("errors", () => {
  it("uses the detail of an error response", async () => {
    stubFetch(() => Promise.resolve(json({ detail: "No Product matches the given query." }, 404)));
    const error = await caught(getProduct("nope"));
    expect(error.status).toBe(404);
    expect(error.detail).toBe("No Product matches the given query.");
    expect(error.message).toBe("No Product matches the given query.");
    expect(error.isNetworkError).toBe(false);
  });

  it("collects DRF field errors from a 400", async () => {
    stubFetch(() =>
      Promise.resolve(json({ email: ["Enter a valid email address."], customer_name: "Required." }, 400)),
    );
    const error = await caught(
      createOrder({ customer_name: "", email: "x", lines: [] }),
    );
    expect(error.status).toBe(400);
    expect(error.detail).toBeUndefined();
    expect(error.fieldErrors).toEqual({
      email: ["Enter a valid email address."],
      customer_name: ["Required."],
    });
    expect(error.message).toBe("The request failed (HTTP 400).");
  });

  it("explains server errors without a JSON body", async () => {
    stubFetch(() => Promise.resolve(new Response("<h1>Bad gateway</h1>", { status: 502 })));
    const error = await caught(listProducts());
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/technical trouble \(HTTP 502\)/);
  });

  it("gives a generic 404 message when there is no detail", async () => {
    stubFetch(() => Promise.resolve(new Response("", { status: 404 })));
    const error = await caught(getOrder("1"));
    expect(error.message).toBe("Not found.");
  });

  it("turns a failed fetch into a network error", async () => {
    stubFetch(() => Promise.reject(new TypeError("Failed to fetch")));
    const error = await caught(listProducts());
    expect(error.status).toBe(0);
    expect(error.isNetworkError).toBe(true);
    expect(error.message).toBe(NETWORK_ERROR_MESSAGE);
  });

  it("lets aborts through unchanged", async () => {
    stubFetch(() => Promise.reject(new DOMException("aborted", "AbortError")));
    await expect(listProducts()).rejects.toMatchObject({ name: "AbortError" });
  });

  it("rejects a successful response without a JSON body", async () => {
    stubFetch(() => Promise.resolve(new Response("", { status: 200 })));
    const error = await caught(getHealth());
    expect(error.message).toMatch(/unexpected response/);
  });

  it("describes any error in a sentence", () => {
    expect(errorMessage(new ApiError(500, "Boom."))).toBe("Boom.");
    expect(errorMessage(new Error("internal"))).toBe("Something went wrong. Please try again.");
  });
});

describe("parseFieldErrors", () => {
  it("flattens nested DRF errors and ignores detail", () => {
    expect(
      parseFieldErrors({
        detail: "ignored",
        lines: [{ quantity: ["Ensure this value is greater than or equal to 1."] }, {}],
        non_field_errors: ["Bad."],
        weird: 3,
      }),
    ).toEqual({
      lines: ["Ensure this value is greater than or equal to 1."],
      non_field_errors: ["Bad."],
    });
    expect(parseFieldErrors(["not", "an", "object"])).toEqual({});
    expect(parseFieldErrors(undefined)).toEqual({});
  });
});
