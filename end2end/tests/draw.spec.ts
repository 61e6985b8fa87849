import { test, expect, type Page } from "@playwright/test";
import { expectNoAxeViolations, signIn } from "./helpers";

// Taps a staff map at fractions of its width and height, from its top
// left or from a point drawn on it.
async function tap(page: Page, fx: number, fy: number, from?: { x: number; y: number }) {
  const box = (await page.locator(".map-draw-area svg").first().boundingBox())!;
  const [x0, y0] = from ? [from.x, from.y] : [box.x, box.y];
  await page.mouse.click(x0 + box.width * fx, y0 + box.height * fy);
}

// Jiulidi: far from the places the other tests file suggestions at, and
// put back as it was at the end.
test.describe("an admin places things by tapping the map, in English", () => {
  test.use({ locale: "en-GB", viewport: { width: 1280, height: 900 }, isMobile: false, hasTouch: false });

  test("draws a community's boundary corner by corner, saves it, and puts the old one back", async ({ page }) => {
    await signIn(page, "street");
    await page.goto("/review/communities/jinniu-jiulidi");
    const boundary = page.locator("#c-boundary");
    const original = await boundary.inputValue();
    expect(original).toContain("Polygon");
    // Once the island's code has loaded, each tap adds a corner.
    await expect(page.locator(".map-draw[data-ready]")).toHaveCount(1);
    await expect(page.getByRole("button", { name: "Undo last corner" })).toBeVisible();
    await page.locator("#c-crs").selectOption("gcj02");
    // Around the community's centre, which must stay inside.
    const dot = (await page.locator(".community-centre").boundingBox())!;
    const centre = { x: dot.x + dot.width / 2, y: dot.y + dot.height / 2 };
    for (const [x, y] of [
      [-0.1, -0.1],
      [0.1, -0.1],
      [0.1, 0.1],
      [-0.1, 0.1],
    ]) {
      await tap(page, x, y, centre);
    }
    await expect(page.locator(".map-draw .locate-status")).toHaveText("4 corners drawn (at least 3); saved when you press Save.");
    await expect(page.locator(".draw-corner")).toHaveCount(4);
    await page.getByRole("button", { name: "Undo last corner" }).click();
    await expect(page.locator(".draw-corner")).toHaveCount(3);
    await tap(page, -0.1, 0.1, centre);
    const drawn = JSON.parse(await boundary.inputValue());
    expect(drawn.type).toBe("Polygon");
    expect(drawn.coordinates[0]).toHaveLength(5);
    // The drawing is in WGS-84 whatever was chosen before.
    await expect(page.locator("#c-crs")).toHaveValue("wgs84");
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.locator("#community-done")).toBeVisible();
    const stored = JSON.parse(await boundary.inputValue());
    for (let i = 0; i < 5; i++) {
      expect(stored.coordinates[0][i][0]).toBeCloseTo(drawn.coordinates[0][i][0], 6);
      expect(stored.coordinates[0][i][1]).toBeCloseTo(drawn.coordinates[0][i][1], 6);
    }
    await expect(page.locator(".audit")).toContainText("boundary");

    // "Start again" brings back what the field held; then the old boundary is saved again.
    // The saved page is a new one: its island must be awake before a tap counts.
    await expect(page.locator(".map-draw[data-ready]")).toHaveCount(1);
    await tap(page, 0.5, 0.5);
    await expect(page.locator(".draw-corner")).toHaveCount(1);
    await page.getByRole("button", { name: "Start again" }).click();
    expect(JSON.parse(await boundary.inputValue())).toEqual(stored);
    await boundary.fill(original);
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.locator("#community-done")).toBeVisible();
    expect(JSON.parse(await boundary.inputValue())).toEqual(JSON.parse(original));
  });

  test("moves a facility by tapping its place, and back", async ({ page }) => {
    await signIn(page, "street");
    await page.goto("/review/facilities?community=jinniu-jiulidi");
    await page.locator(".cards .card-title a").first().click();
    const [lat, lng] = [page.locator("#e-lat"), page.locator("#e-lng")];
    const before = [await lat.inputValue(), await lng.inputValue()];
    await page.locator("#e-coords").fill("30.7, 104.0");
    await expect(page.locator(".map-marked")).toHaveCount(1);
    await expect(page.locator(".map-draw[data-ready]")).toHaveCount(1);
    await tap(page, 0.52, 0.47);
    await expect(page.locator(".map-draw .locate-status")).toHaveText("Place chosen on the map; saved when you press Save.");
    const after = [await lat.inputValue(), await lng.inputValue()];
    expect(after).not.toEqual(before);
    await expect(page.locator("#e-coords"), "the pasted text would win, so it is emptied").toHaveValue("");
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.locator(".notice").filter({ hasText: /Saved/ })).toBeVisible();
    expect([await lat.inputValue(), await lng.inputValue()]).toEqual(after);
    const id = page.url().match(/facilities\/(\d+)/)![1];
    const api = await (await page.request.get(`/api/v1/facilities/${id}`)).json();
    expect(api.lat).toBeCloseTo(Number(after[0]), 6);
    expect(api.lng).toBeCloseTo(Number(after[1]), 6);
    await lat.fill(before[0]);
    await lng.fill(before[1]);
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.locator(".notice").filter({ hasText: /Saved/ })).toBeVisible();
    expect([await lat.inputValue(), await lng.inputValue()]).toEqual(before);
  });
});
