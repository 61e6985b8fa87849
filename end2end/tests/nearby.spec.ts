import { expect } from "@playwright/test";
import { apiNearby, AT, HOME, hydrated, test } from "./helpers";

test.describe("with the phone's position", () => {
  test.use({ geolocation: HOME, permissions: ["geolocation"] });

  test("finds the nearest meal point and its walking time", async ({ page, request }) => {
    await page.goto("/nearby?kind=meal");
    await expect(page.getByRole("heading", { name: "您在哪里？" })).toBeVisible();
    await hydrated(page);
    await page.getByRole("button", { name: "使用我的位置" }).click();
    await page.waitForURL((url) => url.search.includes(AT));

    const want = await apiNearby(request, `lat=${HOME.latitude}&lng=${HOME.longitude}&kind=meal`);
    expect(want.results.length).toBeGreaterThan(0);
    const first = page.locator(".cards > li").first();
    await expect(first.locator(".card-title")).toHaveText(want.results[0].name);
    await expect(first.locator(".card-walk")).toContainText(`步行约${want.results[0].walk_minutes}分钟`);
    await expect(first.locator(".card-kind")).toContainText("长者食堂");
    // Every card is a meal point, in the API's order.
    const titles = await page.locator(".card-title").allTextContents();
    expect(titles).toEqual(want.results.map((r) => r.name).slice(0, titles.length));
    // Navigation hands Amap the GCJ-02 point: in Chengdu about 250 m east
    // and 250 m south of the WGS-84 one.
    // The card links through the server, which redirects to the app.
    const amap = await first.getByRole("link", { name: "高德地图" }).getAttribute("href");
    expect(amap).toBe(`/facility/${want.results[0].id}/go/amap`);
    const hop = await request.get(amap!, { maxRedirects: 0 });
    expect(hop.status()).toBe(303);
    const [lng, lat] = new URL(hop.headers()["location"]).searchParams.get("to")!.split(",").map(Number);
    const detail = await (await request.get(`/api/v1/facilities/${want.results[0].id}`)).json();
    expect(lng - detail.lng).toBeGreaterThan(0.001);
    expect(lng - detail.lng).toBeLessThan(0.005);
    expect(detail.lat - lat).toBeGreaterThan(0.001);
    expect(detail.lat - lat).toBeLessThan(0.005);

    // The position is remembered on this device only: offered on the next visit.
    const stored = await page.evaluate(() => localStorage.getItem("linli.location"));
    expect(JSON.parse(stored!)).toEqual([HOME.latitude, HOME.longitude]);
    await page.goto("/nearby?kind=reading");
    await page.getByRole("link", { name: "上次的位置" }).click();
    await page.waitForURL((url) => url.search.includes("kind=reading") && url.search.includes(AT));
    await expect(page.locator(".card-kind").first()).toContainText("社区书屋");
  });

  test("a tap on the map moves the position there", async ({ page }) => {
    await page.goto(`/nearby?kind=all&${AT}`);
    await hydrated(page);
    const svg = page.locator(".results .map svg");
    await svg.scrollIntoViewIfNeeded();
    const box = (await svg.boundingBox())!;
    // Tap near the top-left corner, away from the pins in the middle.
    await svg.click({ position: { x: box.width * 0.08, y: box.height * 0.08 } });
    await page.waitForURL((url) => !url.search.includes(AT));
    const url = new URL(page.url());
    expect(Number(url.searchParams.get("lat"))).toBeGreaterThan(HOME.latitude);
    expect(Number(url.searchParams.get("lng"))).toBeLessThan(HOME.longitude);
  });
});

test("a pin on the map leads to its card, and each card shows its kind's pictogram", async ({ page }) => {
  await page.goto(`/nearby?kind=all&${AT}`);
  // Pin 1, the nearest, is drawn on top of any it overlaps.
  const pin = page.locator(".results .map a").filter({ has: page.locator("text", { hasText: /^1$/ }) });
  await expect(pin).toHaveAttribute("href", "#r1");
  await pin.locator("g").click();
  await expect(page).toHaveURL(/#r1$/);
  const card = page.locator(".cards > li:target");
  await expect(card).toHaveAttribute("id", "r1");
  await expect(card).toBeInViewport();
  await expect(card.locator(".card-number")).toHaveText("1");
  // The sticky ring heading does not hide the card's title.
  const heading = await page.locator(".ring-heading").first().boundingBox();
  const title = await card.locator(".card-title").boundingBox();
  expect(title!.y).toBeGreaterThanOrEqual(heading!.y + heading!.height - 1);
  // The pictogram is the stylesheet's mask, drawn at the text's size.
  const icon = card.locator(".card-kind .kind-icon");
  const drawn = await icon.evaluate((el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return { mask: style.webkitMaskImage || style.maskImage, width: box.width, height: box.height };
  });
  expect(drawn.mask).toContain("data:image/svg+xml");
  expect(drawn.width).toBeGreaterThan(15);
  expect(drawn.height).toBeGreaterThan(15);
});

test.describe("with the position refused", () => {
  test.use({ permissions: [] });

  test("falls back to the community picker", async ({ page, context }) => {
    await context.clearPermissions();
    await page.goto("/nearby?kind=meal");
    await hydrated(page);
    await page.getByRole("button", { name: "使用我的位置" }).click();
    await expect(page.getByRole("status")).toContainText("没有获得位置权限");
    // Focus moves to the alternative.
    await expect(page.locator("#community")).toBeFocused();
    await page.locator("#community").selectOption({ label: "玉林街道" });
    await page.getByRole("button", { name: "用这个位置" }).click();
    await expect(page.locator(".location-current")).toContainText("玉林街道中心");
    await expect(page.locator(".cards > li").first().locator(".card-kind")).toContainText("长者食堂");
    await expect(page.locator("#results-heading")).toContainText("步行15分钟内");
  });
});
