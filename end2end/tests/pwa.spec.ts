import { BrowserContext, chromium, expect, Page } from "@playwright/test";
import { ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CHROMIUM_ARGS } from "../playwright.config";
import { apiNearby, AT, expectNoAxeViolations, HOME, test, watchCsp } from "./helpers";

// A real profile on disk (installability is never reported for an
// incognito context), with the settings of playwright.config.ts.
/** Temporary folders of this file's tests, removed when they finish. */
const temporary: string[] = [];
const tempDir = (prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temporary.push(dir);
  return dir;
};
/** CSP violations seen in this file's own browser contexts. */
const violations: string[][] = [];
test.afterEach(() => {
  for (const dir of temporary.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  expect(violations.splice(0).flat(), "Content-Security-Policy violations").toEqual([]);
});

async function launch(baseURL: string, dir = tempDir("linli-pwa-")): Promise<BrowserContext> {
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
    baseURL,
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    geolocation: HOME,
    permissions: ["geolocation"],
  });
  violations.push(watchCsp(context));
  return context;
}

/** Opens `url` and waits until the service worker controls the page. */
async function controlled(context: BrowserContext, url = "/"): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  return page;
}

/** Web-map tile column of a longitude at zoom 13 (domain/tiles.rs). */
const tileX = (lng: number) => Math.floor(((lng + 180) / 360) * 8192);

test("installable, and after one search the home page, nearby search (across tile edges) and sorting guide work offline", async ({
  baseURL,
  request,
}) => {
  const context = await launch(baseURL!);
  try {
    const page = await controlled(context);
    // Chromium's own verdict on installability.
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
    expect(installabilityErrors).toEqual([]);
    const manifest = await request.get("/manifest.webmanifest");
    expect(manifest.headers()["content-type"]).toContain("manifest+json");

    const want = await apiNearby(request, `lat=${HOME.latitude}&lng=${HOME.longitude}&limit=40`);
    expect(want.results.length).toBeGreaterThan(2);
    // A place across the nearest tile edge, 2.5 km at most from home: kept
    // too, and its search needs tiles on both sides of the edge.
    const east = (tileX(HOME.longitude) + 1) * (360 / 8192) - 180;
    const west = tileX(HOME.longitude) * (360 / 8192) - 180;
    const across = east - HOME.longitude < HOME.longitude - west ? east + 0.003 : west - 0.003;
    const ACROSS = `lat=${HOME.latitude.toFixed(6)}&lng=${across.toFixed(6)}`;
    const wantAcross = await apiNearby(request, `${ACROSS}&limit=40`);
    expect(wantAcross.results.length).toBeGreaterThan(2);

    // One search online (for meals; the page itself is kept, so offline
    // searches below ask for every kind): the phone keeps the tiles around
    // that place.
    await page.goto(`/nearby?kind=meal&${AT}`);
    const area = await (await request.get(`/api/v1/facilities/tiles?${AT}`)).json();
    expect(area.tiles.length).toBeGreaterThanOrEqual(4);
    await page.waitForFunction(
      async (n) => (await (await caches.open("linli-areas")).keys()).length === n,
      area.tiles.length,
    );
    await page.goto("/");

    await context.setOffline(true);
    await page.reload();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("您身边的社区服务");
    await expect(page.locator(".status-offline")).toBeVisible();
    // Opened from the home screen (any query on the start page).
    await page.goto("/?from=home-screen");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("您身边的社区服务");

    // The search runs in the browser over the kept facilities: the same
    // answer, in the same order, as the server's.
    await page.goto(`/nearby?kind=all&${AT}`);
    await expect(page.locator(".offline-answer")).toBeVisible();
    const titles = await page.locator(".cards .card-title").allTextContents();
    expect(titles.length).toBeGreaterThan(2);
    expect(titles).toEqual(want.results.map((r) => r.name));
    await expect(page.locator(".cards > li").first().locator(".card-walk")).toContainText(
      `步行约${want.results[0].walk_minutes}分钟`,
    );
    await expect(page.locator(".offline-partial")).toHaveCount(0);
    // Each card drawn here can be read aloud too, as the server's can.
    await expect(page.locator(".cards > li [data-read-aloud]")).toHaveCount(titles.length);
    await page.goto(`/nearby?kind=all&${ACROSS}`);
    await expect(page.locator(".offline-answer")).toBeVisible();
    expect(await page.locator(".cards .card-title").allTextContents()).toEqual(wantAcross.results.map((r) => r.name));
    await expect(page.locator(".offline-partial")).toHaveCount(0);
    // Far from any place searched: what is kept, and a warning.
    await page.goto("/nearby?kind=all&lat=30.700000&lng=104.150000");
    await expect(page.locator(".offline-answer")).toBeVisible();
    await expect(page.locator(".offline-partial")).toBeVisible();

    // The whole sorting guide: typing, and a shared search address.
    // (Typing counts once the kept dictionary has reached the search box,
    // which asks for it when it gets the focus.)
    const ready = page.locator("form.sorting-search[data-ready]");
    const first = page.locator(".sorting-results .sort-result:visible").first();
    await page.goto("/sorting");
    await page.locator("#q").focus();
    await expect(ready).toHaveCount(1);
    await page.locator("#q").fill("纽扣电池");
    await expect(first).toHaveClass(/waste-card-hazardous/);
    // A shared address: the kept page knows no query, the island reads it
    // from the address and fetches the dictionary by itself.
    await page.goto(`/sorting?q=${encodeURIComponent("烟头")}`);
    await expect(ready).toHaveCount(1);
    await expect(first).toHaveClass(/waste-card-residual/);
    await page.goto("/sorting/kitchen");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();

    // A page never kept says so, and offers what works.
    await page.goto("/facility/999999");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("没有网络");
    await expect(page.locator('main a[href="/suggest/offline"]')).toBeVisible();
  } finally {
    await context.close();
  }
});

