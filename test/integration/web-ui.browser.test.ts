/**
 * The local stack's console in a real headless browser (Debian's chromium driven by
 * playwright-core): the page's own files and no favicon 404, a failed request leaves no
 * stale rows, and a page of another origin cannot write to the API. The console's whole
 * journey is in console.browser.test.ts.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, chromiumAvailable, launchChromium, requireChromium, watchPage } from './browser.ts';
import { type StackProcess, startStackProcess } from './local-stack-process.ts';

requireChromium('web-ui.browser.test.ts');

describe.skipIf(!chromiumAvailable)('web UI in headless chromium', () => {
  let stack: StackProcess;
  let browser: Browser;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStackProcess(), launchChromium()]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop('SIGKILL');
  });

  it('serves its own scripts, styles and icon (no CDN, no 404), under a same-origin CSP', async () => {
    const page = await browser.context.newPage();
    const problems = watchPage(page);
    const origins = new Set<string>();
    page.on('request', (request) => void origins.add(new URL(request.url()).origin));
    const answer = await page.goto(`${stack.url}/`);
    await page.locator('#findings tr.finding').first().waitFor();
    expect(answer?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect([...origins]).toEqual([stack.url]);
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    expect((await fetch(new URL(icon as string, `${stack.url}/`))).status).toBe(200);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('clears the list and shows the error when a filtered request fails', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${stack.url}/`);
    await page.locator('#findings tr.finding').first().waitFor();
    await page.route(
      (url) => url.pathname === '/findings' && url.searchParams.get('severity') === 'HIGH',
      (route) =>
        route.fulfill({
          status: 503,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'SERVICE_UNAVAILABLE', message: 'store unreachable' } }),
        }),
    );
    await page.selectOption('#f-severity', 'HIGH');
    await page.locator('#findings-status.error').waitFor();
    expect(await page.locator('#findings-status').textContent()).toContain(
      'SERVICE_UNAVAILABLE: store unreachable',
    );
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
      const page = await browser.context.newPage();
      await page.goto(otherUrl);
      await page.waitForFunction(() => (window as unknown as { sent?: string }).sent !== undefined);
      const stored = (await (await fetch(`${stack.url}/suppressions?limit=500`)).json()) as {
        items: { reason: string }[];
      };
      expect(stored.items.filter((s) => s.reason === reason)).toEqual([]);
      await page.close();
    });

    it('while the stack’s own page can still write JSON', async () => {
      const page = await browser.context.newPage();
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
