// Coverage planning as a committee member and an admin use it: the page's
// figures are the API's, the suggested sites are the API's, a committee
// member sees only their own community, and the page passes axe-core in
// both languages.
import { expect } from "@playwright/test";
import { expectNoAxeViolations, signIn, test } from "./helpers";

test.describe("coverage", () => {
  test("a committee member sees their community's meal coverage and asks for 3 sites", async ({ page }) => {
    // Many pages and axe-core on a busy 2-core machine.
    test.setTimeout(120_000);
    await signIn(page, "yulin");
    await page.getByRole("link", { name: "覆盖与选址" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("覆盖与选址");
    // Their own community only: no community to choose.
    await expect(page.locator("#cov-community")).toHaveCount(0);
    const api = await (await page.request.get("/api/v1/coverage?kind=meal&community=wuhou-yulin")).json();
    expect(api.residents).toBeGreaterThan(0);
    const summary = page.locator(".coverage-summary");
    await expect(summary).toContainText(`${api.elderly_covered}/${api.elderly}`);
    await expect(summary).toContainText(`${api.residents_covered}/${api.residents}`);
    // One row per kind in the shares table; the gaps as the API lists them.
    await expect(page.locator(".coverage-shares tbody tr")).toHaveCount(3);
    const gapRows = page.locator(".coverage-gaps tbody tr");
    await expect(gapRows).toHaveCount(Math.min(api.gaps.length, 30));
    if (api.gaps.length > 0) await expect(gapRows.first().locator("th")).toHaveText(api.gaps[0].name);
    // The map draws every compound: triangles for those out of reach.
    await expect(page.locator(".coverage-map .compound")).toHaveCount(
      (await (await page.request.get("/api/v1/residences?community=wuhou-yulin")).json()).residences.length,
    );
    await expect(page.locator(".coverage-map path.compound")).toHaveCount(api.gaps.length);

    await page.getByLabel("建议几处").selectOption("3");
    await page.getByRole("button", { name: "给出建议" }).click();
    await expect(page).toHaveURL(/k=3/);
    const sites = (await (await page.request.get("/api/v1/coverage/sites?kind=meal&k=3&community=wuhou-yulin")).json()).sites;
    const listed = page.locator(".coverage-sites li");
    await expect(listed).toHaveCount(sites.length);
    await expect(page.locator(".coverage-map .map-site")).toHaveCount(sites.length);
    for (const [i, s] of sites.entries()) {
      await expect(listed.nth(i)).toContainText(`新增覆盖60岁以上居民 ${s.elderly_gain} 人`);
    }
    await expectNoAxeViolations(page);

    // What if a meal point opened next to the compound most in need: it is
    // then within reach, and nothing is saved.
    if (api.gaps.length > 0) {
      const open = page.locator("form:has(#cov-open)");
      await open.getByLabel("在这个未覆盖的小区旁新开一处").selectOption({ label: api.gaps[0].name });
      await open.getByRole("button", { name: "试算" }).click();
      const result = page.locator(".coverage-whatif");
      await expect(result).toContainText(`如果在${api.gaps[0].name}旁新开一处`);
      await expect(result).toContainText(`60岁以上居民的覆盖：${api.elderly_covered} → `);
      await expect(result).toContainText("覆盖有变化的小区");
      await expect(result).toContainText(api.gaps[0].name);
      const again = await (await page.request.get("/api/v1/coverage?kind=meal&community=wuhou-yulin")).json();
      expect(again.elderly_covered).toBe(api.elderly_covered);
      await expectNoAxeViolations(page);
    }

    // Another kind, pace and radius: the same figures as the API.
    await page.getByRole("radio", { name: "社区书屋" }).check();
    await page.getByRole("radio", { name: "慢步（长者）" }).check();
    await page.getByRole("button", { name: "查看" }).click();
    await expect(page).toHaveURL(/kind=reading/);
    const reading = await (
      await page.request.get("/api/v1/coverage?kind=reading&pace=elderly&community=wuhou-yulin")
    ).json();
    await expect(summary).toContainText(`${reading.elderly_covered}/${reading.elderly}`);
  });

});

test.describe("coverage · English", () => {
  test.use({ locale: "en-GB" });
  test("an admin picks a community", async ({ page }) => {
    test.setTimeout(120_000);
    await signIn(page, "street");
    await page.goto("/review/coverage?kind=meal");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Coverage and siting");
    const all = await (await page.request.get("/api/v1/coverage?kind=meal")).json();
    await expect(page.locator(".coverage-summary")).toContainText(`${all.elderly_covered} of ${all.elderly}`);
    await page.getByLabel("Community").selectOption("wuhou-yulin");
    await page.getByRole("button", { name: "Show" }).click();
    await expect(page).toHaveURL(/community=wuhou-yulin/);
    const yulin = await (await page.request.get("/api/v1/coverage?kind=meal&community=wuhou-yulin")).json();
    await expect(page.locator(".coverage-summary")).toContainText(`${yulin.elderly_covered} of ${yulin.elderly}`);
    await expectNoAxeViolations(page);
  });
});