test("a suggestion made offline waits on the phone, survives closing, and is delivered exactly once", async ({
  baseURL,
  request,
}) => {
  test.setTimeout(60_000);
  const profile = tempDir("linli-pwa-");
  let context = await launch(baseURL!, profile);
  try {
    await controlled(context);
    await context.setOffline(true);
    const title = `路灯不亮 ${Date.now()}`;
    let page = await context.newPage();
    await page.goto("/suggest");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("提建议（可离线）");
    const form = page.locator("form.offline-form[data-ready]");
    await expect(form).toBeVisible();

    // The same rules as the server, in the resident's language.
    await form.getByRole("button", { name: "提交建议" }).click();
    await expect(page.getByRole("alert")).toContainText("请选择");

    await form.locator('input[name="category"][value="lighting"]').check();
    await form.locator("#community").selectOption("wuhou-yulin");
    await form.locator("#location_text").fill("玉林北路与芳草街路口");
    await form.locator("#title").fill(title);
    await form.locator("#description").fill("晚上七点以后整段路都是黑的。");
    await form.locator("#photos").setInputFiles(path.join(__dirname, "../../public/icons/icon-512.png"));
    await form.getByRole("button", { name: "提交建议" }).click();
    await expect(page.locator(".notice-queued")).toBeVisible();
    await expect(page.locator(".outbox-waiting")).toContainText(title);

    // The browser closed and opened again, still offline: still there,
    // still waiting.
    await context.close();
    context = await launch(baseURL!, profile);
    await context.setOffline(true);
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto("/");
    await expect(page.locator(".outbox-waiting")).toContainText(title);
    const list = async () =>
      (await (await request.get("/api/v1/suggestions?community=wuhou-yulin&limit=100")).json()).suggestions.filter(
        (s: { title: string }) => s.title === title,
      );
    expect(await list()).toHaveLength(0);

    // Back online: it goes by itself (Background Sync, or at the latest the
    // page's retry every 20 s), and the receipt code appears.
    await context.setOffline(false);
    const sent = page.locator(".outbox-sent");
    await expect(sent).toContainText(title, { timeout: 30_000 });
    // The server answered: the "no connection" note is gone.
    await expect(page.locator(".status-offline")).toBeHidden();
    const code = (await sent.textContent())!.match(/[A-Z]+-[0-9A-Z]{4}/)![0];
    let filed = await list();
    expect(filed).toHaveLength(1);
    expect(filed[0].receipt_code).toBe(code);
    const detail = await (await request.get(`/api/v1/suggestions/${code}`)).json();
    expect(detail.photos).toHaveLength(1);
    await expect(sent.getByRole("link", { name: "查看进度" })).toHaveAttribute("href", `/track/${code}`);

    // Opening the app again sends nothing twice.
    await page.reload();
    await expect(page.locator(".outbox-sent")).toContainText(code);
    filed = await list();
    expect(filed).toHaveLength(1);
    await page.locator(".outbox-sent").getByRole("button", { name: "知道了" }).click();
    await expect(page.locator(".outbox")).toBeHidden();

    // Remembered on the phone (the worker's delivery brought back its
    // cookie): "my suggestions" lists it, and offline shows the list as
    // last seen.
    await page.goto("/mine");
    await expect(page.locator(".mine-item", { hasText: title })).toContainText(code);
    await context.setOffline(true);
    await page.goto("/mine");
    await expect(page.locator(".mine-item", { hasText: title })).toContainText(code);
    await context.setOffline(false);
  } finally {
    await context.close();
  }
});

