import { expect } from "@playwright/test";
import { test, watchCsp } from "./helpers";

// The Content-Security-Policy at work in a real browser: a script slipped
// into a page (as an injection would) does not run, and the browser reports
// it — which is what every other test checks it never does.
test("an injected inline script is blocked and reported", async ({ browser }) => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const seen = watchCsp(page);
    await page.goto("/");
    await page.evaluate(() => {
      const s = document.createElement("script");
      s.textContent = "window.__injected = true";
      document.body.append(s);
    });
    expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
    await expect.poll(() => seen.length).toBeGreaterThan(0);
    // (The page's own scripts carry the nonce: every other test, typing in
    // the sorting search or filing offline, runs with the policy on.)
    // And it may not be framed by another site.
    const csp = (await page.request.get("/")).headers()["content-security-policy"];
    expect(csp).toContain("frame-ancestors 'none'");
  } finally {
    await context.close();
  }
});
