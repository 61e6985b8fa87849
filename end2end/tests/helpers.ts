import { APIRequestContext, BrowserContext, expect, Locator, Page, test as base } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { COMMITTEE_PASSWORD } from "../playwright.config";

/** The centre of Yulin (玉林街道), central Chengdu, in the demo data. */
export const HOME = { latitude: 30.629, longitude: 104.059 };
/** HOME as the page writes it in URLs. */
export const AT = `lat=${HOME.latitude.toFixed(6)}&lng=${HOME.longitude.toFixed(6)}`;

export type Nearby = {
  results: { id: number; name: string; walk_minutes: number; distance_m: number; kind: string }[];
};

/** The API's answer for the same question, to check the page against. */
export async function apiNearby(request: APIRequestContext, query: string, english = false): Promise<Nearby> {
  const res = await request.get(`/api/v1/facilities/nearby?${query}`, {
    headers: english ? { "accept-language": "en" } : {},
  });
  expect(res.status()).toBe(200);
  return res.json();
}

/** Waits until the page script has wired "use my location" (it may be in
 * a closed <details>). */
export async function hydrated(page: Page) {
  await page.waitForSelector(".locate[data-wired]", { state: "attached" });
}

/** Signs a committee member or admin of the end-to-end database in. */
export async function signIn(page: Page, username: string) {
  await page.goto("/review");
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByLabel(/用户名|Username/).fill(username);
  await page.getByLabel(/密码|Password/).fill(COMMITTEE_PASSWORD);
  await page.getByRole("button", { name: /登录|Sign in/ }).click();
  await expect(page).toHaveURL(/\/review$/);
}

/** A form came back with a mistake: the cursor is in `field`, which is
 * marked wrong and described by a message that says `says`. */
export async function expectCursorOnMistake(field: Locator, says: RegExp) {
  await expect(field).toBeFocused();
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(field).toHaveAccessibleDescription(says);
}

export async function expectNoAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(summary).toEqual([]);
}

/** Console errors in which Chromium reports a Content-Security-Policy
 * violation (a blocked script, style, image, frame or fetch), as they come. */
export function watchCsp(target: Page | BrowserContext): string[] {
  const seen: string[] = [];
  const note = (text: string, type: string) => {
    if (type === "error" && text.includes("Content Security Policy")) seen.push(text);
  };
  if ("newPage" in target) target.on("console", (m) => note(m.text(), m.type()));
  else target.on("console", (m) => note(m.text(), m.type()));
  return seen;
}

/** Every test runs under the server's Content-Security-Policy and fails
 * on any violation the browser reports. */
export const test = base.extend<{ noCspViolations: void }>({
  noCspViolations: [
    async ({ context }, use) => {
      const seen = watchCsp(context);
      await use();
      expect(seen, "Content-Security-Policy violations").toEqual([]);
    },
    { auto: true },
  ],
});

/** The resident pages that need no data of their own; with a facility
 * and a receipt (see `fileSuggestion`) they are every resident page. */
export const RESIDENT_PAGES = [
  "/",
  "/nearby",
  `/nearby?kind=meal&${AT}`,
  "/sorting",
  "/sorting?q=电池",
  "/sorting/recyclable",
  "/sorting/hazardous",
  "/sorting/food",
  "/sorting/residual",
  "/suggest",
  "/track",
  "/mine",
  "/suggestions?community=wuhou-yulin",
  "/offline",
];

/** Files a suggestion in Yulin and gives its receipt code. */
export async function fileSuggestion(request: APIRequestContext): Promise<string> {
  const filed = await request.post("/api/v1/suggestions", {
    data: { category: "seating", title: "长椅坏了", description: "公园东门的长椅断了一条腿", lat: 30.629, lng: 104.059 },
  });
  expect(filed.status()).toBe(201);
  return (await filed.json()).receipt_code;
}
