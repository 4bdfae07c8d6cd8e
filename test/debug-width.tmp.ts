import { launchChromium } from '/work/main/test/integration/browser.ts';
import { startStackProcess } from '/work/main/test/integration/local-stack-process.ts';
const stack = await startStackProcess();
const b = await launchChromium();
const page = await b.context.newPage();
await page.setViewportSize({ width: 390, height: 844 });
await page.goto(stack.url + '/?rule=subnet-single-az');
await page.locator('a.finding-link').first().click();
await page.locator('#detail-remediation').waitFor();
const probe = () => page.evaluate(() => {
  const out: unknown[] = [document.documentElement.scrollWidth];
  for (const e of document.querySelectorAll('main *')) {
    const el = e as HTMLElement; const d = el.style.display; el.style.display = 'none'; const w = document.documentElement.scrollWidth; el.style.display = d;
    if (w < (out[0] as number)) out.push(`${el.tagName}#${el.id}.${el.className}:${w}`);
  }
  return out.slice(0, 8);
});
console.log(JSON.stringify(await probe()));
for (const v of ['suppressions', 'scans']) { await page.goto(stack.url + '/?view=' + v); await page.waitForTimeout(1000); console.log(v, JSON.stringify(await probe())); }
await b.close(); await stack.stop('SIGKILL');
