// Browser-side latency of the sorting search: from an `input` event to the
// island's updated answer in the DOM, in Debian's Chromium on a 360 px
// phone viewport. A benchmark, not a test: it prints medians.
//   node bench/sorting-latency.mjs [http://127.0.0.1:3000]
import { chromium } from "@playwright/test";

const base = process.argv[2] ?? "http://127.0.0.1:3000";
const queries = ["报纸", "电池", "用过的纸巾", "baozhi", "bz", "tea leaves", "newspapr"];
const rounds = 30;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
});
const page = await browser.newPage({ viewport: { width: 360, height: 740 }, isMobile: true });
const dictionary = page.waitForResponse((r) => r.url().endsWith("/api/v1/sorting/dictionary"));
await page.goto(`${base}/sorting`);
await dictionary;
await page.waitForTimeout(300);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const q of queries) {
  const times = await page.evaluate(
    async ({ q, rounds }) => {
      const input = document.querySelector("#q");
      const results = document.querySelector(".sorting-results");
      const out = [];
      for (let i = 0; i < rounds; i++) {
        // Alternate with another item so every round changes the answer.
        for (const value of ["玻璃瓶", q]) {
          const changed = new Promise((resolve) => {
            const obs = new MutationObserver(() => {
              obs.disconnect();
              resolve(performance.now());
            });
            obs.observe(results, { childList: true, subtree: true, characterData: true, attributes: true });
          });
          const t0 = performance.now();
          input.value = value;
          input.dispatchEvent(new Event("input", { bubbles: true }));
          const t1 = await changed;
          if (value === q) out.push(t1 - t0);
        }
      }
      return out;
    },
    { q, rounds },
  );
  rows.push({ query: q, median_ms: median(times).toFixed(2), max_ms: Math.max(...times).toFixed(2) });
}
console.table(rows);
await browser.close();
