import { defineConfig } from "@playwright/test";

// Debian's Chromium, never a downloaded browser (see README).
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const port = Number(process.env.E2E_PORT ?? 3100);
/** Debian's Chromium, headless, quiet (no background downloads or sync). */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
/** The committee members' password in the end-to-end database only. */
export const COMMITTEE_PASSWORD = "e2e committee password";

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    // A small phone: 360 CSS pixels wide.
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    launchOptions: {
      executablePath: chromium,
      args: CHROMIUM_ARGS,
    },
  },
  // The release server on a fresh SQLite file, seeded with the demo data.
  webServer: {
    // The demo data (sample compounds included) plus two committee members (Yulin, Jiangxijie) and a
    // street office admin.
    command: [
      "rm -rf target/e2e && mkdir -p target/e2e",
      "S=target/release/server",
      "$S import --communities seeds/communities.csv > /dev/null",
      "$S import --communities seeds/community_boundaries.geojson > /dev/null",
      "$S import seeds/facilities.csv > /dev/null",
      "$S import --residences seeds/residences.csv > /dev/null",
      `printf '${COMMITTEE_PASSWORD}\\n' | $S create-user --username yulin --role committee --community wuhou-yulin`,
      `printf '${COMMITTEE_PASSWORD}\\n' | $S create-user --username jiangxi --role committee --community wuhou-jiangxijie`,
      `printf '${COMMITTEE_PASSWORD}\\n' | $S create-user --username street --role admin`,
      "exec $S serve",
    ].join(" && "),
    cwd: "..",
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      DATABASE_URL: "sqlite://target/e2e/linli.db",
      LEPTOS_SITE_ROOT: "target/site",
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_ENV: "PROD",
      RUST_LOG: "warn",
      LINLI_PHOTO_DIR: "target/e2e/photos",
      // Every test browser shares 127.0.0.1; the limit has its own tests.
      LINLI_WRITE_BURST: "1000",
    },
  },
});
