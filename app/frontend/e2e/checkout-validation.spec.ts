import { expect, test } from "@playwright/test";
import { addToCart, cartLink, openFirstAvailableProduct } from "./helpers";

test.describe("checkout validation", () => {
  test.beforeEach(async ({ page }) => {
    await openFirstAvailableProduct(page);
    await addToCart(page, 1);
    await page.goto("/checkout");
    await expect(page.getByRole("heading", { level: 1, name: "Checkout" })).toBeVisible();
  });

  test("a bad email is rejected by the API and shown next to the field", async ({ page }) => {
    await page.getByLabel("Name").fill("E2E Validation");
    const email = page.getByLabel("Email");
    await email.fill("not-an-email");
    await page.getByRole("button", { name: "Place order" }).click();

    await expect(page.getByRole("alert")).toContainText("Please correct the errors below.");
    await expect(email).toHaveAttribute("aria-invalid", "true");
    await expect(email).toHaveAccessibleDescription(/email/i);
    await expect(page.getByLabel("Name")).toHaveAttribute("aria-invalid", "false");

    // Nothing was ordered: still on the checkout page with the cart intact.
    await expect(page).toHaveURL(/\/checkout$/);
    await expect(cartLink(page)).toHaveText("Cart (1)");
  });

  test("a missing name is reported on the name field", async ({ page }) => {
    await page.getByLabel("Email").fill("e2e.validation@example.com");
    await page.getByRole("button", { name: "Place order" }).click();

    const name = page.getByLabel("Name");
    await expect(name).toHaveAttribute("aria-invalid", "true");
    await expect(name).toHaveAccessibleDescription(/.+/);
    await expect(page).toHaveURL(/\/checkout$/);
  });
});
