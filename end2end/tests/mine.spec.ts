import { expect } from "@playwright/test";
import { expectNoAxeViolations, signIn, test } from "./helpers";

// "我的建议": a resident files through the step form, and without writing
// the receipt code down finds the suggestion on the phone's list, hears of
// the committee's reply on the home page, reads it, and takes it off.
test("the phone remembers its suggestions and tells of a reply", async ({ page, browser }) => {
  const title = `台阶旁需要扶手 ${Date.now()}`;
  const next = () => page.locator("button[name=action][value=next]").click();
  await page.goto("/suggest");
  await page.locator("label.category-choice", { hasText: "无障碍" }).click();
  await next();
  await page.locator("#community").selectOption("wuhou-yulin");
  await page.locator("#location_text").fill("玉林小区3栋门口");
  await next();
  await page.getByLabel("标题").fill(title);
  await next();
  await next();
  await page.getByRole("button", { name: "提交建议" }).click();
  await expect(page.locator(".receipt-code")).toBeVisible();
  const code = (await page.locator(".receipt-code").textContent())!.trim();

  await page.goto("/");
  await expect(page.locator(".mine-door .news-badge")).toHaveCount(0);
  await page.locator(".mine-door").getByRole("link", { name: "我的建议" }).click();
  const item = page.locator(".mine-item", { hasText: title });
  await expect(item).toContainText(code);
  await expect(item.locator(".status-badge")).toContainText("已收到");
  await expectNoAxeViolations(page);

  // The committee, in its own browser, replies in public.
  const committee = await browser.newContext({ locale: "zh-CN" });
  const desk = await committee.newPage();
  await signIn(desk, "yulin");
  await desk.goto(`/review/s/${code}`);
  await desk.locator("#to").selectOption("reviewing");
  await desk.locator("#reply").fill("已转给物业，本周内答复。");
  await desk.getByRole("button", { name: "保存" }).first().click();
  await expect(desk.getByRole("status")).toContainText("已保存");
  await committee.close();

  // Opening the app: the home page says there is news, the list which.
  await page.goto("/");
  await expect(page.locator(".mine-door .news-badge")).toHaveText("有新回复：1条");
  await page.locator(".mine-door").getByRole("link", { name: "我的建议" }).click();
  await expect(item.locator(".news-badge")).toHaveText("有新回复");
  await expect(item.locator(".status-badge")).toContainText("审核中");
  await expect(item.locator(".timeline-reply")).toContainText("已转给物业，本周内答复。");
  await expectNoAxeViolations(page);
  // Seen now: the home page is quiet again.
  await page.goto("/");
  await expect(page.locator(".mine-door .news-badge")).toHaveCount(0);

  // In English, and then one tap takes it off the list.
  await page.goto("/mine");
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("My suggestions");
  await expectNoAxeViolations(page);
  await item.getByRole("button", { name: "Remove from the list" }).click();
  await expect(page).toHaveURL(/\/mine$/);
  await expect(page.locator(".mine-item", { hasText: title })).toHaveCount(0);
});
