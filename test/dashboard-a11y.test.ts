/**
 * The dashboard in chromium over fixed statuses (`drover dashboard`'s server, no daemon):
 * hostile text stays text, the canary slot shows weight and analysis when a deployment reports
 * them, a fleet is picked with the keyboard, and the page is accessible in light and dark
 * schemes (landmarks, captions, scoped headers, labels, contrast ≥ 4.5:1, reduced motion).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import type { FleetStatus } from '../src/model/fleet-status';
import { startDashboardServer } from '../src/server/dashboard-server';
import type { RunningHttpServer } from '../src/server/http-server';
import { FileStatusStore } from '../src/status/status-store';
import { CHROMIUM, launchBrowser, text, textContrasts, waitForRefresh, watchPage, type PageProblems } from './support/browser';
import { FIXTURE_NOW, fixtureList } from './support/status-fixtures';

const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
const maybe = fs.existsSync(CHROMIUM) ? describe : describe.skip;

function statuses(): FleetStatus[] {
  const items = fixtureList().items;
  const staging = items.find((f) => f.name === 'magento-staging')!;
  // What the canary wave will add to a deployment; the page's slot shows it as soon as it is there.
  Object.assign(staging.deployment!, {
    weight: 10,
    analysis: [{ name: '5xx rate', verdict: 'Passed', value: '0.2 %', threshold: '≤ 2 × blue + 0.5 %', message: HOSTILE }],
  });
  const b2b = items.find((f) => f.name === 'magento-b2b')!;
  b2b.events.push({ at: FIXTURE_NOW.toISOString(), type: 'Warning', reason: 'Hostile', message: HOSTILE, fleet: 'magento-b2b' });
  return items;
}

maybe('dashboard in chromium: escaping, the canary slot, keyboard and accessibility', () => {
  let dir: string;
  let server: RunningHttpServer;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-dash-a11y-'));
    const store = new FileStatusStore(dir);
    for (const s of statuses()) await store.save(s);
    server = await startDashboardServer({ host: '127.0.0.1', port: 0, statusStore: store, now: () => FIXTURE_NOW, page: { pollMs: 60_000, source: 'fixtures' } });
    browser = await launchBrowser();
    page = await browser.newPage();
    problems = watchPage(page);
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(`${server.url}/`, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => document.getElementById('status')?.getAttribute('data-state') === 'fresh');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows hostile text as text and runs none of it', async () => {
    const messages = await page.$$eval('#events tbody tr td:last-child', (cells) => cells.map((c) => c.textContent));
    expect(messages[0]).toBe(HOSTILE);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.$$('img[src="x"], #events script')).toHaveLength(0);
  });

  it('follows the running deployment and fills the canary slot with its weight and analysis', async () => {
    expect(await text(page, '#deploy-facts [data-fact="fleet"]')).toBe('magento-staging');
    expect(await text(page, '#deploy-facts [data-fact="step"]')).toBe('waitGreenHealthy');
    expect(await text(page, '#traffic-facts [data-fact="weight"]')).toBe('10 % of traffic to green, 90 % to blue');
    const analysis = await page.$$eval('#analysis tbody tr > *', (cells) => cells.map((c) => (c.textContent ?? '').trim()));
    expect(analysis).toEqual(['5xx rate', 'Passed', '0.2 %', '≤ 2 × blue + 0.5 %', HOSTILE]);
    expect(await page.$eval('#analysis', (t) => (t as HTMLElement).hidden)).toBe(false);
  });

  it('picks another fleet with the keyboard and keeps it across refreshes', async () => {
    await page.focus('#fleets button[data-fleet="magento-b2b"]');
    await page.keyboard.press('Enter');
    expect(await text(page, '#deploy-facts [data-fact="fleet"]')).toBe('magento-b2b');
    expect(await text(page, '#deploy-facts [data-fact="result"]')).toBe('RolledBack');
    expect(await text(page, '#deploy-facts [data-fact="reason"]')).toMatch(/^GreenHealthTimeout: green magento-b2b-v006 had 2 of 4/);
    expect(await page.$eval('#fleets button[data-fleet="magento-b2b"]', (b) => b.getAttribute('aria-pressed'))).toBe('true');
    await waitForRefresh(page, () => page.click('#refresh'));
    expect(await text(page, '#deploy-facts [data-fact="fleet"]')).toBe('magento-b2b');
    expect(await page.$eval('#timeline', (i) => i.getAttribute('alt'))).toContain('rolledBack (RolledBack)');
    // Ages are measured against the server's clock, not the browser's.
    const ages = await page.$$eval('#fleets tbody tr > td:last-child', (cells) => cells.map((c) => c.textContent));
    expect(ages).toEqual(['4d15h', '2d3h', '126m']);
  });

  it('has landmarks, captions, scoped headers and labelled controls', async () => {
    const audit = await page.evaluate(() => ({
      banner: document.querySelectorAll('body > header').length,
      main: document.querySelectorAll('main').length,
      contentinfo: document.querySelectorAll('body > footer').length,
      h1: document.querySelectorAll('h1').length,
      tablesWithoutCaption: [...document.querySelectorAll('table')].filter((t) => !t.caption?.textContent?.trim()).length,
      unscopedHeaders: [...document.querySelectorAll('th')].filter((th) => !['col', 'row'].includes(th.getAttribute('scope') ?? '')).length,
      unlabelledControls: [...document.querySelectorAll('select, input')].filter((c) => !(c as HTMLSelectElement).labels?.length).length,
      imagesWithoutAlt: [...document.querySelectorAll('img')].filter((i) => !i.closest('[hidden]') && !i.getAttribute('alt')).length,
      live: document.getElementById('status')?.getAttribute('aria-live'),
    }));
    expect(audit).toEqual({ banner: 1, main: 1, contentinfo: 1, h1: 1, tablesWithoutCaption: 0, unscopedHeaders: 0, unlabelledControls: 0, imagesWithoutAlt: 0, live: 'polite' });
  });

  it.each(['light', 'dark'])('keeps every text at 4.5:1 or more in the %s scheme', async (scheme) => {
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
    // The status line's colours ease over 0.3 s: measure where they land.
    await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
    const contrasts = await textContrasts(page);
    expect(contrasts.length).toBeGreaterThan(50);
    expect(contrasts.filter((c) => c.ratio < 4.5)).toEqual([]);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe(scheme === 'dark' ? 'rgb(17, 24, 39)' : 'rgb(255, 255, 255)');
  });

  it('drops transitions when the user asks for reduced motion', async () => {
    await page.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: 'no-preference' }]);
    expect(await page.$eval('#status', (s) => getComputedStyle(s).transitionDuration)).toBe('0.3s');
    await page.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: 'reduce' }]);
    expect(await page.$eval('#status', (s) => getComputedStyle(s).transitionDuration)).toBe('0s');
  });

  it('says the data is stale when no fleet status was written for ten minutes', async () => {
    expect(await page.$eval('#status', (s) => s.getAttribute('data-state'))).toBe('fresh');
    const store = new FileStatusStore(dir);
    for (const s of statuses()) await store.save({ ...s, updatedAt: new Date(FIXTURE_NOW.getTime() - 3 * 3600_000).toISOString() });
    await waitForRefresh(page, () => page.click('#refresh'));
    expect(await page.$eval('#status', (s) => s.getAttribute('data-state'))).toBe('stale');
    expect(await text(page, '#status')).toBe('Stale: the newest fleet status was written 3h ago (is a daemon running?); showing data as of 2026-01-03 12:00:00 UTC.');
  });

  it('logged no console error, page error or failed request', () => {
    expect(problems.all()).toEqual([]);
  });
});
