import { expect, type Page } from "@playwright/test";

/** "€1,234.50" -> 123450 (integer cents). */
export function toCents(text: string): number {
  const match = /(\d[\d,]*)(?:\.(\d{1,2}))?/.exec(text);
  if (!match) {
    throw new Error(`No amount in ${JSON.stringify(text)}`);
  }
  const whole = Number((match[1] ?? "0").replaceAll(",", ""));
  const fraction = Number((match[2] ?? "").padEnd(2, "0"));
  return whole * 100 + fraction;
}

export interface ProductInfo {
  title: string;
  priceCents: number;
  path: string;
}

/** Opens the product list and then the first product that is in stock; returns what it shows. */
export async function openFirstAvailableProduct(page: Page): Promise<ProductInfo> {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Products" })).toBeVisible();
  const available = page.getByRole("article").filter({ hasText: "In stock" });
  await expect(available.first()).toBeVisible();

  const link = available.first().getByRole("heading", { level: 2 }).getByRole("link");
  const title = (await link.textContent())?.trim() ?? "";
  expect(title).not.toBe("");
  await link.click();

  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  const priceCents = toCents(await page.getByTestId("product-price").innerText());
  expect(priceCents).toBeGreaterThan(0);
  return { title, priceCents, path: new URL(page.url()).pathname };
}

/** Adds `quantity` of the product whose page is open. */
export async function addToCart(page: Page, quantity = 1): Promise<void> {
  await page.getByLabel("Quantity").fill(String(quantity));
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("status")).toContainText("to your cart");
}

export function cartLink(page: Page) {
  return page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Cart/ });
}

export function formatCents(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}
