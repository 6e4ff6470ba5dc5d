// At 320 CSS px (WCAG 1.4.10 reflow) nothing scrolls sideways, and every tap target is at least
// 44 x 44 px (WCAG 2.5.5).
//
// Targets measured: every visible `a[href]`, `button`, `input` (not hidden), `select`, `textarea`,
// `summary`, and `label.choice-label` (the labels of radios and checkboxes).
// Exempt, as WCAG 2.5.8's inline exception allows: links inside running text in an article body
// or a reader's post (a `.prose` or `.post-text` paragraph, list item, table cell or footnote)
// that share their block with other words.
const { test, expect, PAGE_KINDS, ROUND_3_ARTICLES } = require('./site');

const MIN = 44;

test.use({ viewport: { width: 320, height: 640 } });

const KINDS = [
  ...PAGE_KINDS,
  ...ROUND_3_ARTICLES.map((path) => ({ name: `article ${path}`, open: (page) => page.goto(path) })),
];

for (const kind of KINDS) {
  test(`${kind.name}: no sideways scrolling and tap targets of ${MIN} px`, async ({ page }) => {
    await kind.open(page);
    const widths = await page.evaluate(() => ({
      document: document.documentElement.scrollWidth,
      body: document.body.scrollWidth,
    }));
    expect(widths.document, 'document.documentElement.scrollWidth').toBeLessThanOrEqual(320);
    expect(widths.body, 'document.body.scrollWidth').toBeLessThanOrEqual(320);

    const small = await page.evaluate((min) => {
      const selector =
        'a[href], button, input:not([type="hidden"]), select, textarea, summary, label.choice-label';
      const inlineInProse = (el) => {
        if (el.tagName !== 'A' || !el.closest('.prose, .post-text')) return false;
        const block = el.closest('p, li, td, th, dd, .footnote-definition');
        return !!block && block.textContent.trim() !== el.textContent.trim();
      };
      return [...document.querySelectorAll(selector)]
        .filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
        .filter((el) => !inlineInProse(el))
        .map((el) => {
          const box = el.getBoundingClientRect();
          return {
            what: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''} "${(el.textContent || el.value || '').trim().slice(0, 40)}"`,
            width: Math.round(box.width * 10) / 10,
            height: Math.round(box.height * 10) / 10,
          };
        })
        .filter((t) => t.width < min - 0.01 || t.height < min - 0.01);
    }, MIN);
    expect(small, `targets smaller than ${MIN}x${MIN}:\n${small.map((t) => `  ${t.what}: ${t.width}x${t.height}`).join('\n')}`).toEqual([]);
  });
}
