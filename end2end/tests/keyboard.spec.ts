// The main journeys by keyboard alone (Tab, Shift+Tab, Enter, Space and the
// arrow keys; no clicks, no `fill`), and what a screen reader is given:
// landmarks, headings in order, and live regions, read from Chromium's
// accessibility tree.
import { expect, type Locator, type Page } from "@playwright/test";
import { apiNearby, AT, fileSuggestion, RESIDENT_PAGES, test } from "./helpers";

/** Presses Tab until `target` has the focus, checking on the way that the
 * focus never falls back to the page itself and that whatever has it shows
 * a visible focus ring (WCAG 2.4.7). Fails when `target` is not reached in
 * `max` presses, that is, when it is not in the tab order. */
async function tabTo(page: Page, target: Locator, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const state = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return { lost: true, ring: false, name: "body" };
      // The ring is on the control, or (for a radio or checkbox drawn by
      // its label) on the element right after it.
      const outlined = (e: Element | null) => {
        if (!e) return false;
        const s = getComputedStyle(e);
        return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
      };
      const ring = outlined(el) || outlined(el.nextElementSibling);
      return { lost: false, ring, name: `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent ?? "").trim().slice(0, 20)}"` };
    });
    expect(state.lost, "the focus fell back to the page").toBe(false);
    expect(state.ring, `no visible focus on ${state.name}`).toBe(true);
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`not reachable with Tab: ${target}`);
}

/** Presses Enter on the focused control and waits for the page it leads to. */
async function enter(page: Page) {
  await Promise.all([page.waitForEvent("load"), page.keyboard.press("Enter")]);
}

/** Chooses an option of a focused `<select>` with the arrow keys. */
async function arrowTo(page: Page, select: Locator, value: string) {
  await expect(select).toBeFocused();
  for (let i = 0; i < 200 && (await select.inputValue()) !== value; i++) await page.keyboard.press("ArrowDown");
  expect(await select.inputValue()).toBe(value);
}

