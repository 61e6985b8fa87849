import { expect, Page } from "@playwright/test";
import { expectNoAxeViolations, HOME, test } from "./helpers";

const CODE = /^[A-Z2-9]{2}-[2-9A-HJKMNP-Z]{4,6}$/;

/** A photo as a phone makes it: a large JPEG, drawn in the page's canvas. */
async function phonePhoto(page: Page, width = 2400, height = 1800): Promise<Buffer> {
  const b64 = await page.evaluate(
    ([w, h]) => {
      const c = document.createElement("canvas");
      c.width = w;
      c.height = h;
      const g = c.getContext("2d")!;
      const grad = g.createLinearGradient(0, 0, w, h);
      grad.addColorStop(0, "#7a9"), grad.addColorStop(1, "#345");
      g.fillStyle = grad;
      g.fillRect(0, 0, w, h);
      return c.toDataURL("image/jpeg", 0.92).split(",")[1];
    },
    [width, height],
  );
  return Buffer.from(b64, "base64");
}

/** Waits until the place step's island has rendered its button. */
async function placeReady(page: Page) {
  await expect(page.locator("#use-location")).toBeVisible();
}

test.describe("with the phone's position", () => {
  test.use({ geolocation: HOME, permissions: ["geolocation"] });

  test("a resident suggests with a photo and follows it", async ({ page, request }) => {
    await page.goto("/suggest");
    await expect(page.getByRole("heading", { name: "提出微更新建议" })).toBeVisible();
    await expect(page.locator(".step-count")).toContainText("第1步，共5步");
    await expectNoAxeViolations(page);

    await page.locator("label.category-choice", { hasText: "座椅" }).click();
    await page.getByRole("button", { name: "下一步" }).click();

    await expect(page.locator(".step-count")).toContainText("第2步");
    await placeReady(page);
    await page.getByRole("button", { name: "使用我现在的位置" }).click();
    await expect(page.locator(".place-set")).toContainText("已在地图上标出位置");
    await expect(page.locator("#lat")).toHaveValue(HOME.latitude.toFixed(6));
    await expect(page.locator("#community")).toHaveValue("wuhou-yulin");
    await expect(page.locator(".place .map svg .map-you")).toHaveCount(1);
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "下一步" }).click();

    await expect(page.locator(".step-count")).toContainText("第3步");
    await page.getByLabel("标题").fill("芳草街口的长椅少了一块木板");
    await page.getByLabel("详细说明（可选）").fill("老人坐下时容易夹手。\n希望尽快修好。");
    const photo = await phonePhoto(page);
    await page.locator("#photos").setInputFiles({ name: "IMG_0001.jpg", mimeType: "image/jpeg", buffer: photo });
    // Shrunk in the browser before upload.
    await expect(page.locator(".photo-input .locate-status")).toHaveText("照片已准备好。");
    const sent = await page.locator("#photos").evaluate((el: HTMLInputElement) => el.files![0].size);
    expect(sent).toBeLessThan(photo.length);
    await page.getByRole("button", { name: "下一步" }).click();

    await expect(page.locator(".step-count")).toContainText("第4步");
    await page.getByRole("button", { name: "下一步" }).click();

    await expect(page.locator(".step-count")).toContainText("第5步");
    await expect(page.locator(".review")).toContainText("芳草街口的长椅少了一块木板");
    await expect(page.locator(".review")).toContainText("1张");
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "提交建议" }).click();

    await page.waitForURL(/\/track\/[A-Z0-9-]+\?new=1/);
    const code = (await page.locator(".receipt-code").textContent())!.trim();
    expect(code).toMatch(CODE);
    expect(code.startsWith("WH-")).toBe(true);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("芳草街口的长椅少了一块木板");
    await expect(page.locator(".status-badge")).toContainText("已收到");
    await expect(page.locator(".track-description")).toHaveText("老人坐下时容易夹手。\n希望尽快修好。");
    await expect(page.locator(".photo-list img")).toHaveCount(1);
    await expectNoAxeViolations(page);

    const api = await (await request.get(`/api/v1/suggestions/${code}`)).json();
    expect(api.category).toBe("seating");
    expect(api.community).toBe("wuhou-yulin");
    expect(Math.max(api.photos[0].width, api.photos[0].height)).toBe(1600);
    expect(api.lat).toBeCloseTo(HOME.latitude, 5);

    // Anyone can follow it by its code, typed loosely.
    await page.goto("/track");
    await page.getByLabel("回执编号（例如 WH-7K3Q）").fill(code.toLowerCase().replace("-", " "));
    await page.getByRole("button", { name: "查询" }).click();
    await expect(page).toHaveURL(new RegExp(`/track/${code}$`));
  });

  test("a resident supports a nearby suggestion instead of filing a duplicate", async ({ page, request }) => {
    const title = `路灯不亮 ${Date.now()}`;
    const filed = await request.post("/api/v1/suggestions", {
      data: { category: "lighting", title, lat: HOME.latitude + 0.0004, lng: HOME.longitude },
    });
    expect(filed.status()).toBe(201);
    const code = (await filed.json()).receipt_code;

    await page.goto("/suggest?category=lighting");
    await page.getByRole("button", { name: "下一步" }).click();
    await placeReady(page);
    await page.getByRole("button", { name: "使用我现在的位置" }).click();
    await expect(page.locator(".place-set")).toBeVisible();
    await page.getByRole("button", { name: "下一步" }).click();

    const hint = page.locator(".duplicates");
    await expect(hint.getByRole("heading", { name: "附近已有类似建议" })).toBeVisible();
    const item = hint.locator("li", { hasText: title });
    await expect(item).toContainText("约44米");
    await expectNoAxeViolations(page);
    await item.getByRole("button", { name: "支持这条（+1）" }).click();

    await page.waitForURL(new RegExp(`/track/${code}\\?supported=1`));
    await expect(page.getByRole("status")).toContainText("谢谢，您的支持已记录");
    await expect(page.locator(".track-meta")).toContainText("支持：1");
    // Again from the same device (also after a reload): not counted twice.
    await page.getByRole("button", { name: "我也支持（+1）" }).click();
    await expect(page.getByRole("status")).toContainText("您已经支持过这条建议");
    await page.reload();
    const api = await (await request.get(`/api/v1/suggestions/${code}`)).json();
    expect(api.supports).toBe(1);
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the whole form works as plain form posts and explains mistakes", async ({ page, request }) => {
    await page.goto("/suggest");
    // No choice: the same step, with the problem named and linked.
    await page.getByRole("button", { name: "下一步" }).click();
    await expect(page.locator(".error-summary")).toContainText("请选择建议的类别");
    await page.locator("label.category-choice", { hasText: "无障碍" }).click();
    await page.getByRole("button", { name: "下一步" }).click();

    // No geolocation button without JavaScript: community and words.
    await expect(page.locator("#use-location")).toBeHidden();
    await page.getByRole("button", { name: "下一步" }).click();
    await expect(page.locator(".error-summary")).toContainText("请选择社区");
    await page.locator("#community").selectOption("wuhou-yulin");
    await page.getByLabel("地点描述").fill("玉林小区3栋门口的台阶");
    await page.getByRole("button", { name: "下一步" }).click();

    await page.getByLabel("标题").fill("台阶旁需要一条坡道");
    await page.getByRole("button", { name: "下一步" }).click();

    await page.getByLabel("电话（可选）").fill("13800138000");
    await page.getByRole("button", { name: "下一步" }).click();
    await expect(page.locator(".error-summary")).toContainText("请勾选同意");
    await expect(page.getByLabel("电话（可选）")).toHaveValue("13800138000");
    await page.locator("label.consent").click();
    await page.getByRole("button", { name: "下一步" }).click();

    // Going back keeps everything.
    await page.locator(".review-row", { hasText: "标题" }).getByRole("button", { name: "修改" }).click();
    await expect(page.getByLabel("标题")).toHaveValue("台阶旁需要一条坡道");
    await page.getByRole("button", { name: "下一步" }).click();
    await page.getByRole("button", { name: "下一步" }).click();
    await page.getByRole("button", { name: "提交建议" }).click();

    await page.waitForURL(/\/track\/WH-[A-Z0-9]+\?new=1/);
    const code = (await page.locator(".receipt-code").textContent())!.trim();
    const api = await (await request.get(`/api/v1/suggestions/${code}`)).json();
    expect(api.title).toBe("台阶旁需要一条坡道");
    expect(api.location_text).toBe("玉林小区3栋门口的台阶");
    expect(JSON.stringify(api)).not.toContain("13800138000");
    await expect(page.locator("body")).not.toContainText("13800138000");
  });
});

test.describe("in English", () => {
  test.use({ locale: "en-GB" });

  test("the form and the tracking page speak English", async ({ page }) => {
    await page.goto("/suggest?category=greenery&community=wuhou-yulin");
    await expect(page.getByRole("heading", { name: "Suggest an improvement" })).toBeVisible();
    await expect(page.locator(".step-count")).toContainText("Step 1 of 5");
    await expect(page.getByRole("radio", { name: /Greenery/ })).toBeChecked();
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByLabel("Describe the place").fill("Pocket park by the canal");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByLabel("Title").fill("x");
    await page.getByRole("button", { name: "Next" }).click();
    await expect(page.locator(".error-summary")).toContainText("At least 2 characters.");
    await page.getByLabel("Title").fill("More shade trees");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("button", { name: "Next" }).click();
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "Send suggestion" }).click();
    await expect(page.locator(".receipt")).toContainText("Your receipt code");
    await expect(page.locator(".status-badge")).toContainText("Received");
    await expectNoAxeViolations(page);
    await page.getByRole("link", { name: /More suggestions in Yulin/ }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Suggestions in Yulin Subdistrict");
    await expect(page.locator(".cards")).toContainText("More shade trees");
    await expectNoAxeViolations(page);
  });
});
