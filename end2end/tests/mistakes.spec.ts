import { expect } from "@playwright/test";
import { expectCursorOnMistake, expectNoAxeViolations, fileSuggestion, signIn, test } from "./helpers";

// A form that comes back with a mistake puts the cursor in the first wrong
// field, marks it `aria-invalid` and describes it by its message (on the
// offline form, drawn in the browser, the message is its line in the
// summary at the top). The resident's step form is checked in suggest.spec
// and keyboard.spec; the committee's account, community and facility forms
// where their journeys make mistakes (accounts.spec, admin.spec).

test("the offline suggestion form moves the cursor to each mistake in turn", async ({ page }) => {
  await page.goto("/suggest/offline");
  const form = page.locator("form.offline-form[data-ready]");
  const send = form.getByRole("button", { name: "提交建议" });
  await send.click();

  // Nothing chosen: the category group first, described by its message.
  const firstChoice = form.locator('input[name="category"]').first();
  await expect(firstChoice).toBeFocused();
  await expect(form.locator("fieldset.category-choices")).toHaveAccessibleDescription(/请选择/);
  // Every line of the summary describes the field it is about.
  const lines = page.locator('[role="alert"] li');
  expect(await lines.count()).toBeGreaterThan(1);
  for (const id of await lines.evaluateAll((all) => all.map((li) => li.id))) {
    expect(id).toMatch(/-error$/);
    await expect(form.locator(`[aria-describedby~="${id}"]`).first()).toBeAttached();
  }
  await expectNoAxeViolations(page);

  // With a category, the place is next: no position, no community.
  await form.locator(".category-choice").first().click();
  await send.click();
  await expectCursorOnMistake(form.locator("#community"), /请选择社区|无法读取这个位置/);
  await expect(form.locator("fieldset.category-choices")).not.toHaveAttribute("aria-describedby", /category-error/);
  await expect(form.locator("#category-error")).toHaveCount(0);

  // A community without a position needs the place in words.
  await form.locator("#community").selectOption({ index: 1 });
  await send.click();
  await expectCursorOnMistake(form.locator("#location_text"), /请描述地点/);
  await expect(form.locator("#community")).not.toHaveAttribute("aria-invalid", "true");
  await expect(form.locator("#title")).toHaveAttribute("aria-invalid", "true");

  // Then the title, and a message that says what is missing.
  await form.locator("#location_text").fill("玉林北路路口");
  await send.click();
  await expectCursorOnMistake(form.locator("#title"), /请填写这一项/);
  await expect(form.locator("#location_text")).not.toHaveAttribute("aria-invalid", "true");
});

test("a refused status change says why by the field that needs it", async ({ page, request }) => {
  const code = await fileSuggestion(request);
  await signIn(page, "yulin");
  await page.goto(`/review/s/${code}`);
  // Declining needs a public reason; the reply is left empty.
  await page.locator("#to").selectOption("declined");
  await page.getByRole("button", { name: "保存" }).first().click();
  await expect(page).toHaveURL(/error=reason/);
  await expect(page.getByRole("alert")).toContainText("未采纳需要写明原因");
  await expectCursorOnMistake(page.locator("#reply"), /未采纳需要写明原因/);
  await expectNoAxeViolations(page);

  // Written, it goes through, and nothing is marked any more.
  await page.locator("#reply").fill("这条长椅属于公园管理处，我们已经转告他们。");
  await page.locator("#to").selectOption("declined");
  await page.getByRole("button", { name: "保存" }).first().click();
  await expect(page).toHaveURL(/done=1/);
  await expect(page.locator('[aria-invalid="true"]')).toHaveCount(0);
});
