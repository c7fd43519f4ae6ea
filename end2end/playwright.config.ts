// Browser tests against the real server (debug build, demo data, fresh data folder) in Debian's chromium.
import { defineConfig } from '@playwright/test';

const port = process.env.E2E_PORT ?? '3107';
export const serverEnv = {
  CANYU_DATA_DIR: '../target/e2e-data',
  CANYU_SITE_ROOT: '../target/site',
  CANYU_LISTEN: `127.0.0.1:${port}`,
  RUST_LOG: 'warn',
  // Every browser test comes from one address: per-IP limits sized for a whole test run.
  CANYU_COMMENTS_PER_MINUTE: '1000',
  CANYU_FILINGS_PER_MINUTE: '1000',
  CANYU_LOOKUPS_PER_MINUTE: '1000',
  CANYU_STAFF_WORK_PER_MINUTE: '1000',
  CANYU_SIGNED_IN_PER_ADDRESS_PER_MINUTE: '1000',
  CANYU_ANONYMOUS_UPLOAD_MB_PER_HOUR: '1000',
  CANYU_LOGIN_PER_MINUTE: '1000',
  CANYU_REGISTER_PER_HOUR: '1000',
  // Public pages answered from copies for a whole minute (a second by default), so every page
  // read twice is read from its copy: its scripts must run with the fresh nonce, and every
  // change made in one browser must show at once in the others.
  CANYU_PUBLIC_PAGE_COPY_MS: '60000',
};

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: 'zh-CN',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  projects: [
    { name: 'js', use: { javaScriptEnabled: true } },
    { name: 'no-js', use: { javaScriptEnabled: false } },
    { name: 'phone', use: { javaScriptEnabled: true, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } },
  ],
  webServer: {
    command: 'rm -rf ../target/e2e-data && ../target/debug/canyu serve --demo',
    url: `http://127.0.0.1:${port}/healthz`,
    env: serverEnv,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
