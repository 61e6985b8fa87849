// The elderly-first audit, by machine, on every resident and committee
// page: in Chinese and English, in normal and large-text mode, on a 360 px
// phone. axe-core (WCAG 2.2 AA) finds nothing; in large-text mode every
// text is at least 18 px with a line height of at least 1.3; every target
// is at least 60 × 60 px in large-text mode and 44 × 44 px otherwise;
// nothing needs scrolling sideways.
//
// Not counted as targets: what is hidden, the skip link (off screen until
// focused), and the map pins, which are out of the tab order and hidden
// from screen readers because the numbered list beside the map is the way
// in (WCAG 2.5.8's "equivalent" exception).
import { expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { AT, apiNearby, fileSuggestion, RESIDENT_PAGES, signIn, test } from "./helpers";

type Finding = string;

async function measure(page: Page, large: boolean): Promise<Finding[]> {
  return page.evaluate((large) => {
    const out: string[] = [];
    const min = large ? 60 : 44;
    const name = (el: Element) => {
      const id = el.id ? `#${el.id}` : "";
      const cls = el.classList.length ? `.${[...el.classList].join(".")}` : "";
      const text = (el.textContent ?? "").trim().slice(0, 24);
      return `${el.tagName.toLowerCase()}${id}${cls} "${text}"`;
    };
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
    };
    const targets = document.querySelectorAll(
      "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]",
    );
    for (const el of targets) {
      if (!visible(el) || el.closest(".skip-link") || el.closest("svg") || el.closest("[aria-hidden=true]")) continue;
      // A checkbox or radio counts with its label, which is what is tapped.
      const input = el as HTMLInputElement;
      const box = (input.type === "checkbox" || input.type === "radio") && input.labels?.[0] ? input.labels[0] : el;
      const r = box.getBoundingClientRect();
      if (r.width < min - 0.5 || r.height < min - 0.5) {
        out.push(`target ${Math.round(r.width)}×${Math.round(r.height)}: ${name(box)}`);
      }
    }
    if (large) {
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      const seen = new Set<Element>();
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!el || seen.has(el) || !(n.textContent ?? "").trim() || !visible(el)) continue;
        seen.add(el);
        if (el.closest(".visually-hidden, .skip-link, svg, [hidden]")) continue;
        const s = getComputedStyle(el);
        const size = parseFloat(s.fontSize);
        const line = s.lineHeight === "normal" ? 1.2 : parseFloat(s.lineHeight) / size;
        if (size < 17.95) out.push(`text ${size}px: ${name(el)}`);
        if (line < 1.295) out.push(`line height ${line.toFixed(2)}: ${name(el)}`);
      }
    }
    if (document.documentElement.scrollWidth > window.innerWidth) {
      out.push(`scrolls sideways: ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
    }
    return out;
  }, large);
}

/** Everything wrong with the page as it is now, each line named by `label`. */
async function check(page: Page, label: string, large: boolean): Promise<Finding[]> {
  if (large) await expect(page.locator("html")).toHaveClass(/large-text/);
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  const findings = axe.violations.map((v) => `${label} axe ${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  for (const f of await measure(page, large)) findings.push(`${label} ${f}`);
  return findings;
}

async function audit(page: Page, paths: string[], large: boolean) {
  const findings: string[] = [];
  for (const path of paths) {
    const answer = await page.goto(path);
    expect(answer!.status(), path).toBeLessThan(500);
    findings.push(...(await check(page, path, large)));
  }
  expect(findings).toEqual([]);
}

async function residentPaths(page: Page): Promise<string[]> {
  const id = (await apiNearby(page.request, `${AT}&kind=meal`)).results[0].id;
  const code = await fileSuggestion(page.request);
  return [...RESIDENT_PAGES, `/facility/${id}`, `/track/${code}`];
}

const COMMITTEE = [
  "/review",
  "/review/dashboard",
  "/review/coverage?k=3",
  "/review/templates",
  "/review/facilities",
  "/review/new",
  "/review/account",
];
const ADMIN = ["/review/import", "/review/communities", "/review/communities/wuhou-yulin", "/review/accounts"];

for (const locale of ["zh-CN", "en-GB"]) {
  for (const large of [false, true]) {
    test.describe(`audit · ${locale} · ${large ? "large text" : "normal text"}`, () => {
      test.use({ locale });
      test.beforeEach(async ({ context }) => {
        // A dozen pages, each through axe-core: 30 s is too tight on a busy
        // 2-core machine (one run took 30.9 s).
        test.setTimeout(120_000);
        if (large) await context.addCookies([{ name: "linli_text", value: "large", url: "http://127.0.0.1" }]);
      });

      test("resident pages", async ({ page }) => {
        await audit(page, await residentPaths(page), large);
      });

      test("the suggestion form, every step and its mistakes", async ({ page }) => {
        const findings: string[] = [];
        const next = () => page.locator("button[name=action][value=next]").click();
        await page.goto("/suggest");
        await next();
        await expect(page.locator(".error-summary")).toBeVisible();
        // The cursor is in the first wrong field, which says why.
        await expect(page.locator("#category-first")).toBeFocused();
        findings.push(...(await check(page, "step 1, nothing chosen", large)));
        await page.locator("label.category-choice").first().click();
        await next();
        await next();
        await expect(page.locator(".error-summary")).toBeVisible();
        findings.push(...(await check(page, "step 2, no place", large)));
        await page.locator("#community").selectOption("wuhou-yulin");
        await page.locator("#location_text").fill("玉林小区3栋门口");
        await next();
        findings.push(...(await check(page, "step 3", large)));
        await page.locator("input[name=title]").fill("台阶旁需要一条坡道");
        await next();
        findings.push(...(await check(page, "step 4", large)));
        await page.locator("input[name=contact_phone]").fill("13800138000");
        await next();
        await expect(page.locator(".error-summary")).toBeVisible();
        await expect(page.locator("#consent")).toBeFocused();
        await expect(page.locator("#consent")).toHaveAttribute("aria-invalid", "true");
        await expect(page.locator("#consent")).toHaveAccessibleDescription(/.+/);
        findings.push(...(await check(page, "step 4, no consent", large)));
        await page.locator("label.consent").click();
        await next();
        await expect(page.locator(".review-row").first()).toBeVisible();
        findings.push(...(await check(page, "step 5", large)));
        expect(findings).toEqual([]);
      });

      test("committee and admin pages", async ({ page }) => {
        const code = await fileSuggestion(page.request);
        await audit(page, ["/login"], large);
        await signIn(page, "street");
        await page.goto("/review/facilities?community=wuhou-yulin");
        const facility = await page.locator(".cards .card-title a").first().getAttribute("href");
        await audit(page, [...COMMITTEE, ...ADMIN, facility!, `/review/s/${code}`], large);
      });
    });
  }
}