test("find a meal point and open it, by keyboard", async ({ page, request }) => {
  await page.goto("/");
  // The first Tab reaches the skip link, shown when focused; it leads into main.
  await page.keyboard.press("Tab");
  const skip = page.locator(".skip-link");
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();

  await tabTo(page, page.locator("a.door-meal"));
  await enter(page);
  await page.waitForURL(/\/nearby\?kind=meal$/);

  const community = page.locator("#community");
  await tabTo(page, community);
  await arrowTo(page, community, "wuhou-yulin");
  await tabTo(page, page.getByRole("button", { name: "用这个位置" }));
  await enter(page);
  await expect(page.locator("#results-heading")).toContainText("步行15分钟内");

  // The first result's name is a link to its page.
  const first = page.locator(".cards > li").first().locator(".card-title a");
  const name = (await first.textContent())!.trim();
  await tabTo(page, first, 80);
  await enter(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  const id = Number(new URL(page.url()).pathname.split("/").pop());
  const detail = await (await request.get(`/api/v1/facilities/${id}`)).json();
  expect(detail.name).toBe(name);
});

test("send a suggestion and get its receipt, by keyboard", async ({ page }) => {
  await page.goto("/suggest");
  const next = page.locator("button[name=action][value=next]");

  // Step 1: the category is a radio group; arrows move within it, Space picks.
  const firstCategory = page.locator("input[name=category]").first();
  await tabTo(page, firstCategory);
  await page.keyboard.press("Space");
  await expect(firstCategory).toBeChecked();
  await page.keyboard.press("ArrowDown");
  const second = page.locator("input[name=category]").nth(1);
  await expect(second).toBeFocused();
  await expect(second).toBeChecked();
  await tabTo(page, next);
  await enter(page);

  // Step 2: the place, by community and a description.
  const community = page.locator("#community");
  await tabTo(page, community);
  await arrowTo(page, community, "wuhou-yulin");
  await tabTo(page, page.locator("#location_text"));
  await page.keyboard.type("玉林小区3栋门口");
  await tabTo(page, next);
  await enter(page);

  // Step 3: what it is. A mistake first: Enter with no title keeps us here
  // with the focus on the field that needs it.
  const title = page.locator("input[name=title]");
  await tabTo(page, next);
  await enter(page);
  await expect(page.locator(".error-summary")).toBeVisible();
  await expect(title).toBeFocused();
  await expect(title).toHaveAttribute("aria-invalid", "true");
  await page.keyboard.type("台阶旁需要一条坡道");
  await tabTo(page, next);
  await enter(page);

  // Step 4: no contact; step 5: check and send.
  await tabTo(page, next);
  await enter(page);
  const send = page.locator("button[name=action][value=submit]");
  await tabTo(page, send);
  await enter(page);
  await page.waitForURL(/\/track\/[A-Z0-9-]+/);
  const code = new URL(page.url()).pathname.split("/").pop()!;
  const tracked = await (await page.request.get(`/api/v1/suggestions/${code}`)).json();
  expect(tracked.title).toBe("台阶旁需要一条坡道");
});

test("the sorting search, by keyboard, with its answers in a live region", async ({ page }) => {
  await page.goto("/sorting");
  const box = page.locator("#q");
  await tabTo(page, box);
  await expect(page.locator("form.sorting-search[data-ready]")).toBeAttached();
  await page.keyboard.type("电池");
  // Results appear as one types, announced politely.
  const live = page.locator("[aria-live=polite]").filter({ hasText: "有害垃圾" });
  await expect(live).toBeVisible();
  await enter(page);
  await page.waitForURL(/q=/);
  await expect(page.locator("main")).toContainText("有害垃圾");
});

/** What Chromium's accessibility tree holds for a page, reduced to the
 * landmarks and headings a screen reader moves by. */
async function outline(page: Page) {
  const tree = await page.locator("body").ariaSnapshot();
  const landmarks = [...tree.matchAll(/^\s*- (banner|main|contentinfo|navigation)\b/gm)].map((m) => m[1]);
  const headings = [...tree.matchAll(/- heading "([^"]*)" \[level=(\d)\]/g)].map((m) => ({ name: m[1], level: Number(m[2]) }));
  return { landmarks, headings };
}

test("every resident page: one banner, main and footer; one h1; no heading level skipped", async ({ page }) => {
  test.setTimeout(60_000);
  const id = (await apiNearby(page.request, `${AT}&kind=meal`)).results[0].id;
  const code = await fileSuggestion(page.request);
  const problems: string[] = [];
  for (const path of [...RESIDENT_PAGES, `/facility/${id}`, `/track/${code}`]) {
    await page.goto(path);
    const { landmarks, headings } = await outline(page);
    for (const l of ["banner", "main", "contentinfo"]) {
      const n = landmarks.filter((x) => x === l).length;
      if (n !== 1) problems.push(`${path}: ${n} × ${l}`);
    }
    if (headings.filter((h) => h.level === 1).length !== 1) problems.push(`${path}: h1 count ≠ 1`);
    if (headings[0]?.level !== 1) problems.push(`${path}: the first heading is not the h1`);
    for (let i = 1; i < headings.length; i++) {
      if (headings[i].level > headings[i - 1].level + 1) {
        problems.push(`${path}: "${headings[i - 1].name}" h${headings[i - 1].level} → "${headings[i].name}" h${headings[i].level}`);
      }
    }
  }
  expect(problems).toEqual([]);
});

test("the home page as a screen reader meets it", async ({ page }) => {
  await page.goto("/");
  // Each way in is a link whose name says what is behind it.
  await expect(page.locator("body")).toMatchAriaSnapshot(`
    - link "跳到正文"
    - banner:
      - link /邻里/
      - button "English"
      - button "大字模式"
    - main:
      - heading [level=1]
      - list:
        - listitem:
          - link /^长者食堂 .+/
        - listitem:
          - link /^社区书屋 .+/
        - listitem:
          - link /^垃圾分类点 .+/
        - listitem:
          - link /^垃圾分类指南 .+/
        - listitem:
          - link /^提出微更新建议 .+/
    - contentinfo
  `);
});
