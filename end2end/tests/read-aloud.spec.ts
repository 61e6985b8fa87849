// "读给我听 / Read aloud": the browser's own speech synthesis speaks a
// facility card or page, a sorting answer or a suggestion's status, in the
// page's language, slower in large-text mode; no button where the browser
// cannot speak. What the page asks Chromium to say is recorded on the way
// (speechSynthesis.speak still runs).
import { expect, type Page } from "@playwright/test";
import { AT, apiNearby, fileSuggestion, test } from "./helpers";

type Said = { text: string; lang: string; rate: number };

async function listen(page: Page) {
  await page.addInitScript(() => {
    const said: Said[] = [];
    (window as any).__said = said;
    const speak = speechSynthesis.speak.bind(speechSynthesis);
    speechSynthesis.speak = (u: SpeechSynthesisUtterance) => {
      said.push({ text: u.text, lang: u.lang, rate: u.rate });
      speak(u);
    };
  });
}

async function heard(page: Page): Promise<Said[]> {
  return page.evaluate(() => (window as any).__said);
}

test("a facility page is read in Chinese, without the links around it", async ({ page, request }) => {
  await listen(page);
  const id = (await apiNearby(request, `${AT}&kind=meal`)).results[0].id;
  const f = await (await request.get(`/api/v1/facilities/${id}`)).json();
  await page.goto(`/facility/${id}`);
  await page.getByRole("button", { name: "读给我听" }).click();
  const [said] = await heard(page);
  expect(said.lang).toBe("zh-CN");
  expect(said.rate).toBe(1);
  expect(said.text).toContain(f.name);
  expect(said.text).toContain(f.address);
  // The week's hours, Monday to Sunday.
  expect(said.text).toMatch(/周一.*周二.*周日/);
  for (const noise of ["返回附近列表", "高德地图", "读给我听"]) expect(said.text).not.toContain(noise);
});

test("in English and large text: English, and slower", async ({ page, context }) => {
  await context.addCookies([
    { name: "linli_text", value: "large", url: "http://127.0.0.1" },
    { name: "linli_lang", value: "en", url: "http://127.0.0.1" },
  ]);
  await listen(page);
  await page.goto(`/nearby?kind=meal&${AT}`);
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  const cards = page.locator(".cards > li");
  const second = cards.nth(1);
  await second.getByRole("button", { name: "Read aloud" }).click();
  const [said] = await heard(page);
  expect(said.lang).toBe("en");
  expect(said.rate).toBeLessThan(1);
  // That card, and only that card.
  expect(said.text).toContain((await second.locator(".card-title").textContent())!.trim());
  expect(said.text).toContain((await second.locator(".card-walk").textContent())!.trim().split(" · ")[0]);
  expect(said.text).not.toContain((await cards.first().locator(".card-title").textContent())!.trim());
});

test("a sorting answer, and a suggestion's status", async ({ page, request }) => {
  await listen(page);
  await page.goto("/sorting?q=电池");
  await page.locator(".sort-result").first().getByRole("button", { name: "读给我听" }).click();
  expect((await heard(page))[0].text).toContain("有害垃圾");

  const code = await fileSuggestion(request);
  await page.goto(`/track/${code}`);
  await page.getByRole("button", { name: "读给我听" }).click();
  const [said] = await heard(page);
  expect(said.text).toContain("长椅坏了");
  expect(said.text).toContain("已收到");
});

test("no button where the browser cannot speak", async ({ page, request }) => {
  await page.addInitScript(() => {
    Object.defineProperty(window, "speechSynthesis", { value: undefined, configurable: true });
  });
  const id = (await apiNearby(request, `${AT}&kind=meal`)).results[0].id;
  await page.goto(`/facility/${id}`);
  await expect(page.locator("h1")).toBeVisible();
  await expect(page.locator(".read-aloud")).toHaveCount(1);
  await expect(page.locator(".read-aloud")).toBeHidden();
});
