/**
 * The local stack's HTML page in a real headless browser (Debian's chromium driven by
 * playwright-core): it loads, lists the demo findings, and the severity filter works.
 * Without chromium the suite skips loudly; under CI=true a missing chromium fails it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StackProcess, startStackProcess } from './local-stack-process.ts';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';

if (!available) {
  const message = `web-ui.browser.test.ts: ${CHROMIUM} not found (apt-get install -y chromium)`;
  if (inCi) throw new Error(`${message}; CI=true requires it`);
  console.warn(`\n!!! ${message} — SKIPPING the browser tests !!!\n`);
}

describe.skipIf(!available)('web UI in headless chromium', () => {
  let stack: StackProcess;
  let browser: BrowserContext;
  const profile = mkdtempSync(join(tmpdir(), 'eks-netguard-chromium-'));

  beforeAll(async () => {
    stack = await startStackProcess();
    // A fresh profile directory per run (playwright's way of passing --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
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
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop('SIGKILL');
    rmSync(profile, { recursive: true, force: true });
  });

  it('loads, lists the demo clusters and open findings with evidence and links', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.url}/`);
    await page.locator('#status', { hasText: 'open finding(s)' }).waitFor();
    const api = (await (await fetch(`${stack.url}/findings?status=OPEN&limit=500`)).json()) as {
      items: unknown[];
    };
    expect(await page.locator('tr.finding').count()).toBe(api.items.length);
    expect(await page.locator('#clusters tbody tr').count()).toBe(7);
    expect(await page.locator('tr.finding[data-rule="endpoint-public-open"]').count()).toBeGreaterThan(0);
    const link = await page.locator('tr.finding a').first().getAttribute('href');
    expect(link).toMatch(/^\/findings\/[0-9a-f]{32}$/);
    await page.close();
  });

  it('shows only the chosen severity after filtering', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.url}/`);
    await page.locator('#status', { hasText: 'open finding(s)' }).waitFor();
    const before = await page.locator('tr.finding').count();
    await page.selectOption('#severity', 'HIGH');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('tr.finding')].every(
        (row) => row.getAttribute('data-severity') === 'HIGH',
      ),
    );
    const high = await page.locator('tr.finding').count();
    expect(high).toBeGreaterThan(0);
    expect(high).toBeLessThan(before);
    expect(await page.locator('tr.finding:not([data-severity="HIGH"])').count()).toBe(0);
    await page.close();
  });
});
