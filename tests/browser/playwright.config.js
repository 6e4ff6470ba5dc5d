// Playwright drives Debian's Chromium (/usr/bin/chromium): browser downloads are impossible here,
// so the path is fixed and `npx playwright install` is never run. See README.md beside this file.
const { defineConfig } = require('@playwright/test');

const CHROMIUM = process.env.BACKCARE_CHROMIUM || '/usr/bin/chromium';

module.exports = defineConfig({
  testDir: './tests',
  // The release server is started once for the whole run and stopped afterwards.
  globalSetup: require.resolve('./global-setup.js'),
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['./summary-reporter.js']],
  outputDir: '../../target/playwright-results',
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'off',
    screenshot: 'off',
  },
});
