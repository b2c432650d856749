import { describe, expect, it } from "vitest";
import { matchPath } from "./routing";

describe("matchPath", () => {
  it("matches static paths, ignoring a trailing slash", () => {
    expect(matchPath("/", "/")).toEqual({});
    expect(matchPath("/cart", "/cart/")).toEqual({});
    expect(matchPath("/cart", "/checkout")).toBeNull();
  });

  it("extracts and decodes parameters", () => {
    expect(matchPath("/products/:slug", "/products/poster%20a2")).toEqual({ slug: "poster a2" });
    expect(matchPath("/orders/:id", "/orders/17")).toEqual({ id: "17" });
  });

  it("rejects different lengths and malformed encodings", () => {
    expect(matchPath("/products/:slug", "/products")).toBeNull();
    expect(matchPath("/products/:slug", "/products/a/b")).toBeNull();
    expect(matchPath("/products/:slug", "/products/%E0%A4%A")).toBeNull();
  });
});
