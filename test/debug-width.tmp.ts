import { launchChromium } from '/work/main/test/integration/browser.ts';
import { startStackProcess } from '/work/main/test/integration/local-stack-process.ts';
const stack = await startStackProcess();
const b = await launchChromium();
const page = await b.context.newPage();
await page.setViewportSize({ width: 390, height: 844 });
await page.goto(stack.url + '/?rule=subnet-single-az');
await page.locator('a.finding-link').first().click();
await page.locator('#detail-remediation').waitFor();
console.log(JSON.stringify(await page.evaluate(() => {
  const out = [document.documentElement.scrollWidth];
  for (const e of document.querySelectorAll('#detail > *, .suppress fieldset > *')) {
    const d = e.style.display; e.style.display = 'none'; const w = document.documentElement.scrollWidth; e.style.display = d;
    if (w < out[0]) out.push(`${e.tagName}#${e.id}.${e.className}:${w}`);
  }
  return out;
})));
await page.screenshot({ path: '/tmp/detail.png', fullPage: true });
await b.close(); await stack.stop('SIGKILL');
