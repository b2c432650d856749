import { expect, test } from "@playwright/test";

test("the footer shows the deployed release", { tag: "@quick" }, async ({ page }) => {
  await page.goto("/");
  const footer = page.getByRole("contentinfo");
  await expect(footer).toContainText("Release:");
  await expect(footer.getByTestId("release")).toHaveText(/\S+/);
});
