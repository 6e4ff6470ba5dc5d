// Full-page screenshots of every kind of page, phone and desktop, light and dark, for a person to
// review in target/screenshots/. They are not compared with anything.
const path = require('node:path');
const { test, expect, PAGE_KINDS } = require('./site');

const OUT = path.resolve(__dirname, '..', '..', '..', 'target', 'screenshots');
const VIEWPORTS = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
];

for (const viewport of VIEWPORTS) {
  for (const colorScheme of ['light', 'dark']) {
    test.describe(`screenshots at ${viewport.width}x${viewport.height}, ${colorScheme}`, () => {
      test.use({ viewport, colorScheme });
      for (const kind of PAGE_KINDS) {
        test(kind.name, async ({ page }) => {
          await kind.open(page);
          const file = path.join(OUT, `${kind.name}-${viewport.width}x${viewport.height}-${colorScheme}.png`);
          await page.screenshot({ path: file, fullPage: true });
          expect(require('node:fs').statSync(file).size).toBeGreaterThan(1000);
        });
      }
    });
  }
}
