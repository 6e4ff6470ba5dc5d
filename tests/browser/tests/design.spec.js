// The design rules the issue sets: a small stylesheet with no web fonts and no JavaScript,
// urgency told by words and an icon as well as colour, the illustrated location question, and
// article diagrams with text alternatives and nothing executable inside.
const { test, expect, openResult, PAGE_KINDS, EXECUTABLE_SCRIPT } = require('./site');

test('one stylesheet under 20 KB, no web fonts, no framework, no JavaScript', async ({ page, request }) => {
  const css = await request.get('/static/site.css');
  expect(css.ok()).toBe(true);
  const body = await css.body();
  expect(body.length, 'site.css bytes').toBeLessThan(20 * 1024);
  const text = body.toString('utf8');
  expect(text).not.toMatch(/@font-face|@import|url\(/i);

  const requested = [];
  page.on('request', (r) => requested.push(`${r.resourceType()} ${r.url()}`));
  for (const kind of PAGE_KINDS) {
    await kind.open(page);
    // Structured data (JSON-LD) is a <script> element that never runs; anything else would.
    expect(await page.locator(EXECUTABLE_SCRIPT).count(), kind.name).toBe(0);
    expect(await page.locator('link[rel="stylesheet"]').count(), kind.name).toBe(1);
  }
  expect(requested.filter((r) => /^(script|font) /.test(r))).toEqual([]);
});

/** The role, name and description Chromium's accessibility tree gives the first match of `selector`. */
async function accessibleNode(page, selector) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
    const node = nodes[0];
    return { role: node.role?.value, name: node.name?.value, description: node.description?.value ?? '' };
  } finally {
    await cdp.detach();
  }
}

const URGENCY = {
  emergency: 'Go to A&E now',
  urgent: 'Get help today',
  soon: 'See a GP or physiotherapist within 2 weeks',
  'self-care': 'You can probably look after this yourself',
};

test('each urgency has its own words, icon and colour', async ({ page }) => {
  const seen = {};
  for (const [urgency, words] of Object.entries(URGENCY)) {
    await openResult(page, urgency);
    const box = page.locator(`.disposition-${urgency}`);
    await expect(box.getByRole('heading', { level: 2 })).toContainText(words);
    const icon = box.locator('h2 svg');
    await expect(icon).toBeVisible();
    await expect(icon).toHaveAttribute('aria-hidden', 'true');
    await expect(icon).toHaveAttribute('focusable', 'false');
    // The icon's shape differs per urgency, so it does not depend on colour either.
    const shape = await icon.evaluate((svg) => svg.innerHTML.replace(/\s+/g, ' '));
    const colour = await box.evaluate((el) => getComputedStyle(el).borderLeftColor);
    seen[urgency] = { shape, colour };
  }
  const shapes = new Set(Object.values(seen).map((s) => s.shape));
  const colours = new Set(Object.values(seen).map((s) => s.colour));
  expect(shapes.size).toBe(4);
  expect(colours.size).toBe(4);
});

test('the location question is illustrated with the three regions of a back', async ({ page }) => {
  await page.goto('/symptom-checker');
  const group = page.getByRole('group', { name: 'Where is the pain?' });
  for (const [value, name] of [['lower', 'Lower back'], ['middle', 'Middle back'], ['upper', 'Upper back']]) {
    const radio = group.getByRole('radio', { name, exact: false });
    await expect(radio).toHaveAttribute('value', value);
    const label = page.locator(`label[for="location-${value}"]`);
    const svg = label.locator('svg');
    await expect(svg).toBeVisible();
    await expect(svg).toHaveAttribute('aria-hidden', 'true');
    await expect(label.locator(`svg.back-${value} .region-${value}`)).toHaveCount(1);
    // Clicking the picture chooses the answer, like the words do.
    await svg.click();
    await expect(page.locator(`#location-${value}`)).toBeChecked();
  }
});

for (const [slug, expected] of [
  ['lifting-safely', /knees/i],
  ['desk-setup-and-posture', /screen/i],
]) {
  test(`${slug} has a diagram with a text alternative and nothing executable`, async ({ page }) => {
    await page.goto(`/articles/${slug}`);
    const figure = page.locator('.prose figure.diagram').first();
    await expect(figure).toBeVisible();
    await expect(figure.locator('figcaption')).toBeVisible();
    const svg = figure.locator('svg');
    await expect(svg).toHaveAttribute('role', 'img');
    await expect(svg).toHaveAccessibleName(/\S/);
    await expect(svg.locator('desc')).toHaveText(expected);
    // What Chromium hands to screen readers: the SVG's <title> as its name, <desc> as description.
    const exposed = await accessibleNode(page, `figure.diagram-${await figure.evaluate((f) => f.className.split('diagram-')[1])} svg`);
    expect(exposed.role).toBe('image');
    expect(exposed.name).toBe(await svg.locator('title').textContent());
    expect(exposed.description).toMatch(expected);
    const unsafe = await svg.evaluate((root) => {
      const found = [];
      for (const el of [root, ...root.querySelectorAll('*')]) {
        const tag = el.tagName.toLowerCase();
        if (['script', 'foreignobject', 'iframe', 'style', 'a'].includes(tag)) found.push(tag);
        for (const attr of el.attributes) {
          if (/^on/i.test(attr.name) || /javascript:/i.test(attr.value) || /href$/i.test(attr.name)) {
            found.push(`${tag}[${attr.name}]`);
          }
        }
      }
      return found;
    });
    expect(unsafe).toEqual([]);
  });
}

// The exercises page teaches by picture: every numbered exercise has its diagram, and each diagram
// is named and described for people who cannot see it, with a visible caption for everyone.
test('every exercise diagram has a text alternative and a caption', async ({ page }) => {
  await page.goto('/articles/exercises-for-back-pain');
  const figures = page.locator('.prose figure.diagram');
  const count = await figures.count();
  expect(count).toBeGreaterThanOrEqual(6);
  expect(count).toBe(await page.locator('.prose h3').filter({ hasText: /^\d+\. / }).count());
  const names = new Set();
  for (let i = 0; i < count; i += 1) {
    const figure = figures.nth(i);
    const svg = figure.locator('svg');
    await expect(svg).toHaveAttribute('role', 'img');
    await expect(svg).toHaveAccessibleName(/\S/);
    // Chromium exposes an SVG's <desc> as its description; read what it hands to screen readers.
    const exposed = await accessibleNode(page, `.prose figure.diagram:nth-of-type(${i + 1}) svg`);
    expect(exposed.role).toBe('image');
    expect(exposed.description).toMatch(/\S{3,}/);
    await expect(figure.locator('figcaption')).toHaveText(/\S/);
    names.add(await svg.locator('title').textContent());
  }
  expect(names.size, 'each exercise has its own diagram').toBe(count);
  expect([...names].join(' ')).toMatch(/hamstring/i);
});
