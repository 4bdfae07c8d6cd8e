/**
 * The findings console end to end, on the local stack in headless chromium, at a desktop
 * (1280 px) and a phone (390 px) width: worst cluster first, a rule filter in the URL that
 * survives a reload and Back, a finding's detail with its remediation, a suppression made
 * from the page (bad input first: the API's message, nothing written) that a rescan
 * triggered from the page applies, its deletion reopening the finding, no page error, no
 * failed request, no horizontal scroll, keyboard reach, and 0 serious or critical axe
 * violations. Screenshots go to `.ci/artifacts/`.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Browser,
  chromiumAvailable,
  launchChromium,
  requireChromium,
  screenshot,
  seriousAxeViolations,
  watchPage,
} from './browser.ts';
import { type StackProcess, startStackProcess } from './local-stack-process.ts';

requireChromium('console.browser.test.ts');

const SEVERITY_ORDER = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
/** A finding of the demo account whose evidence holds a subnet list (rendered as a table). */
const RULE = 'subnet-single-az';

interface ClusterItem {
  clusterName: string;
  openCounts: Record<string, number>;
}

interface FindingItem {
  id: string;
  status: string;
  remediation: string;
}

describe.skipIf(!chromiumAvailable)('findings console in headless chromium', () => {
  let stack: StackProcess;
  let browser: Browser;

  const api = async <T>(path: string): Promise<T> =>
    (await fetch(`${stack.url}${path}`)).json() as Promise<T>;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStackProcess(), launchChromium()]);
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.url });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop('SIGKILL');
  });

  async function expectNoAxeProblems(page: Page): Promise<void> {
    expect(await seriousAxeViolations(page)).toEqual([]);
  }

  async function expectNoHorizontalScroll(page: Page): Promise<void> {
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
    }));
    expect(widths.page).toBeLessThanOrEqual(widths.viewport);
  }

  /** Rescans from the detail view and waits for the progress line to end. */
  async function rescanFromDetail(page: Page): Promise<void> {
    await page.locator('#detail-rescan').click();
    await page.locator('#scan-progress[data-status="COMPLETED"]').waitFor();
  }

  for (const viewport of [
    { name: 'desktop', width: 1280, height: 900 },
    { name: 'phone', width: 390, height: 844 },
  ]) {
    it(`at ${viewport.width} px: worst first, URL filters, detail, suppress, rescan, reopen`, async () => {
      const page = await browser.context.newPage();
      await page.setViewportSize({ width: viewport.width, height: viewport.height });
      // The only failed requests allowed are the 400s the bad-input step provokes on purpose.
      const problems = watchPage(page, (url, status) => status === 400 && url.pathname === '/suppressions');
      page.on('dialog', (dialog) => void dialog.accept());
      const shot = (step: string) => screenshot(page, `console-${viewport.width}-${step}`);

      // Loads, worst cluster first (chart and cluster list), findings worst severity first.
      await page.goto(`${stack.url}/`);
      await page.locator('#findings tr.finding').first().waitFor();
      const clusters = (await api<{ items: ClusterItem[] }>('/clusters?limit=500')).items;
      const rank = (c: ClusterItem) => SEVERITY_ORDER.map((s) => c.openCounts[s] ?? 0);
      const worst = [...clusters].sort((a, b) => {
        const [ra, rb] = [rank(a), rank(b)];
        for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return (rb[i] ?? 0) - (ra[i] ?? 0);
        return 0;
      })[0]?.clusterName;
      expect(await page.locator('#cluster-chart [data-cluster]').first().getAttribute('data-cluster')).toBe(
        worst,
      );
      expect(await page.locator('#clusters .cluster').first().getAttribute('data-cluster')).toBe(worst);
      const severities = await page
        .locator('#findings tr.finding')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-severity')));
      const ranks = severities.map((s) => SEVERITY_ORDER.indexOf(s as (typeof SEVERITY_ORDER)[number]));
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
      expect(await page.locator('#findings details.evidence[open]').count()).toBe(0);
      expect(await page.locator('#trend svg').count()).toBe(1);
      await expectNoHorizontalScroll(page);
      await expectNoAxeProblems(page);
      await shot('overview');
      if (viewport.name === 'desktop') {
        // The other widths the console supports, from a small phone to a wide screen.
        for (const width of [360, 768, 1920]) {
          await page.setViewportSize({ width, height: 900 });
          await expectNoHorizontalScroll(page);
        }
        await page.setViewportSize({ width: viewport.width, height: viewport.height });
      }

      // Keyboard: the filters, a finding and a rescan button are reachable with Tab.
      const reached = new Set<string>();
      await page.locator('body').focus();
      for (let i = 0; i < 80 && reached.size < 3; i++) {
        await page.keyboard.press('Tab');
        const kind = await page.evaluate(() => {
          const active = document.activeElement;
          if (active?.id === 'f-rule') return 'filter';
          if (active?.classList.contains('finding-link')) return 'finding';
          if (active?.classList.contains('rescan')) return 'rescan';
          return '';
        });
        if (kind) reached.add(kind);
      }
      expect([...reached].sort()).toEqual(['filter', 'finding', 'rescan']);

      // Filters by rule through the URL, and keeps it across a reload and Back.
      await page.goto(`${stack.url}/?rule=${RULE}&status=OPEN`);
      await page.locator(`#findings tr.finding[data-rule="${RULE}"]`).first().waitFor();
      await page.reload();
      await page.locator(`#findings tr.finding[data-rule="${RULE}"]`).first().waitFor();
      expect(await page.locator(`#findings tr.finding:not([data-rule="${RULE}"])`).count()).toBe(0);
      expect(await page.locator('#f-rule').inputValue()).toBe(RULE);
      await page.selectOption('#f-severity', 'LOW');
      await page.waitForURL(/severity=LOW/);
      await page.goBack();
      await page.waitForURL(
        (url) => !url.searchParams.has('severity') && url.searchParams.get('rule') === RULE,
      );
      // Back re-renders the list of the previous URL: no severity chosen, the rule kept.
      await page.waitForFunction(
        (rule) =>
          (document.querySelector('#f-severity') as HTMLSelectElement | null)?.value === '' &&
          (document.querySelector('#f-rule') as HTMLSelectElement | null)?.value === rule,
        RULE,
      );
      await page.locator(`#findings tr.finding[data-rule="${RULE}"]`).first().waitFor();

      // Opens a finding and reads its rendered remediation and evidence.
      const row = page.locator(`#findings tr.finding[data-rule="${RULE}"]`).first();
      const id = (await row.getAttribute('data-id')) as string;
      const stored = await api<FindingItem>(`/findings/${id}`);
      await row.locator('a.finding-link').click();
      await page.locator('#detail-remediation').waitFor();
      expect(new URL(page.url()).searchParams.get('finding')).toBe(id);
      expect((await page.locator('#detail-remediation').textContent())?.trim()).toBe(
        stored.remediation.trim(),
      );
      expect(await page.locator('#detail .evidence table').count()).toBeGreaterThan(0);
      await page.locator('#copy-remediation').click();
      await page.locator('#copy-status', { hasText: 'Copied' }).waitFor();
      expect((await page.evaluate(() => navigator.clipboard.readText())).trim()).toBe(
        stored.remediation.trim(),
      );
      await expectNoHorizontalScroll(page);
      await expectNoAxeProblems(page);
      await shot('detail');

      // Bad input: the API's message, inline, and nothing written.
      const before = (await api<{ items: unknown[] }>('/suppressions?limit=500')).items.length;
      const attempt = async (
        fields: { rule?: string; reason: string; expires?: string },
        message: RegExp,
      ) => {
        if (fields.rule !== undefined) await page.fill('#s-rule', fields.rule);
        await page.fill('#s-reason', fields.reason);
        if (fields.expires !== undefined) await page.fill('#s-expires', fields.expires);
        await page.locator('#suppress-form button[type="submit"]').click();
        await page.locator('#suppress-error', { hasText: message }).waitFor();
      };
      const proposed = await page.locator('#s-expires').inputValue();
      await attempt(
        { reason: 'accepted risk', expires: '2020-01-01' },
        /^expiresAt: .* is not in the future/,
      );
      await attempt(
        { reason: 'x'.repeat(1001), expires: proposed },
        /^reason: must be at most 1000 characters/,
      );
      await attempt(
        { rule: 'no-such-rule', reason: 'accepted risk' },
        /^ruleId: "no-such-rule" matches no rule/,
      );
      expect((await api<{ items: unknown[] }>('/suppressions?limit=500')).items.length).toBe(before);
      await expectNoAxeProblems(page);
      await shot('suppress-error');

      // Suppresses it with a reason, rescans from the page, and sees it SUPPRESSED.
      await page.fill('#s-rule', RULE);
      await page.fill('#s-reason', `single AZ accepted on ${viewport.name}`);
      await page.locator('#suppress-form button[type="submit"]').click();
      await page.locator('#suppress-result', { hasText: 'saved' }).waitFor();
      await rescanFromDetail(page);
      await page.locator('#detail-status', { hasText: 'SUPPRESSED' }).waitFor();
      expect((await api<FindingItem>(`/findings/${id}`)).status).toBe('SUPPRESSED');
      await shot('suppressed');

      // Deletes the suppression from the suppressions list, rescans, and sees it reopen.
      await page.locator('nav a[data-view="suppressions"]').click();
      const entry = page.locator('#suppressions tr.suppression', {
        hasText: `single AZ accepted on ${viewport.name}`,
      });
      await entry.waitFor();
      await expectNoHorizontalScroll(page);
      await expectNoAxeProblems(page);
      await shot('suppressions');
      await entry.locator('button.delete-suppression').click();
      await entry.waitFor({ state: 'detached' });
      await page.goBack();
      await page.locator('#detail-remediation').waitFor();
      await rescanFromDetail(page);
      await page.locator('#detail-status', { hasText: 'OPEN' }).waitFor();
      expect((await api<FindingItem>(`/findings/${id}`)).status).toBe('OPEN');

      // The scans list shows the rescans with their open counts.
      await page.locator('nav a[data-view="scans"]').click();
      await page.locator('#scans tr.scan').nth(2).waitFor();
      await expectNoHorizontalScroll(page);
      await expectNoAxeProblems(page);
      await shot('scans');

      expect(problems).toEqual([]);
      await page.close();
    }, 180_000);
  }
});
