// Keyboard only: the skip link comes first, the whole checker works from the keyboard, and after
// a failed submit focus lands on the error summary whose links move focus to the fields.
const { test, expect, PAGE_KINDS, ANSWERS, fillChecker, submitChecker } = require('./site');

/** Presses Tab until the focused element matches `selector`, as a keyboard user would. */
async function tabTo(page, selector, limit = 120) {
  for (let presses = 0; presses < limit; presses += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`${selector} was not reached after ${limit} presses of Tab`);
}

async function focusedId(page) {
  return page.evaluate(() => document.activeElement?.id ?? '');
}

// Pages with a GOV.UK error summary are left out: there focus deliberately starts on the summary
// (tested below).
const FOCUS_ON_SUMMARY = ['checker-errors', 'search-too-long', 'feedback-comment-error'];

for (const kind of PAGE_KINDS.filter((k) => !FOCUS_ON_SUMMARY.includes(k.name))) {
  test(`skip link is the first tab stop and moves focus to main: ${kind.name}`, async ({ page }) => {
    await kind.open(page);
    await page.keyboard.press('Tab');
    const skip = page.locator('a.skip-link');
    await expect(skip).toBeFocused();
    await expect(skip).toBeInViewport();
    await page.keyboard.press('Enter');
    await expect(page.locator('main#main')).toBeFocused();
    // The next Tab goes on inside main, not back to the header.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('main'))).toBe(true);
  });
}

test('"Is this page helpful?" can be answered and commented on with the keyboard', async ({ page }) => {
  await page.goto('/articles/sciatica');
  await tabTo(page, '.feedback button[value="no"]');
  await Promise.all([page.waitForURL('**/feedback/thanks/no'), page.keyboard.press('Enter')]);
  await expect(page.locator('h1')).toHaveText('Thank you for your feedback');
  await tabTo(page, '#feedback-comment');
  await page.keyboard.type('It does not say how long it lasts.');
  await tabTo(page, 'form.feedback-comment button[type="submit"]');
  await Promise.all([page.waitForURL('**/feedback/sent'), page.keyboard.press('Enter')]);
  await expect(page.locator('h1')).toHaveText('Thank you, your comment was sent');
});

test('the whole checker can be filled in and sent with the keyboard', async ({ page }) => {
  await page.goto('/symptom-checker');

  // The emergency screen comes first: "None of these" is its last box.
  await tabTo(page, '#warning-none');
  await page.keyboard.press('Space');
  await expect(page.locator('#warning-none')).toBeChecked();

  // Radios: Tab into the group (focus lands on the first choice), Space picks it, arrows move on.
  await tabTo(page, '#location-lower');
  await page.keyboard.press('Space');
  await expect(page.locator('#location-lower')).toBeChecked();
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('#location-middle')).toBeFocused();
  await expect(page.locator('#location-middle')).toBeChecked();

  // Form v3: sudden, over a few hours, gradually.
  await tabTo(page, '#onset-sudden');
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('#onset-hours')).toBeChecked();

  await tabTo(page, '#duration-under-1-week');
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('#duration-1-6-weeks')).toBeChecked();

  await tabTo(page, '#severity');
  await page.keyboard.type('6');
  await tabTo(page, '#age');
  await page.keyboard.type('40');

  // Form v3: yes, recently, no, not sure.
  await tabTo(page, '#pregnant-yes');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('#pregnant-no')).toBeChecked();

  // Checkboxes: Tab to each, Space ticks it (and Space again would untick it).
  await tabTo(page, '#trigger-posture');
  await page.keyboard.press('Space');
  await expect(page.locator('#trigger-posture')).toBeChecked();
  await tabTo(page, '#symptom-fever');
  await page.keyboard.press('Space');
  await expect(page.locator('#symptom-fever')).toBeChecked();
  await tabTo(page, '#history-none');
  await page.keyboard.press('Space');
  await tabTo(page, '#eased_by-rest');
  await page.keyboard.press('Space');

  await tabTo(page, 'button[type="submit"]');
  await Promise.all([page.waitForURL('**/symptom-checker'), page.keyboard.press('Enter')]);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your result');
  await expect(page.locator('[data-urgency]')).toHaveAttribute('data-urgency', 'urgent');

  // "Change your answers" is a button too, and brings the form back filled in.
  await tabTo(page, 'form[action$="/change"] button');
  await Promise.all([page.waitForURL('**/symptom-checker/change'), page.keyboard.press('Enter')]);
  await expect(page.locator('#location-middle')).toBeChecked();
  await expect(page.locator('#severity')).toHaveValue('6');
  await expect(page.locator('#symptom-fever')).toBeChecked();
});

