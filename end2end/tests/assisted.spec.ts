import { expect } from "@playwright/test";
import { expectNoAxeViolations, signIn, test } from "./helpers";

test("a committee member files for a resident who phoned and gives them the receipt code", async ({
  page,
  browser,
}) => {
  await signIn(page, "yulin");
  await page.getByRole("link", { name: "代登记" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "代居民登记建议" })).toBeVisible();
  await expectNoAxeViolations(page);

  // A title too short is named beside it; what was typed stays.
  await page.getByLabel("打电话").check();
  await page.locator("#a-title").fill("椅");
  await page.locator("#a-location_text").fill("玉林北路口公交站");
  await page.getByRole("button", { name: "登记" }).click();
  await expect(page.locator("#assist-error")).toBeVisible();
  await expect(page.locator("#title-error")).toBeVisible();
  await expect(page.locator("#a-location_text")).toHaveValue("玉林北路口公交站");
  await expectNoAxeViolations(page);

  await page.getByLabel("打电话").check();
  await page.locator("#a-title").fill("玉林北路口加一张长椅");
  await page.locator("#a-name").fill("李爷爷");
  await page.locator("#a-phone").fill("13900139000");
  await page.getByLabel("居民同意居委会就这条建议联系他").check();
  await page.getByRole("button", { name: "登记" }).click();
  const code = (await page.locator("#slip-code").textContent())!.trim();
  expect(code).toMatch(/^[A-Z]{2}-[A-Z0-9]{4,}$/);
  await expect(page.locator(".receipt-slip")).toContainText(`/track/${code}`);
  await expectNoAxeViolations(page);

  // The resident (or their grandchild) follows it with the code.
  const resident = await (await browser.newContext({ locale: "zh-CN" })).newPage();
  await resident.goto(`/track/${code}`);
  await expect(resident.getByRole("heading", { level: 1 })).toHaveText("玉林北路口加一张长椅");
  await expect(resident.locator("body")).not.toContainText("13900139000");
  await resident.context().close();

  // The committee's page says who filed it and how.
  await page.goto(`/review/s/${code}`);
  await expect(page.locator("#assisted")).toContainText("由 yulin 代居民登记（电话）");
});
