// What the suite knows about the site: how to reach every kind of page, and the checker answers
// that lead to each urgency. Each spec imports `test` from here so baseURL is the server that
// global-setup.js started.
const base = require('@playwright/test');

const test = base.test.extend({
  baseURL: async ({}, use) => {
    const url = process.env.BACKCARE_TEST_URL;
    if (!url) throw new Error('BACKCARE_TEST_URL is not set: global-setup.js did not run');
    await use(url);
  },
});

// Checker answers, by field. Radios and checkboxes are `${field}-${value}` ids on the form.
// The questions that need an explicit answer say "none" when nothing applies.
const ANSWERS = {
  emergency: {
    warning: ['saddle-numbness'], location: 'lower', onset: 'sudden', duration: 'under-1-week',
    severity: '8', age: '45', pregnant: 'no',
    trigger: [], symptom: ['none'], history: ['none'], eased_by: [],
  },
  urgent: {
    warning: ['none'], location: 'middle', onset: 'gradual', duration: '1-6-weeks',
    severity: '6', age: '40', pregnant: 'no',
    trigger: [], symptom: ['fever'], history: ['none'], eased_by: ['rest'],
  },
  soon: {
    warning: ['none'], location: 'lower', onset: 'gradual', duration: 'over-12-weeks',
    severity: '4', age: '38', pregnant: 'no',
    trigger: ['posture'], symptom: ['none'], history: ['none'], eased_by: ['movement'],
  },
  'self-care': {
    warning: ['none'], location: 'lower', onset: 'sudden', duration: 'under-1-week',
    severity: '3', age: '35', pregnant: 'no',
    trigger: ['lifting'], symptom: ['none'], history: ['none'], eased_by: ['movement', 'heat'],
  },
};

/** Fills the checker form with mouse-free Playwright actions (works with JavaScript off too). */
async function fillChecker(page, answers) {
  for (const field of ['location', 'onset', 'duration', 'pregnant']) {
    await page.check(`#${field}-${answers[field]}`);
  }
  await page.fill('#severity', answers.severity);
  await page.fill('#age', answers.age);
  for (const field of ['warning', 'trigger', 'symptom', 'history', 'eased_by']) {
    for (const value of answers[field]) await page.check(`#${field}-${value}`);
  }
}

async function submitChecker(page) {
  await Promise.all([
    page.waitForURL('**/symptom-checker', { waitUntil: 'load' }),
    page.getByRole('button', { name: 'See my result' }).click(),
  ]);
}

/** A result page of the given urgency, reached the way a reader reaches it. */
async function openResult(page, urgency) {
  await page.goto('/symptom-checker');
  await fillChecker(page, ANSWERS[urgency]);
  await submitChecker(page);
  const shown = await page.locator('[data-urgency]').getAttribute('data-urgency');
  if (shown !== urgency) throw new Error(`expected a ${urgency} result, got ${shown}`);
}

/** "Is this page helpful?" answered No under an article, as a reader does: the thank-you page. */
async function answerNo(page) {
  await page.goto('/articles/sciatica');
  await Promise.all([
    page.waitForURL('**/feedback/thanks/no', { waitUntil: 'load' }),
    // Chromium names it "No , this page is not helpful": the hidden words are a separate box.
    page.getByRole('button', { name: /^No\b.*this page is not helpful/ }).click(),
  ]);
}

/** The thank-you page's comment box sent with `text`. */
async function sendComment(page, text) {
  await answerNo(page);
  await page.fill('#feedback-comment', text);
  await Promise.all([
    page.waitForLoadState('load'),
    page.getByRole('button', { name: 'Send your comment' }).click(),
  ]);
}

function visit(path) {
  return async (page) => {
    const response = await page.goto(path);
    return response;
  };
}

