import { expect } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";
import { expectNoAxeViolations, signIn, test } from "./helpers";

test.describe("a clerk at a desktop imports a spreadsheet", () => {
  test.use({ viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false });

  test("the preview names the bad row in Chinese; an exported workbook imports back unchanged", async ({ page }) => {
    await signIn(page, "street");
    await page.getByRole("link", { name: "设施" }).click();
    await page.getByRole("link", { name: "导入设施" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "导入设施" })).toBeVisible();
    await expectNoAxeViolations(page);

    // An Excel file whose third row has latitude and longitude swapped.
    await page.locator("#imp-file").setInputFiles(path.join(__dirname, "..", "fixtures", "bad-row.xlsx"));
    await page.getByLabel("高德地图或腾讯地图（GCJ-02）").check();
    await page.getByRole("button", { name: "预览" }).click();
    const problems = page.locator(".import-errors li");
    await expect(problems).toHaveCount(1);
    await expect(problems).toHaveText("第3行 · lat：必须在 -90 到 90 之间；经纬度是不是写反了？");
    await expect(page.locator("#import-error")).toContainText("什么都没有导入");
    await expectNoAxeViolations(page);

    // One community's facilities (one no other test edits) as a workbook,
    // uploaded again: nothing changes.
    await page.goto("/review/facilities");
    await page.locator("#f-community").selectOption("wuhou-jiangxijie");
    await page.getByRole("button", { name: "筛选" }).click();
    await expect(page).toHaveURL(/community=wuhou-jiangxijie/);
    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "导出设施（Excel）" }).click();
    const exported = await (await download).path();
    await page.getByRole("link", { name: "导入设施" }).click();
    await page.locator("#imp-file").setInputFiles({
      name: "facilities.xlsx",
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      buffer: fs.readFileSync(exported!),
    });
    await page.getByRole("button", { name: "预览" }).click();
    await expect(page.locator("#import-summary")).toContainText("新增 0 个，更新 0 个");
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "确认导入" }).click();
    await expect(page.locator("#import-done")).toContainText("已导入：新增 0 个，更新 0 个，停用 0 个");
  });
});