test('the follow-up blocks can be answered and sent with the keyboard', async ({ page }) => {
  await page.goto('/symptom-checker');
  await fillChecker(page, { ...ANSWERS.soon, age: '15', pregnant: 'yes' });
  await submitChecker(page);
  await expect(page.locator('[data-step="pregnancy"]')).toBeVisible();
  await expect(page.locator('[data-step="child"]')).toBeVisible();

  // Pregnancy signs: a checkbox group with "None of these" last; then the weeks, as radios.
  await tabTo(page, '#pregnancy_sign-none');
  await page.keyboard.press('Space');
  await expect(page.locator('#pregnancy_sign-none')).toBeChecked();
  await tabTo(page, '#pregnancy_weeks-under-12');
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('#pregnancy_weeks-12-to-23')).toBeChecked();

  // The child's signs.
  await tabTo(page, '#child_sign-not-walking');
  await page.keyboard.press('Space');
  await expect(page.locator('#child_sign-not-walking')).toBeChecked();

  await tabTo(page, 'button[type="submit"]');
  await Promise.all([page.waitForURL('**/symptom-checker'), page.keyboard.press('Enter')]);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your result');
  await expect(page.locator('[data-service]')).toHaveAttribute('data-service', '111-or-gp-today');
});

test('after a failed submit, focus is on the error summary and its links reach the fields', async ({ page }) => {
  await page.goto('/symptom-checker');
  // Answer one question so the summary lists the others and the answer is kept.
  await tabTo(page, '#location-lower');
  await page.keyboard.press('Space');
  await tabTo(page, 'button[type="submit"]');
  await Promise.all([page.waitForURL('**/symptom-checker'), page.keyboard.press('Enter')]);

  await expect(page).toHaveTitle(/^Error: /);
  const summary = page.locator('.error-summary');
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('heading')).toHaveText('There is a problem');
  await expect(page.locator('#location-lower')).toBeChecked();
  // Going back from the summary reaches the skip link, which is still the first tab stop.
  await page.keyboard.press('Shift+Tab');
  await expect(page.locator('main#main a, main#main button, main#main input').first()).not.toBeFocused();
  expect(
    await page.evaluate(() => document.querySelector('a[href], button, input, select, textarea, [tabindex="0"]')?.className),
  ).toContain('skip-link');
  await summary.focus();

  const links = summary.locator('a');
  const count = await links.count();
  expect(count).toBeGreaterThanOrEqual(4);

  // The first link, from the summary with Tab and Enter.
  await page.keyboard.press('Tab');
  await expect(links.first()).toBeFocused();
  const firstTarget = (await links.first().getAttribute('href')).slice(1);
  await page.keyboard.press('Enter');
  expect(await focusedId(page)).toBe(firstTarget);

  // Every link: Enter on it moves focus to its field, which is in view with its question.
  for (let i = 0; i < count; i += 1) {
    const link = links.nth(i);
    const target = (await link.getAttribute('href')).slice(1);
    await link.focus();
    await page.keyboard.press('Enter');
    expect(await focusedId(page), `error link ${i + 1} (#${target})`).toBe(target);
    await expect(page.locator(`#${target}`)).toBeInViewport();
    const legend = page.locator(`.form-group:has(#${target}) legend`);
    await expect(legend, `the question for #${target} is visible too`).toBeInViewport();
  }
});

test('a search that is too long opens with focus on its error summary, which links to the box', async ({ page }) => {
  await page.goto(`/search?q=${'a'.repeat(201)}`);
  const summary = page.locator('main .error-summary');
  await expect(summary).toBeFocused();
  await summary.getByRole('link').first().click();
  await expect(page.locator('#search-q')).toBeFocused();
});
