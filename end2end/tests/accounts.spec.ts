import { expect } from "@playwright/test";
import { expectCursorOnMistake, expectNoAxeViolations, signIn, test } from "./helpers";

test.describe("an admin at a desktop invites a committee member", () => {
  test.use({ viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false });

  test("the member sets a password from the link on a phone and signs in with it", async ({ page, browser }) => {
    const username = `e2e.${Date.now() % 1_000_000}`;
    await signIn(page, "street");
    await page.getByRole("link", { name: "账号" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "账号" })).toBeVisible();
    await expectNoAxeViolations(page);

    // A mistake first: a committee member needs a community.
    await page.locator("#i-username").fill(username);
    await page.getByRole("button", { name: "生成邀请链接" }).click();
    await expect(page.locator("#invite-error")).toContainText("必须选择所属社区");
    await expectCursorOnMistake(page.locator("#i-community"), /必须选择所属社区/);
    await expect(page.locator("#i-username")).toHaveValue(username);

    await page.locator("#i-community").selectOption("wuhou-yulin");
    await page.getByRole("button", { name: "生成邀请链接" }).click();
    const slip = page.locator(".invite-slip");
    await expect(slip).toContainText(`给 ${username} 的链接`);
    await expect(slip).toContainText("只显示这一次");
    await expectNoAxeViolations(page);
    const link = (await page.locator("#invite-link").textContent())!.trim();
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/review\/welcome\?token=[0-9a-f]{64}$/);
    // The list says the account waits for its password.
    await page.goto("/review/accounts");
    await expect(page.locator(".accounts")).toContainText("已邀请，尚未设置密码");

    // The member opens the link on their own phone.
    const phone = await (await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai" })).newPage();
    await phone.setViewportSize({ width: 360, height: 740 });
    await phone.goto(link);
    await expect(phone.getByRole("heading", { level: 1, name: "设置密码" })).toBeVisible();
    await expect(phone.locator(".welcome-who")).toContainText(`${username} · wuhou-yulin`);
    await expectNoAxeViolations(phone);
    await phone.locator("#w-password").fill("我的新密码是十个字以上");
    await phone.locator("#w-repeat").fill("我的新密码是十个字以上吗");
    await phone.getByRole("button", { name: "设置密码并登录" }).click();
    await expect(phone.locator("#welcome-error")).toContainText("两次输入的密码不一样");
    await phone.locator("#w-password").fill("我的新密码是十个字以上");
    await phone.locator("#w-repeat").fill("我的新密码是十个字以上");
    await phone.getByRole("button", { name: "设置密码并登录" }).click();
    await expect(phone).toHaveURL(/\/review\?welcome=1$/);
    await expect(phone.locator("#welcome-done")).toBeVisible();
    await expect(phone.locator(".review-who")).toContainText(`${username} · wuhou-yulin`);

    // The link works once.
    await phone.goto(link);
    await expect(phone.locator("#welcome-error")).toContainText("已经用过");

    // Signed out, the member signs in with the new password.
    await phone.goto("/review");
    await phone.getByRole("button", { name: "退出" }).click();
    await phone.goto("/review");
    await phone.getByLabel("用户名").fill(username);
    await phone.getByLabel("密码").fill("我的新密码是十个字以上");
    await phone.getByRole("button", { name: "登录" }).click();
    await expect(phone).toHaveURL(/\/review$/);

    // Their own account page names this device.
    await phone.locator(".review-who").click();
    await expect(phone.getByRole("heading", { level: 1, name: "我的账号" })).toBeVisible();
    await expect(phone.locator(".cards")).toContainText("本设备");
    await expectNoAxeViolations(phone);
    await phone.context().close();

    await page.reload();
    await expect(page.locator(".accounts")).toContainText("最近登录");
  });
});

test.describe("in English", () => {
  test.use({ locale: "en-GB" });

  test("a committee member sees their own account but not the admin's page", async ({ page }) => {
    await signIn(page, "jiangxi");
    await expect(page.getByRole("link", { name: "Accounts" })).toHaveCount(0);
    const answer = await page.goto("/review/accounts");
    expect(answer!.status()).toBe(403);
    await expect(page.locator(".notice-error")).toContainText("Only street or district staff");
    await expectNoAxeViolations(page);
    await page.getByRole("link", { name: "My account" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "My account" })).toBeVisible();
    await page.locator("#p-current").fill("not the password");
    await page.locator("#p-new").fill("a new long password");
    await page.locator("#p-repeat").fill("a new long password");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.locator("#password-error")).toContainText("current password is wrong");
    await expectNoAxeViolations(page);
  });
});

test.describe("an admin keeps the communities, in English", () => {
  test.use({ locale: "en-GB", viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false });

  test("a community's page draws its boundary and names a mistake beside its field", async ({ page }) => {
    await signIn(page, "street");
    await page.getByRole("link", { name: "Communities" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Communities" })).toBeVisible();
    await expectNoAxeViolations(page);
    await page.goto("/review/communities/wuhou-jiangxijie");
    await expect(page.locator(".community-outline")).toHaveCount(1);
    await expectNoAxeViolations(page);
    await page.locator("#c-name_zh").fill("");
    await page.locator("#c-name_zh").evaluate((el) => el.removeAttribute("required"));
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.locator("#community-error")).toBeVisible();
    await expect(page.locator("#name_zh-error")).toContainText("is required");
    await expectCursorOnMistake(page.locator("#c-name_zh"), /is required/);
    await expectNoAxeViolations(page);
    await page.goto("/review/communities/new");
    await expectNoAxeViolations(page);
  });
});
