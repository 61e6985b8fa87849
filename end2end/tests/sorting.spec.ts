import { expect } from "@playwright/test";
import { expectNoAxeViolations, test } from "./helpers";

/** Opens the guide and turns to the search box, which fetches the
 * dictionary (not before: a visit that only reads never downloads it). */
async function ready(page: import("@playwright/test").Page) {
  await page.goto("/sorting");
  await expect(page.locator("form.sorting-search[data-ready]")).toHaveCount(0);
  await page.locator("#q").focus();
  await expect(page.locator("form.sorting-search[data-ready]")).toHaveCount(1);
}

test("answers as you type, with characters, pinyin initials and near misses", async ({ page }) => {
  await ready(page);
  const box = page.getByLabel("要扔的东西");
  const first = page.locator(".sorting-results .sort-result:visible").first();

  await box.fill("烟头");
  await expect(first.locator(".sort-name")).toHaveText("烟头");
  await expect(first.locator(".sort-category")).toContainText("其他垃圾");
  await expect(first.locator(".sort-category")).toContainText("灰色桶");

  await box.fill("bz");
  await expect(first.locator(".sort-name")).toHaveText("报纸");
  await expect(first.locator(".sort-category")).toContainText("可回收物");

  await box.fill("纽扣电池");
  await expect(first.locator(".sort-category")).toContainText("有害垃圾");
  await expect(first.getByRole("link", { name: "附近收有害垃圾的投放点" })).toHaveAttribute(
    "href",
    "/nearby?kind=sorting&accepts=hazardous",
  );

  // Not in the dictionary: the rules in plain words, not an empty page.
  await box.fill("火星石");
  await expect(page.locator(".sorting-results")).toContainText("词典里没有找到“火星石”");
  await expect(page.locator(".sorting-results")).toContainText("居委会");
  // All of that without leaving the page, and nothing wider than the phone.
  expect(new URL(page.url()).pathname).toBe("/sorting");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test.describe("in English", () => {
  test.use({ locale: "en-US" });

  test("plurals and English names", async ({ page }) => {
    await ready(page);
    await page.getByLabel("Item to throw away").fill("Tea Leaves");
    const first = page.locator(".sorting-results .sort-result:visible").first();
    await expect(first.locator(".sort-category")).toContainText("Food waste");
    await expect(first.locator(".sort-category")).toContainText("Green bin");
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the form is answered by the server", async ({ page }) => {
    await page.goto("/sorting");
    await page.getByLabel("要扔的东西").fill("过期药品");
    await page.getByRole("button", { name: "查询" }).click();
    await expect(page).toHaveURL(/\/sorting\?q=/);
    const first = page.locator(".sort-result").first();
    await expect(first.locator(".sort-category")).toContainText("有害垃圾");
    await expect(page.getByLabel("要扔的东西")).toHaveValue("过期药品");
  });

  test("a category page leads to points that accept it", async ({ page }) => {
    await page.goto("/sorting/hazardous");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("有害垃圾");
    await expect(page.locator(".bin-colour")).toHaveText("红色桶");
    await page.getByRole("link", { name: "附近收有害垃圾的投放点" }).click();
    await page.locator("#community").selectOption({ label: "玉林街道" });
    await page.getByRole("button", { name: "用这个位置" }).click();
    await expect(page.locator("main .notice").first()).toContainText("只显示接收有害垃圾的投放点");
    const cards = page.locator(".cards > li");
    expect(await cards.count()).toBeGreaterThan(0);
    for (const card of await cards.all()) {
      await expect(card.locator(".accepts")).toContainText("有害垃圾");
    }
  });
});

for (const locale of ["zh-CN", "en-US"]) {
  test.describe(`axe-core, ${locale}`, () => {
    test.use({ locale });

    test("sorting pages", async ({ page }) => {
      for (const path of ["/sorting?q=%E7%94%B5%E6%B1%A0", "/sorting?q=zzzz", "/sorting/food", "/"]) {
        await page.goto("/sorting");
        await expectNoAxeViolations(page);
      }
    });
  });
}
