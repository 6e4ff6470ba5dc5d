// With JavaScript switched off every page still works, and so does the checker from form to result.
const { test, expect, ANSWERS, EXECUTABLE_SCRIPT, fillChecker, submitChecker } = require('./site');

test.use({ javaScriptEnabled: false });

test('every page linked from the site opens and has its heading', async ({ page }) => {
  await page.goto('/');
  const paths = new Set(['/', '/symptom-checker/how-it-works']);
  for (const href of await page.locator('a[href^="/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
    const path = href.split('#')[0];
    // Pages only: feeds and files (/feed.xml, /static/...) have no heading to look for.
    if (!/\.[a-z0-9]+$/i.test(path)) paths.add(path);
  }
  expect(paths.size).toBeGreaterThan(20);
  for (const path of paths) {
    const response = await page.goto(path);
    expect(response.status(), path).toBe(200);
    await expect(page.getByRole('heading', { level: 1 }), path).toBeVisible();
    expect(await page.locator(EXECUTABLE_SCRIPT).count(), `${path} has no scripts`).toBe(0);
  }
  const missing = await page.goto('/no-such-page');
  expect(missing.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
});

test('the checker gives a result, keeps answers on error and lets you change them', async ({ page }) => {
  await page.goto('/symptom-checker');
  await submitChecker(page);
  await expect(page.locator('.error-summary')).toBeVisible();
  await expect(page).toHaveTitle(/^Error: /);
  await expect(page.locator('.error-summary')).toBeFocused();

  await fillChecker(page, ANSWERS['self-care']);
  await submitChecker(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your result');
  await expect(page.locator('[data-urgency]')).toHaveAttribute('data-urgency', 'self-care');

  await Promise.all([
    page.waitForURL('**/symptom-checker/change'),
    page.getByRole('button', { name: 'Change your answers' }).click(),
  ]);
  await expect(page.locator('#trigger-lifting')).toBeChecked();
  await expect(page.locator('#age')).toHaveValue('35');
  await page.uncheck('#warning-none');
  await page.check('#warning-saddle-numbness');
  await submitChecker(page);
  await expect(page.locator('[data-urgency]')).toHaveAttribute('data-urgency', 'emergency');
  await expect(page.locator('.disposition h2')).toContainText('Go to A&E now');
});

test('the pregnancy follow-up works without JavaScript and keeps the answers', async ({ page }) => {
  await page.goto('/symptom-checker');
  await fillChecker(page, { ...ANSWERS['self-care'], pregnant: 'yes' });
  await submitChecker(page);
  await expect(page.locator('[data-step="pregnancy"]')).toBeVisible();
  await expect(page.locator('[data-urgency]')).toHaveCount(0);
  expect(new URL(page.url()).search).toBe('');
  await page.check('#pregnancy_sign-contractions');
  await submitChecker(page);
  await expect(page.locator('[data-service]')).toHaveAttribute('data-service', 'maternity-unit');
  await expect(page.locator('.disposition h2')).toContainText('Call your maternity unit now');
});

test('the child and pregnancy follow-up blocks work without JavaScript on one page', async ({ page }) => {
  await page.goto('/symptom-checker');
  await fillChecker(page, { ...ANSWERS.soon, age: '15', pregnant: 'yes' });
  await submitChecker(page);
  await expect(page.locator('[data-step="pregnancy"]')).toBeVisible();
  await expect(page.locator('[data-step="child"]')).toBeVisible();
  await expect(page.locator('[data-urgency]')).toHaveCount(0);
  expect(new URL(page.url()).search).toBe('');
  await page.check('#pregnancy_sign-none');
  await page.check('#pregnancy_weeks-12-to-23');
  await page.check('#child_sign-floppy-or-drowsy');
  await submitChecker(page);
  await expect(page.locator('[data-service]')).toHaveAttribute('data-service', 'call-999');
  await expect(page.locator('[data-uk-nations]')).toHaveCount(1);
});
