import { expect } from "@playwright/test";
import { expectNoAxeViolations, HOME, signIn, test } from "./helpers";

test("a committee member answers a suggestion and the resident sees it", async ({ page, browser, request }) => {
  const title = `儿童游乐区缺少遮阳 ${Date.now()}`;
  const filed = await request.post("/api/v1/suggestions", {
    data: { category: "play", title, lat: HOME.latitude, lng: HOME.longitude, contact_phone: "13711112222" },
  });
  expect(filed.status()).toBe(201);
  const code: string = (await filed.json()).receipt_code;

  await page.goto("/login");
  await expectNoAxeViolations(page);
  await signIn(page, "yulin");
  await expect(page.getByRole("heading", { name: "建议收件箱" })).toBeVisible();
  await expectNoAxeViolations(page);

  // Filter: received, play, searching the title.
  await page.locator(".filters-details > summary").click();
  await page.locator("#f-status").selectOption("received");
  await page.locator("#f-category").selectOption("play");
  await page.locator("#f-q").fill(title.slice(0, 8));
  await page.getByRole("button", { name: "筛选" }).click();
  await expect(page).toHaveURL(/status=received/);
  await page.getByRole("link", { name: title }).click();

  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(page.locator(".contact")).toContainText("13711112222");
  await expectNoAxeViolations(page);
  await page.locator("#to").selectOption("accepted");
  await page.locator("#reply").fill("已安排下周安装遮阳棚。");
  await page.getByRole("button", { name: "保存" }).first().click();
  await expect(page.getByRole("status")).toContainText("已保存");
  await expect(page.locator(".status-badge")).toContainText("已采纳");
  await expect(page.locator(".audit")).toContainText("已安排下周安装遮阳棚。");

  // The resident, in another browser: status and reply, no names.
  const resident = await browser.newContext({ locale: "zh-CN" });
  const track = await resident.newPage();
  await track.goto(`/track/${code}`);
  await expect(track.locator(".status-badge")).toContainText("已采纳");
  await expect(track.locator(".timeline")).toContainText("已安排下周安装遮阳棚。");
  await expect(track.locator("body")).not.toContainText("yulin");
  await expect(track.locator("body")).not.toContainText("13711112222");
  await resident.close();

  // The export: CSV with a BOM, this suggestion and its contact.
  const csv = await page.request.get("/review/export.csv?status=accepted");
  expect(csv.status()).toBe(200);
  const bytes = await csv.body();
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.toString("utf8");
  expect(text).toContain(code);
  expect(text).toContain("13711112222");
});

test("another community's member cannot open it", async ({ page, request }) => {
  const filed = await request.post("/api/v1/suggestions", {
    data: { category: "lighting", title: `玉林的路灯 ${Date.now()}`, lat: HOME.latitude, lng: HOME.longitude },
  });
  const code: string = (await filed.json()).receipt_code;
  await signIn(page, "jiangxi");
  const res = await page.goto(`/review/s/${code}`);
  expect(res!.status()).toBe(404);
  await page.goto("/review");
  await expect(page.locator(".inbox")).not.toContainText("玉林的路灯");
});

test.describe("in English", () => {
  test.use({ locale: "en-GB" });

  test("sign-in and the inbox speak English", async ({ page }) => {
    await signIn(page, "yulin");
    await expect(page.getByRole("heading", { name: "Inbox" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Export CSV" })).toBeVisible();
    await expectNoAxeViolations(page);
    await page.getByRole("link", { name: "Dashboard" }).click();
    await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("status")).toContainText("You have signed out.");
  });
});
