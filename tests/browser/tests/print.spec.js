// Print: articles and results print without navigation, with URLs after links, and a result fits
// on one A4 page.
const { test, expect, openResult, fillChecker, submitChecker, ANSWERS } = require('./site');

const OUT = require('node:path').resolve(__dirname, '..', '..', '..', 'target', 'screenshots');

/** Pages in a PDF made by Chromium: one `/Type /Page` object each (not `/Pages`). */
function pdfPageCount(buffer) {
  return (buffer.toString('latin1').match(/\/Type\s*\/Page(?![a-z])/g) || []).length;
}

async function expectPrintLayout(page) {
  await page.emulateMedia({ media: 'print' });
  for (const selector of ['.site-header', '.skip-link', '.site-footer nav', '.breadcrumb']) {
    for (const el of await page.locator(selector).all()) await expect(el, selector).toBeHidden();
  }
}

async function afterContent(page, selector) {
  return page.locator(selector).first().evaluate((a) => getComputedStyle(a, '::after').content);
}

test('an article prints without navigation and shows where its links go', async ({ page }) => {
  await page.goto('/articles/lifting-safely');
  await expectPrintLayout(page);
  await expect(page.locator('.toc')).toBeHidden();
  await expect(page.locator('figure.diagram svg')).toBeVisible();
  expect(await afterContent(page, '.sources a')).toContain('https://www.hse.gov.uk/');
  expect(await afterContent(page, '.prose a[href^="/articles/"]')).toContain('/articles/');
  const pdf = await page.pdf({ format: 'A4' });
  expect(pdfPageCount(pdf)).toBeGreaterThanOrEqual(1);
});

test('the flare-up plan prints on one A4 page, with its plan table and warning signs', async ({ page }) => {
  await page.goto('/articles/flare-up-plan');
  await expectPrintLayout(page);
  await expect(page.locator('.prose table')).toBeVisible();
  await expect(page.locator('.prose ul.red-flags').first()).toBeVisible();
  const pdf = await page.pdf({ format: 'A4' });
  require('node:fs').mkdirSync(OUT, { recursive: true });
  require('node:fs').writeFileSync(require('node:path').join(OUT, 'flare-up-plan-A4.pdf'), pdf);
  expect(pdfPageCount(pdf), 'A4 pages').toBe(1);
});

for (const urgency of ['emergency', 'urgent', 'soon', 'self-care']) {
  test(`a ${urgency} result prints on one A4 page without navigation`, async ({ page }) => {
    await openResult(page, urgency);
    await expectPrintLayout(page);
    for (const el of await page.locator('.no-print').all()) await expect(el).toBeHidden();
    await expect(page.locator('.disposition svg')).toBeVisible();
    if (await page.locator('.reasons .source a').count()) {
      expect(await afterContent(page, '.reasons .source a')).toContain('https://');
    }
    const pdf = await page.pdf({ format: 'A4' });
    require('node:fs').mkdirSync(OUT, { recursive: true });
    require('node:fs').writeFileSync(require('node:path').join(OUT, `result-${urgency}-A4.pdf`), pdf);
    expect(pdfPageCount(pdf), 'A4 pages').toBe(1);
  });
}

test('the follow-up blocks print their questions without navigation', async ({ page }) => {
  await page.goto('/symptom-checker');
  await fillChecker(page, { ...ANSWERS.soon, age: '15', pregnant: 'yes' });
  await submitChecker(page);
  await expectPrintLayout(page);
  await expect(page.locator('[data-step="pregnancy"] legend').first()).toBeVisible();
  await expect(page.locator('[data-step="child"] legend')).toBeVisible();
});

// Results reached through a follow-up block: a child's (parent words, child safety net) and a
// pregnancy's (maternity unit), each still on one A4 page with the UK nations' routes.
for (const [name, answers, sign] of [
  ['child', { ...ANSWERS.soon, age: '10' }, '#child_sign-not-walking'],
  ['maternity', { ...ANSWERS['self-care'], pregnant: 'yes' }, '#pregnancy_sign-contractions'],
]) {
  test(`a ${name} result after a follow-up block prints on one A4 page`, async ({ page }) => {
    await page.goto('/symptom-checker');
    await fillChecker(page, answers);
    await submitChecker(page);
    await page.check(sign);
    if (name === 'maternity') await page.check('#pregnancy_weeks-24-to-36');
    await submitChecker(page);
    await expect(page.locator('[data-urgency]')).toHaveCount(1);
    await expectPrintLayout(page);
    await expect(page.locator('[data-uk-nations]')).toBeVisible();
    const pdf = await page.pdf({ format: 'A4' });
    require('node:fs').mkdirSync(OUT, { recursive: true });
    require('node:fs').writeFileSync(require('node:path').join(OUT, `result-${name}-A4.pdf`), pdf);
    expect(pdfPageCount(pdf), 'A4 pages').toBe(1);
  });
}