/** A server of our own on a copy of the site, so a "new deployment" can be made. */
async function serve(site: string, data: string, port: number): Promise<ChildProcess> {
  const root = path.join(__dirname, "../..");
  const child = spawn(path.join(root, "target/release/server"), ["serve"], {
    cwd: root,
    stdio: "ignore",
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${data}/linli.db`,
      LEPTOS_SITE_ROOT: site,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_ENV: "PROD",
      RUST_LOG: "warn",
      LINLI_PHOTO_DIR: `${data}/photos`,
    },
  });
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error("the second server did not start");
}

test("a new version of the service worker is offered and taken on reload", async () => {
  const port = 3190;
  const site = tempDir("linli-site-");
  const data = tempDir("linli-data-");
  fs.cpSync(path.join(__dirname, "../../target/site"), site, { recursive: true });
  let server = await serve(site, data, port);
  const context = await launch(`http://127.0.0.1:${port}`);
  try {
    const page = await controlled(context);
    // Each release has its caches (`linli-<version>`, `linli-pages-<version>`);
    // the facility tiles (`linli-areas`) are data, kept across releases.
    const release = (k: string) => k.startsWith("linli-") && k !== "linli-areas";
    const version = (names: string[]) => [...new Set(names.filter(release).map((k) => k.split("-").pop()))];
    const before = version(await page.evaluate(() => caches.keys()));
    expect(before).toHaveLength(1);
    // A search keeps its area's facility tiles.
    await page.goto(`/nearby?kind=meal&${AT}`);
    const tiles = async () => page.evaluate(async () => (await (await caches.open("linli-areas")).keys()).length);
    // Once the download is done: the same count twice, half a second apart.
    let keptTiles = 0;
    await expect
      .poll(
        async () => {
          const n = await tiles();
          const settled = n > 0 && n === keptTiles;
          keptTiles = n;
          return settled;
        },
        { intervals: [500] },
      )
      .toBe(true);
    await page.goto("/");

    // The next deployment: one more file in the build, a restart.
    server.kill();
    await new Promise((r) => server.once("exit", r));
    fs.writeFileSync(path.join(site, "pkg", "next-build.txt"), "next");
    server = await serve(site, data, port);

    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
    const notice = page.locator(".status-update");
    await expect(notice).toBeVisible();
    await Promise.all([page.waitForEvent("load"), notice.getByRole("button", { name: "重新载入" }).click()]);
    await page.waitForFunction(
      async (old) => (await caches.keys()).some((k) => k.startsWith("linli-") && k !== "linli-areas" && !k.endsWith(old)),
      before[0],
    );
    // Only the new release's caches are left (no old files next to new
    // ones), and they hold the new build.
    const after = version(await page.evaluate(() => caches.keys()));
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before[0]);
    expect(await page.evaluate(async (v) => !!(await (await caches.open(`linli-${v}`)).match("/pkg/next-build.txt")), after[0])).toBe(
      true,
    );
    await expect(page.locator(".status-update")).toBeHidden();
    // The tiles stay: they are data, not this build's files.
    expect(await tiles()).toBe(keptTiles);
  } finally {
    await context.close();
    server.kill();
  }
});

test("the offline pages pass axe-core", async ({ page }) => {
  for (const url of ["/suggest/offline", "/offline"]) {
    await page.goto(url);
    await expectNoAxeViolations(page);
  }
  // With the problems listed.
  await page.goto("/suggest/offline");
  await page.locator("form.offline-form[data-ready]").getByRole("button", { name: "提交建议" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await expectNoAxeViolations(page);
});
