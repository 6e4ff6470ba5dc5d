// "On this page" at 390 px (a common phone width): when an item wraps onto two lines, its bullet
// sits beside the item's first line, not its last. An inline-block link put it by the last line.
const { test, expect } = require('./site');

test.use({ viewport: { width: 390, height: 844 } });

/** The ::marker box of each li in `.toc`, read through the DevTools protocol (the DOM has none). */
async function markerTops(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector: '.toc li' });
    const tops = [];
    for (const nodeId of nodeIds) {
      const { node } = await cdp.send('DOM.describeNode', { nodeId, depth: 1 });
      const marker = (node.pseudoElements || []).find((p) => p.pseudoType === 'marker');
      if (!marker) throw new Error('no ::marker for a .toc li');
      const { model } = await cdp.send('DOM.getBoxModel', { backendNodeId: marker.backendNodeId });
      const ys = model.content.filter((_, i) => i % 2 === 1);
      tops.push({ top: Math.min(...ys), bottom: Math.max(...ys) });
    }
    return tops;
  } finally {
    await cdp.detach();
  }
}

test('a wrapped "On this page" item has its bullet beside its first line', async ({ page }) => {
  await page.goto('/articles/what-causes-back-cramps');
  const lines = await page.$$eval('.toc li a', (links) =>
    links.map((a) => {
      const rects = [...a.getClientRects()];
      const range = document.createRange();
      range.selectNodeContents(a);
      const lineRects = [...range.getClientRects()];
      const tops = [...new Set(lineRects.map((r) => Math.round(r.top)))].sort((x, y) => x - y);
      const first = lineRects.filter((r) => Math.round(r.top) === tops[0]);
      return {
        text: a.textContent.trim(),
        lines: tops.length,
        firstTop: Math.min(...first.map((r) => r.top)),
        firstBottom: Math.max(...first.map((r) => r.bottom)),
        boxes: rects.length,
      };
    }),
  );
  expect(lines.some((item) => item.lines >= 2), 'at 390 px some item wraps').toBe(true);
  const markers = await markerTops(page);
  expect(markers.length).toBe(lines.length);
  lines.forEach((item, i) => {
    const middle = (markers[i].top + markers[i].bottom) / 2;
    expect(middle, `bullet of "${item.text}" (${item.lines} lines)`).toBeGreaterThanOrEqual(item.firstTop - 1);
    expect(middle, `bullet of "${item.text}" (${item.lines} lines)`).toBeLessThanOrEqual(item.firstBottom + 1);
  });
});
