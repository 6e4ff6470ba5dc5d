// axe-core finds no WCAG 2.2 A/AA violations on any kind of page, in light and dark colour schemes.
const { AxeBuilder } = require('@axe-core/playwright');
const { test, expect, PAGE_KINDS, ROUND_3_ARTICLES } = require('./site');

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

function describe(violations) {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes
      .map((n) => `    ${n.target.join(' ')}\n      ${n.failureSummary.replace(/\n/g, '\n      ')}`)
      .join('\n')}`)
    .join('\n');
}

async function expectNoViolations(page, label) {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  expect(results.violations.length, `${label}:\n${describe(results.violations)}`).toBe(0);
  // A page axe could not judge at all would pass silently; make sure the rules really ran.
  expect(results.passes.length, `${label}: axe ran no rules`).toBeGreaterThan(10);
}

for (const colorScheme of ['light', 'dark']) {
  test.describe(`axe, ${colorScheme} scheme`, () => {
    test.beforeEach(async ({ page }) => {
      await page.emulateMedia({ colorScheme });
    });

    for (const kind of PAGE_KINDS) {
      test(kind.name, async ({ page }) => {
        await kind.open(page);
        await expectNoViolations(page, `${kind.name} (${colorScheme})`);
      });
    }

    for (const path of ROUND_3_ARTICLES) {
      test(`article ${path}`, async ({ page }) => {
        await page.goto(path);
        await expectNoViolations(page, `${path} (${colorScheme})`);
      });
    }

    test('every article', async ({ page }) => {
      // 30 articles at a few seconds each on 2 busy cores.
      test.setTimeout(300_000);
      await page.goto('/');
      const hrefs = await page
        .locator('main a[href^="/articles/"]')
        .evaluateAll((links) => [...new Set(links.map((a) => a.getAttribute('href')))]);
      expect(hrefs.length).toBeGreaterThan(10);
      for (const href of hrefs) {
        await page.goto(href);
        await expectNoViolations(page, `${href} (${colorScheme})`);
      }
    });
  });
}
