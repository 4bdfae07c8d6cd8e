/**
 * The local stack's HTML page in a real headless browser (Debian's chromium driven by
 * playwright-core): it loads, lists the demo findings, the severity filter works, a failed
 * request leaves no stale rows, and a page of another origin cannot write to the API.
 * Without chromium the suite skips loudly; under CI=true a missing chromium fails it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
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

  it('clears the table and shows the error when a filtered request fails', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.url}/`);
    await page.locator('#status', { hasText: 'open finding(s)' }).waitFor();
    expect(await page.locator('tr.finding').count()).toBeGreaterThan(0);
    await page.route(
      (url) => url.pathname === '/findings' && url.searchParams.get('severity') === 'HIGH',
      (route) =>
        route.fulfill({
          status: 503,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'SERVICE_UNAVAILABLE', message: 'store unreachable' } }),
        }),
    );
    await page.selectOption('#severity', 'HIGH');
    await page.locator('#status.error').waitFor();
    expect(await page.locator('#status').textContent()).toContain('SERVICE_UNAVAILABLE: store unreachable');
    expect(await page.locator('#findings tbody tr').count()).toBe(0);
    await page.close();
  });

  describe('a page of another origin', () => {
    let other: Server;
    let otherUrl: string;
    const reason = 'written by a page of another origin';

    beforeAll(async () => {
      // What any web page the user visits could serve: a no-cors text/plain POST, which
      // needs no CORS preflight, carrying a JSON body.
      const html = `<!doctype html><script>
        fetch(${JSON.stringify(`${stack.url}/suppressions`)}, {
          mode: 'no-cors',
          method: 'POST',
          headers: { 'Content-Type': 'text/plain' },
          body: JSON.stringify({ ruleId: '*', clusterName: 'checkout-staging', reason: ${JSON.stringify(reason)},
            expiresAt: new Date(Date.now() + 7 * 86400000).toISOString() }),
        }).then(() => { window.sent = 'done'; }, (error) => { window.sent = String(error); });
      </script>`;
      other = createServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end(html);
      });
      await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
      otherUrl = `http://127.0.0.1:${(other.address() as { port: number }).port}/`;
    });

    afterAll(async () => {
      await new Promise<void>((resolve) => {
        other?.close(() => resolve());
        // Chromium keeps its connection alive: without this, close waits for it to idle out.
        other?.closeAllConnections();
      });
    });

    it('cannot create a suppression with a no-cors text/plain POST', async () => {
      const page = await browser.newPage();
      await page.goto(otherUrl);
      await page.waitForFunction(() => (window as unknown as { sent?: string }).sent !== undefined);
      const stored = (await (await fetch(`${stack.url}/suppressions?limit=500`)).json()) as {
        items: { reason: string }[];
      };
      expect(stored.items.filter((s) => s.reason === reason)).toEqual([]);
      await page.close();
    });

    it('while the stack’s own page can still write JSON', async () => {
      const page = await browser.newPage();
      await page.goto(`${stack.url}/`);
      const status = await page.evaluate(async () => {
        const response = await fetch('/suppressions', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            ruleId: 'endpoint-public-open',
            clusterName: 'checkout-staging',
            reason: 'same-origin write from the console',
            expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
          }),
        });
        return response.status;
      });
      expect(status).toBe(201);
      await page.close();
    });
  });
});