// Every kind of page the site has. `open` leaves the page loaded and returns nothing useful.
const PAGE_KINDS = [
  { name: 'home', open: visit('/') },
  { name: 'topic', open: visit('/topics/prevention') },
  { name: 'article', open: visit('/articles/lifting-safely') },
  { name: 'article-posture', open: visit('/articles/desk-setup-and-posture') },
  { name: 'article-red-flags', open: visit('/articles/when-to-get-help') },
  { name: 'article-exercises', open: visit('/articles/exercises-for-back-pain') },
  { name: 'about', open: visit('/about') },
  { name: 'accessibility', open: visit('/accessibility') },
  { name: 'not-found', open: visit('/no-such-page') },
  { name: 'checker-form', open: visit('/symptom-checker') },
  {
    name: 'checker-errors',
    open: async (page) => {
      await page.goto('/symptom-checker');
      await submitChecker(page);
      await page.locator('.error-summary').waitFor();
    },
  },
  { name: 'checker-how-it-works', open: visit('/symptom-checker/how-it-works') },
  {
    name: 'checker-follow-up',
    open: async (page) => {
      await page.goto('/symptom-checker');
      await fillChecker(page, { ...ANSWERS['self-care'], pregnant: 'yes' });
      await submitChecker(page);
      await page.locator('[data-step="pregnancy"]').waitFor();
    },
  },
  // Round 3 follow-up blocks: a child's signs, both blocks on one page, and after a birth.
  {
    name: 'checker-follow-up-child',
    open: async (page) => {
      await page.goto('/symptom-checker');
      await fillChecker(page, { ...ANSWERS.soon, age: '10' });
      await submitChecker(page);
      await page.locator('[data-step="child"]').waitFor();
    },
  },
  {
    name: 'checker-follow-up-both',
    open: async (page) => {
      await page.goto('/symptom-checker');
      await fillChecker(page, { ...ANSWERS.soon, age: '15', pregnant: 'yes' });
      await submitChecker(page);
      await page.locator('[data-step="child"]').waitFor();
      await page.locator('[data-step="pregnancy"]').waitFor();
    },
  },
  {
    name: 'checker-follow-up-after-birth',
    open: async (page) => {
      await page.goto('/symptom-checker');
      await fillChecker(page, { ...ANSWERS.soon, pregnant: 'recently' });
      await submitChecker(page);
      await page.locator('[data-step="pregnancy"]').waitFor();
    },
  },
  {
    name: 'result-child',
    open: async (page) => {
      await page.goto('/symptom-checker');
      await fillChecker(page, { ...ANSWERS.soon, age: '10' });
      await submitChecker(page);
      await page.check('#child_sign-not-walking');
      await submitChecker(page);
      await page.locator('[data-urgency="urgent"]').waitFor();
    },
  },
  { name: 'search', open: visit('/search?q=sciatica') },
  { name: 'search-red-flags', open: visit('/search?q=numb+bum') },
  { name: 'search-no-results', open: visit('/search?q=xylophone') },
  { name: 'search-too-long', open: visit(`/search?q=${'a'.repeat(201)}`) },
  { name: 'a-z', open: visit('/a-z') },
  { name: 'feedback-thanks', open: answerNo },
  {
    name: 'feedback-comment-error',
    open: async (page) => {
      await sendComment(page, 'x'.repeat(501));
      await page.locator('.error-summary').waitFor();
    },
  },
  {
    name: 'feedback-sent-warning-signs',
    open: async (page) => {
      await sendComment(page, 'My legs are numb and I cannot pee');
      await page.locator('.callout-emergency').waitFor();
    },
  },
  { name: 'tags', open: visit('/tags') },
  ...Object.keys(ANSWERS).map((urgency) => ({
    name: `result-${urgency}`,
    open: (page) => openResult(page, urgency),
  })),
];

// The articles added in issue 23 (round 3 of content), each checked on its own by the axe,
// small-screen and print specs so a new page cannot slip past them unlinked.
const ROUND_3_ARTICLES = [
  'cauda-equina-syndrome',
  'serious-causes-of-back-pain',
  'spine-fractures-and-osteoporosis',
  'inflammatory-back-pain',
  'pelvic-girdle-pain-in-pregnancy',
  'back-pain-after-giving-birth',
  'physiotherapy-osteopathy-and-chiropractic',
  'pain-management-programmes',
  'treatments-nice-does-not-recommend',
  'flare-up-plan',
  'driving-travel-and-back-pain',
  'tailbone-pain',
].map((slug) => `/articles/${slug}`);

// A <script> that would run: any but JSON-LD structured data, which browsers never execute.
const EXECUTABLE_SCRIPT = 'script:not([type="application/ld+json"])';

module.exports = { test, EXECUTABLE_SCRIPT, expect: base.expect, ANSWERS, PAGE_KINDS, ROUND_3_ARTICLES, fillChecker, submitChecker, openResult, answerNo };
