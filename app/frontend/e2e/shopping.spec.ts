import { expect, test } from "@playwright/test";
import { addToCart, cartLink, formatCents, openFirstAvailableProduct, toCents } from "./helpers";

test.describe("shopping journey", () => {
  test(
    "browse, add to cart, change quantity, check out and see the confirmation",
    { tag: "@quick" },
    async ({ page }) => {
      const product = await openFirstAvailableProduct(page);
      await expect(cartLink(page)).toHaveText("Cart (0)");

      await addToCart(page, 1);
      await expect(cartLink(page)).toHaveText("Cart (1)");

      await cartLink(page).click();
      await expect(page.getByRole("heading", { level: 1, name: "Your cart" })).toBeVisible();
      const row = page.getByRole("row").filter({ hasText: product.title });
      await expect(row).toBeVisible();
      await expect(page.getByTestId("cart-total")).toContainText(formatCents(product.priceCents));

      await page.getByLabel(`Quantity for ${product.title}`).fill("2");
      const expectedTotal = formatCents(2 * product.priceCents);
      await expect(page.getByTestId("cart-total")).toContainText(expectedTotal);
      await expect(cartLink(page)).toHaveText("Cart (2)");

      await page.getByRole("link", { name: "Proceed to checkout" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Checkout" })).toBeVisible();
      await expect(page.getByTestId("checkout-total")).toContainText(expectedTotal);

      await page.getByLabel("Name").fill(`E2E Shopper ${Date.now()}`);
      await page.getByLabel("Email").fill("e2e.shopper@example.com");
      await page.getByRole("button", { name: "Place order" }).click();

      await expect(
        page.getByRole("heading", { level: 1, name: "Thank you for your order!" }),
      ).toBeVisible();
      await expect(page).toHaveURL(/\/orders\/[^/]+\/?$/);
      const orderId = decodeURIComponent(new URL(page.url()).pathname.split("/").filter(Boolean)[1] ?? "");
      await expect(page.getByTestId("order-number")).toHaveText(orderId);

      const orderRow = page.getByRole("row").filter({ hasText: product.title });
      await expect(orderRow.getByRole("cell").first()).toHaveText("2");
      expect(toCents(await page.getByTestId("order-total").innerText())).toBe(
        2 * product.priceCents,
      );

      // The cart is emptied once the order is placed.
      await expect(cartLink(page)).toHaveText("Cart (0)");

      // The confirmation is loaded from the API, so it survives a reload.
      await page.reload();
      await expect(page.getByTestId("order-number")).toHaveText(orderId);
    },
  );

  test("the product list shows products with prices", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1, name: "Products" })).toBeVisible();
    const articles = page.getByRole("article");
    await expect(articles.first()).toBeVisible();
    expect(await articles.count()).toBeGreaterThan(1);
    for (const article of await articles.all()) {
      await expect(article.getByRole("heading", { level: 2 })).not.toHaveText("");
      await expect(article).toContainText(/€\d+\.\d{2}/);
    }
  });

  test("an unknown product shows a not-found page", async ({ page }) => {
    await page.goto("/products/no-such-product-e2e");
    await expect(page.getByRole("heading", { level: 1, name: "Product not found" })).toBeVisible();
    await page.getByRole("link", { name: "Back to all products" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Products" })).toBeVisible();
  });

  test("the cart survives a reload and items can be removed", async ({ page }) => {
    const product = await openFirstAvailableProduct(page);
    await addToCart(page, 3);
    await expect(cartLink(page)).toHaveText("Cart (3)");

    await page.goto("/cart");
    await expect(page.getByLabel(`Quantity for ${product.title}`)).toHaveValue("3");
    await page.reload();
    await expect(page.getByLabel(`Quantity for ${product.title}`)).toHaveValue("3");
    await expect(page.getByTestId("cart-total")).toContainText(formatCents(3 * product.priceCents));

    await page.getByRole("button", { name: `Remove ${product.title}` }).click();
    await expect(page.getByText("Your cart is empty.")).toBeVisible();
    await expect(cartLink(page)).toHaveText("Cart (0)");
  });

  test("checkout with an empty cart points back to the products", async ({ page }) => {
    await page.goto("/checkout");
    await expect(page.getByText(/your cart is empty/i)).toBeVisible();
    await expect(page.getByRole("button", { name: "Place order" })).toHaveCount(0);
    await page.getByRole("link", { name: "Browse products" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Products" })).toBeVisible();
  });
});
