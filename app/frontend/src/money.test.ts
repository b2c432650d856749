import { describe, expect, it } from "vitest";
import { formatCents, formatPrice, lineTotalCents, toCents } from "./money";

describe("money", () => {
  it.each([
    ["12.50", 1250],
    ["12.5", 1250],
    ["12", 1200],
    ["0.05", 5],
    [" 3.20 ", 320],
  ])("parses %j to %d cents", (price, cents) => {
    expect(toCents(price)).toBe(cents);
  });

  it.each(["", "abc", "1.234", "-1.00", "1,50"])("rejects %j", (price) => {
    expect(toCents(price)).toBeNaN();
  });

  it("formats cents with the currency symbol", () => {
    expect(formatCents(1250)).toBe("€12.50");
    expect(formatCents(5)).toBe("€0.05");
    expect(formatCents(-250)).toBe("-€2.50");
    expect(formatCents(Number.NaN)).toBe("—");
  });

  it("formats decimal price strings", () => {
    expect(formatPrice("8")).toBe("€8.00");
    expect(formatPrice("oops")).toBe("—");
  });

  it("multiplies exactly in cents", () => {
    expect(lineTotalCents("0.10", 3)).toBe(30);
    expect(formatCents(lineTotalCents("19.99", 3))).toBe("€59.97");
  });
});
