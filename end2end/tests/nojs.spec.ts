import { expect } from "@playwright/test";
import { apiNearby, HOME, test } from "./helpers";

test.use({ javaScriptEnabled: false });

test("a shared URL gives complete results without JavaScript", async ({ page, request }) => {
  const query = `kind=sorting&lat=${HOME.latitude}&lng=${HOME.longitude}&minutes=15`;
  await page.goto(`/nearby?${query}`);
  const want = await apiNearby(request, `${query}&limit=40`);
  const titles = await page.locator(".card-title").allTextContents();
  expect(titles.length).toBe(want.results.length);
  expect(titles).toEqual(want.results.map((r) => r.name));
  // Grouped in rings, with the walking-circle map.
  await expect(page.locator(".ring-heading").first()).toHaveText(/5分钟内|10分钟内|15分钟内/);
  await expect(page.locator(".results .map svg circle.map-ring")).toHaveCount(3);
  // No dead geolocation button without JavaScript.
  await expect(page.getByRole("button", { name: "使用我的位置" })).toHaveCount(0);
});

test("filters, community picker and language switch work as plain forms", async ({ page }) => {
  await page.goto("/nearby");
  await page.locator("#community").selectOption({ label: "玉林街道" });
  await page.getByRole("button", { name: "用这个位置" }).click();
  await expect(page.locator(".location-current")).toContainText("玉林街道中心");
  // Change the filters: reading points, 30 minutes, slower pace.
  // With results shown, the options are folded into one line; open it.
  await page.locator(".filters-details > summary").click();
  const filters = page.locator("form.filters");
  await filters.getByRole("radio", { name: "社区书屋" }).check();
  await filters.getByRole("radio", { name: "30分钟（郊区）" }).check();
  await filters.getByRole("radio", { name: "慢步（长者）" }).check();
  await page.getByRole("button", { name: "查找" }).click();
  await expect(page).toHaveURL(/kind=reading/);
  await expect(page).toHaveURL(/minutes=30/);
  await expect(page).toHaveURL(/pace=elderly/);
  await expect(page.locator(".card-kind").first()).toContainText("社区书屋");
  // The language switch keeps the page and its query.
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page).toHaveURL(/kind=reading/);
  await expect(page.locator(".card-kind").first()).toContainText("Reading rooms");
});
