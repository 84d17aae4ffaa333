/**
 * The dashboard in a real browser: Debian's chromium driven by puppeteer-core (nothing is
 * downloaded). A daemon on the simulated account converges a fleet and swaps it to a new AMI
 * while the page polls; virtual time is driven by the test, and every wait is on what the page
 * shows, never on real time passing. Without chromium the suite is skipped with one line.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { fleetReconciler } from '../src/main/fleet-reconciler';
import { localStatusNow } from '../src/status/status-store';
import { createDaemonEnv, fleetYaml, type DaemonEnv } from './daemon-env';
import { CHROMIUM, launchBrowser, watchPage, waitForRefresh, text, tabOrder, type PageProblems } from './support/browser';

const DEPLOY = '  deploy: {healthyTimeout: 10m, soak: 2m, keepPrevious: 10m}\n';
// docs/dashboard.png is rewritten when missing or with DROVER_UPDATE_DOCS=1 (the exact pixels vary by a
// few virtual seconds between runs); otherwise the screenshot goes to the temp directory.
const DOCS_SCREENSHOT = path.join(__dirname, '..', 'docs', 'dashboard.png');
const SCREENSHOT = process.env.DROVER_UPDATE_DOCS === '1' || !fs.existsSync(DOCS_SCREENSHOT) ? DOCS_SCREENSHOT : path.join(os.tmpdir(), 'drover-dashboard.png');
const maybe = fs.existsSync(CHROMIUM) ? describe : describe.skip;
if (!fs.existsSync(CHROMIUM)) process.stderr.write(`dashboard browser test skipped: no chromium at ${CHROMIUM}; install it with: apt-get install chromium\n`);

maybe('dashboard in chromium, against a daemon on the simulated account', () => {
  let env: DaemonEnv;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;
  let stopped = false;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    if (env && !stopped) await env.stop();
    env?.cleanup();
  });

  const deployment = () => localStatusNow(env.stateDir, 'shop')?.deployment;
  const fact = (name: string) => text(page, `#deploy-facts [data-fact="${name}"]`);

  it('shows the fleet, follows a blue/green swap step by step with its timeline growing, and goes stale when the daemon stops', async () => {
    env = createDaemonEnv({
      manifests: { 'shop.yaml': fleetYaml({ min: 2, max: 4, extra: DEPLOY }) },
      options: { reconcilerFactory: (ctx) => fleetReconciler(ctx), manifestPollMs: 2_000 },
    });
    await env.daemon.start();
    expect(await env.drive(30 * 60_000, () => localStatusNow(env.stateDir, 'shop')?.phase === 'Ready')).toBe(true);

    page = await browser.newPage();
    problems = watchPage(page);
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(`${env.daemon.http!.url}/?poll=1`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#fleets tbody tr[data-fleet="shop"]');
    const row = await page.$$eval('#fleets tbody tr[data-fleet="shop"] > *', (cells) => cells.map((c) => (c.textContent ?? '').trim()));
    expect(row[0]).toBe('shop');
    expect(row[1]).toBe('Ready');
    expect(row[2]).toBe('2/2');
    expect(row[3]).toBe('blueGreen');
    expect(row[5]).toContain('Ready: True');
    expect(row[6]).toMatch(/^\d+(s|m)/);
    expect(await page.$eval('#status', (s) => s.getAttribute('data-state'))).toBe('fresh');

    // Keyboard: the skip link, then every control, then the fleet's button; each shows a focus ring.
    const order = await tabOrder(page, 5);
    expect(order.map((o) => o.id)).toEqual(['skip', 'refresh', 'pause', 'interval', 'fleet:shop']);
    for (const o of order) expect(o.outline).toMatch(/^solid [2-9]/);
    // Focus stays on the fleet's button across refreshes (the table is redrawn each time).
    await waitForRefresh(page, () => page.keyboard.press('Enter'));
    await waitForRefresh(page);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-fleet'))).toBe('shop');
    // Pause with the keyboard: the button says so and the status too.
    await page.focus('#pause');
    await page.keyboard.press('Space');
    expect(await page.$eval('#pause', (b) => [b.getAttribute('aria-pressed'), b.textContent])).toEqual(['true', 'Resume updates']);
    expect(await text(page, '#status')).toContain('updates paused');
    await waitForRefresh(page, () => page.keyboard.press('Space'));

    // A new AMI in the manifest: the daemon swaps blue/green; the page follows its steps.
    fs.writeFileSync(path.join(env.dir, 'shop.yaml'), fleetYaml({ min: 2, max: 4, extra: DEPLOY }).replace('ami: ami-0a1b2c3d4e5f60001\n    bake', 'ami: ami-0a1b2c3d4e5f60002\n    bake'));
    expect(await env.drive(10 * 60_000, () => deployment()?.kind === 'swap' && deployment()?.phase === 'waitGreenHealthy')).toBe(true);
    await page.waitForFunction(() => document.querySelector('#deploy-facts [data-fact="step"]')?.textContent === 'waitGreenHealthy');
    expect(await fact('result')).toBe('InProgress');
    expect(await fact('kind')).toBe('swap');
    expect(await fact('deployment')).toMatch(/-v002 \(generation 2\)$/);
    expect(await text(page, '#traffic-facts')).toContain('moves traffic all at once');
    const early = Number(await page.$eval('#timeline', (i) => i.getAttribute('data-points')));

    expect(await env.drive(20 * 60_000, () => deployment()?.phase === 'soak')).toBe(true);
    await page.waitForFunction(() => document.querySelector('#deploy-facts [data-fact="step"]')?.textContent === 'soak');
    await waitForRefresh(page, () => page.click('#refresh'));
    const later = Number(await page.$eval('#timeline', (i) => i.getAttribute('data-points')));
    expect(later).toBeGreaterThan(early);
    expect(await fact('green')).toMatch(/^shop-v002: 2 of 2 InService$/);
    await page.waitForFunction(() => {
      const img = document.getElementById('timeline') as HTMLImageElement;
      return img.complete && img.naturalWidth === 800 && img.src.includes('/timeline.svg?deployment=');
    });
    expect(await page.$eval('#timeline', (i) => i.getAttribute('alt'))).toMatch(/^Timeline of swap .* of fleet shop: .* now soak \(InProgress\)\.$/);
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    const png = fs.readFileSync(SCREENSHOT);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(10_000);

    expect(await env.drive(30 * 60_000, () => deployment()?.result === 'Succeeded')).toBe(true);
    await page.waitForFunction(() => document.querySelector('#deploy-facts [data-fact="result"]')?.textContent === 'Succeeded');
    expect(await fact('took')).toMatch(/^\d+m/);
    const events = await page.$$eval('#events tbody tr', (rows) => rows.map((r) => [...r.children].map((c) => (c.textContent ?? '').trim())));
    expect(events.length).toBeGreaterThan(1);
    expect(events.every((e) => e[1] === 'shop')).toBe(true);
    expect(events.map((e) => e[3])).toEqual(expect.arrayContaining(['SwapStarted']));
    expect(problems.all()).toEqual([]);

    // The daemon goes away: the page keeps what it had and says it is stale.
    await env.stop();
    stopped = true;
    await page.waitForFunction(() => document.getElementById('status')?.getAttribute('data-state') === 'stale');
    expect(await text(page, '#status')).toMatch(/^Stale: the last refresh failed \(.+\); showing data as of 2026-/);
    expect(await page.$$eval('#fleets tbody tr', (rows) => rows.length)).toBe(1);
  }, 240_000);
});
