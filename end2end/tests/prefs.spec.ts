import { expect } from "@playwright/test";
import { HOME, test } from "./helpers";

test("English follows the browser and the switch is remembered", async ({ browser }) => {
  const context = await browser.newContext({ locale: "en-GB" });
  const page = await context.newPage();
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Services around you");
  await page.getByRole("button", { name: "中文" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("您身边的社区服务");
  await page.goto(`/nearby?kind=meal&lat=${HOME.latitude}&lng=${HOME.longitude}`);
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await context.close();
});

test("large-text mode: 18 px or more and 60 px targets, remembered", async ({ page }) => {
  await page.goto(`/nearby?kind=meal&lat=${HOME.latitude}&lng=${HOME.longitude}`);
  const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  expect(await size()).toBeGreaterThanOrEqual(16);
  await page.getByRole("button", { name: "大字模式" }).click();
  await expect(page.locator("html")).toHaveClass(/large-text/);
  expect(await size()).toBeGreaterThanOrEqual(18);
  const lineHeight = await page.evaluate(() => {
    const s = getComputedStyle(document.body);
    return parseFloat(s.lineHeight) / parseFloat(s.fontSize);
  });
  expect(lineHeight).toBeGreaterThanOrEqual(1.3);
  const targets = [
    page.getByRole("button", { name: "大字模式" }),
    page.locator(".filters-details > summary"),
    page.locator(".card-title a").first(),
    page.getByRole("link", { name: "高德地图" }).first(),
  ];
  for (const target of targets) {
    const box = (await target.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(60);
  }
  await expect(page.getByRole("button", { name: "大字模式" })).toHaveAttribute("aria-pressed", "true");
  // Remembered on the next page.
  await page.goto("/");
  await expect(page.locator("html")).toHaveClass(/large-text/);
  // Nothing overflows a 360 px screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

// Sizes are in rem: a phone set to a larger font gets larger text and
// targets everywhere, large-text mode on top; pinch-zoom is never
// disabled. (Chromium's default font size stands in for the phone's.)
test("text and targets follow the phone's own font size, and zoom stays allowed", async ({ page }) => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Page.enable");
  await cdp.send("Page.setFontSizes", { fontSizes: { standard: 24 } });
  await page.goto(`/nearby?kind=meal&lat=${HOME.latitude}&lng=${HOME.longitude}`);
  const sizes = () =>
    page.evaluate(() => {
      const px = (el: Element | null) => (el ? parseFloat(getComputedStyle(el).fontSize) : 0);
      const button = document.querySelector(".prefs button")!.getBoundingClientRect();
      return { body: px(document.body), h1: px(document.querySelector("h1")), target: Math.min(button.width, button.height) };
    });
  // 24 px instead of 16: everything 1.5 times its normal size.
  let s = await sizes();
  expect(s.body).toBeCloseTo(24, 0);
  expect(s.h1).toBeCloseTo(1.625 * 24, 0);
  expect(s.target).toBeGreaterThanOrEqual(1.5 * 44 - 0.5);
  await page.getByRole("button", { name: "大字模式" }).click();
  await expect(page.locator("html")).toHaveClass(/large-text/);
  s = await sizes();
  expect(s.body).toBeCloseTo(1.25 * 24, 0);
  expect(s.target).toBeGreaterThanOrEqual(1.5 * 60 - 0.5);
  const viewport = await page.locator('meta[name="viewport"]').getAttribute("content");
  expect(viewport).not.toMatch(/user-scalable\s*=\s*no|maximum-scale/);
});
