import { expect } from "@playwright/test";
import { apiNearby, expectNoAxeViolations, HOME, hydrated, test } from "./helpers";

const at = `lat=${HOME.latitude}&lng=${HOME.longitude}`;

for (const locale of ["zh-CN", "en-US"]) {
  test.describe(`axe-core, ${locale}`, () => {
    test.use({ locale });

    test("home, nearby (asking and answering) and a facility", async ({ page, request }) => {
      const id = (await apiNearby(request, `${at}&kind=meal`)).results[0].id;
      for (const path of ["/", "/nearby?kind=meal", `/nearby?kind=all&${at}`, `/facility/${id}?kind=meal&${at}`, "/nope"]) {
        await page.goto(path);
        if (path.startsWith("/nearby")) await hydrated(page);
        await expectNoAxeViolations(page);
      }
    });
  });
}

test("large-text mode passes axe-core too", async ({ page, context }) => {
  await context.addCookies([{ name: "linli_text", value: "large", url: "http://127.0.0.1" }]);
  await page.goto(`/nearby?kind=sorting&${at}`);
  await expect(page.locator("html")).toHaveClass(/large-text/);
  await expectNoAxeViolations(page);
});
