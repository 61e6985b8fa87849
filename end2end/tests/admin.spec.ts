import { Browser, expect, Page } from "@playwright/test";
import { expectCursorOnMistake, expectNoAxeViolations, signIn, test } from "./helpers";

/** A date `days` from today in Chengdu, as `<input type="date">` takes it. */
function chengduDate(days: number): string {
  return new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/** A resident's page in a browser context of their own (no session). */
async function residentPage(browser: Browser, locale: string): Promise<Page> {
  const context = await browser.newContext({ locale, timezoneId: "Asia/Shanghai" });
  return context.newPage();
}

async function saved(page: Page, text: RegExp) {
  await expect(page.locator(".notice").filter({ hasText: text })).toBeVisible();
}

test("a committee member on a phone corrects a meal point's hours and adds a holiday closure; a resident sees both", async ({
  page,
  browser,
}) => {
  await signIn(page, "yulin");
  await page.getByRole("link", { name: "设施" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "设施" })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.locator("#f-q").fill("玉林社区长者食堂");
  await page.getByRole("button", { name: "筛选" }).click();
  await page.locator(".cards").getByRole("link", { name: "玉林社区长者食堂" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("玉林社区长者食堂");
  const id = page.url().match(/facilities\/(\d+)/)![1];
  await expectNoAxeViolations(page);
  // A committee member keeps hours, not names.
  await expect(page.locator("#e-name_zh")).toHaveCount(0);

  // A mistake first: it is named on its day, and nothing is saved.
  await page.locator('input[name="d0_open1"]').fill("11:30");
  await page.locator('input[name="d0_close1"]').fill("10:00");
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.locator(".notice-error")).toContainText("还没有保存");
  await expect(page.locator(".field-error").first()).toContainText("周一：结束时间要晚于开始时间");
  // The cursor is in Monday's first time, which says what is wrong.
  await expectCursorOnMistake(page.locator('input[name="d0_open1"]'), /周一：结束时间要晚于开始时间/);
  await expect(page.locator('input[name="d1_open1"]')).not.toHaveAttribute("aria-invalid", "true");
  await expectNoAxeViolations(page);

  // Lunch and, new, dinner on weekdays; previewed, then saved.
  for (let d = 0; d < 5; d++) {
    await page.locator(`input[name="d${d}_open1"]`).fill("11:00");
    await page.locator(`input[name="d${d}_close1"]`).fill("13:30");
    await page.locator(`input[name="d${d}_open2"]`).fill("17:00");
    await page.locator(`input[name="d${d}_close2"]`).fill("18:30");
  }
  await page.getByRole("button", { name: "预览居民看到的样子" }).click();
  await expect(page.locator(".preview")).toContainText("11:00-13:30, 17:00-18:30");
  await page.getByRole("button", { name: "保存" }).click();
  await saved(page, /已保存/);

  // A closure from tomorrow, for the Spring Festival.
  await page.locator("#c-from").fill(chengduDate(1));
  await page.locator("#c-to").fill(chengduDate(4));
  await page.locator("#c-note-zh").fill("春节闭馆至2月5日");
  await page.locator("#c-note-en").fill("Closed for the Spring Festival");
  await page.getByRole("button", { name: "添加临时安排" }).click();
  await saved(page, /已保存/);
  await expect(page.locator(".closures")).toContainText("春节闭馆至2月5日");
  await expect(page.locator(".audit")).toContainText("临时安排");
  await expect(page.locator(".audit")).toContainText("修改资料");
  await expectNoAxeViolations(page);

  // A resident, in a browser of their own, sees both at once.
  const resident = await residentPage(browser, "zh-CN");
  await resident.goto(`/facility/${id}`);
  await expect(resident.locator("table.hours tr").first()).toContainText("11:00-13:30, 17:00-18:30");
  await expect(resident.locator(".closures")).toContainText("春节闭馆至2月5日");
  await expect(resident.locator(".closure-notice")).toContainText("暂停开放");
  await resident.context().close();
});

test.describe("an admin at a desktop, in English", () => {
  test.use({ locale: "en-GB", viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false });

  test("an admin closes a reading point on Saturdays, renames it and retires and restores it", async ({
    page,
    browser,
  }) => {
    await signIn(page, "street");
    await page.getByRole("link", { name: "Facilities" }).click();
    await page.locator("#f-community").selectOption("wuhou-yulin");
    await page.locator("#f-kind").selectOption("reading");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/kind=reading/);
    await expectNoAxeViolations(page);
    await page.locator(".cards .card-title a").first().click();
    const id = page.url().match(/facilities\/(\d+)/)![1];
    await expectNoAxeViolations(page);

    const name = `Yulin Reading Corner ${Date.now()}`;
    await page.locator("#e-name_en").fill(name);
    await page.locator('input[name="d5_closed"]').check();
    await page.getByRole("button", { name: "Save" }).click();
    await saved(page, /Saved/);

    const resident = await residentPage(browser, "en-GB");
    await resident.goto(`/facility/${id}`);
    await expect(resident.getByRole("heading", { level: 1 })).toHaveText(name);
    await expect(resident.locator("table.hours tr").nth(5)).toContainText("Closed");

    // Retired: gone for residents, kept for staff; then back.
    await page.getByRole("button", { name: "Retire for good" }).click();
    await expect(page.locator(".notice-error")).toContainText("retired");
    expect((await resident.goto(`/facility/${id}`))!.status()).toBe(404);
    await page.getByRole("button", { name: "Restore" }).click();
    await saved(page, /Saved/);
    expect((await resident.goto(`/facility/${id}`))!.status()).toBe(200);
    await resident.context().close();

    await page.goto("/review/facilities/new");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Add a facility");
    await expectNoAxeViolations(page);
  });
});
