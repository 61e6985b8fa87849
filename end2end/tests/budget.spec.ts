// The first-visit size budget: every resident page, opened in a fresh
// browser profile (an empty cache), downloads at most BUDGET bytes over the
// wire (compressed bodies and headers, as Chromium counts them) until the
// network has been idle for half a second. Measured in Debian's Chromium
// against the release build that the end-to-end tests run.
//
// The service worker is blocked here: it registers after the page's load
// event and then downloads the offline precache, which is the installed
// app's, not the first visit's (README, "Page weight"); blocking it also
// keeps every request of the page itself on the page, where it is counted.
import { expect, type Page } from "@playwright/test";
import { AT, apiNearby, fileSuggestion, RESIDENT_PAGES, test } from "./helpers";

/** 100 KB, as 100 000 bytes. */
const BUDGET = 100_000;

test.use({ serviceWorkers: "block" });

type Load = { total: number; files: string[] };

/** Counts what the page downloads while `go` runs and until the network
 * has been idle: every finished request's bytes on the wire. */
async function weigh(page: Page, go: () => Promise<unknown>): Promise<Load> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  const urls = new Map<string, string>();
  const sizes = new Map<string, number>();
  cdp.on("Network.requestWillBeSent", (e) => urls.set(e.requestId, e.request.url));
  cdp.on("Network.loadingFinished", (e) => sizes.set(e.requestId, e.encodedDataLength));
  await go();
  await page.waitForLoadState("networkidle");
  // The island loader waits for an idle moment before it imports the
  // WASM; give it one, then wait for the network again.
  await page.evaluate(() => new Promise((done) => requestIdleCallback(() => done(null), { timeout: 1000 })));
  await page.waitForLoadState("networkidle");
  await cdp.detach();
  let total = 0;
  const files: string[] = [];
  for (const [id, bytes] of sizes) {
    total += bytes;
    const url = (urls.get(id) ?? "?").replace(/^https?:\/\/[^/]+/, "");
    files.push(`${(bytes / 1000).toFixed(1)} KB ${url.slice(0, 90)}`);
  }
  files.sort((a, b) => parseFloat(b) - parseFloat(a));
  return { total, files };
}

function within(path: string, load: Load) {
  console.log(`first load ${path}: ${(load.total / 1000).toFixed(1)} KB\n  ${load.files.join("\n  ")}`);
  expect(load.total, `${path} downloads ${load.total} bytes:\n${load.files.join("\n")}`).toBeLessThanOrEqual(
    BUDGET,
  );
}

test.describe("first visit under 100 KB", () => {
  for (const path of RESIDENT_PAGES) {
    test(path, async ({ page }) => {
      within(path, await weigh(page, () => page.goto(path)));
    });
  }

  test("/facility/{id}", async ({ page, request }) => {
    const id = (await apiNearby(request, `${AT}&kind=meal`)).results[0].id;
    within(`/facility/${id}`, await weigh(page, () => page.goto(`/facility/${id}`)));
  });

  test("/track/{code}", async ({ page, request }) => {
    const code = await fileSuggestion(request);
    within(`/track/${code}`, await weigh(page, () => page.goto(`/track/${code}`)));
  });

  // The suggestion form's steps, as a resident meets them: each step's
  // download counted on its own, after the steps before it.
  test("/suggest, each step", async ({ page }) => {
    const next = () => page.locator("button[name=action][value=next]").click();
    within("/suggest (category)", await weigh(page, () => page.goto("/suggest")));
    await page.locator("label.category-choice").first().click();
    within("/suggest (place)", await weigh(page, next));
    await page.locator("#community").selectOption("wuhou-yulin");
    await page.locator("#location_text").fill("玉林小区3栋门口");
    within("/suggest (details)", await weigh(page, next));
    await page.locator("input[name=title]").fill("台阶旁需要一条坡道");
    within("/suggest (contact)", await weigh(page, next));
    within("/suggest (check)", await weigh(page, next));
    await expect(page.locator(".review-row").first()).toBeVisible();
  });

  // The search box is an island woken by use: the page comes without the
  // WASM, which arrives (with the dictionary) when the resident turns to
  // the box, and then answers as they type.
  test("/sorting: the search's code when the resident turns to it", async ({ page }) => {
    const first = await weigh(page, () => page.goto("/sorting"));
    within("/sorting", first);
    expect(first.files.filter((f) => f.includes(".wasm"))).toEqual([]);
    const turned = await weigh(page, async () => {
      await page.locator("#q").focus();
      await expect(page.locator("form.sorting-search[data-ready]")).toHaveCount(1);
    });
    console.log(`on focus: ${(turned.total / 1000).toFixed(1)} KB\n  ${turned.files.join("\n  ")}`);
    expect(turned.files.some((f) => f.includes(".wasm"))).toBe(true);
    expect(turned.files.some((f) => f.includes("/api/v1/sorting/dictionary"))).toBe(true);
    await page.locator("#q").fill("bz");
    await expect(page.locator(".sorting-results .sort-result:visible .sort-name").first()).toHaveText("报纸");
  });
});
