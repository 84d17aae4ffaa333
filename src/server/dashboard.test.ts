import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Script } from 'node:vm';
import { FIXTURE_NOW, fixtureList } from '../../test/support/status-fixtures';
import { FileStatusStore } from '../status/status-store';
import { NOW_HEADER, readOnlyRoute, statusNow } from './api-routes';
import { dashboardAsset, DASHBOARD_PATHS } from './dashboard';
import { escapeHtml } from './dashboard/page';
import { startDashboardServer } from './dashboard-server';
import type { RunningHttpServer } from './http-server';

describe('dashboard assets', () => {
  it('serves a page with landmarks, labelled controls and a strict CSP; the poll interval comes from the options', () => {
    const page = dashboardAsset('/', { pollMs: 2000, source: 'state directory /tmp/<x>&"y"' })!;
    expect(page.contentType).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');
    for (const part of ['<html lang="en">', '<main id="main"', '<header', '<footer', 'role="status"', '<label for="interval">', 'class="skip" href="#main"']) {
      expect(page.body).toContain(part);
    }
    expect(page.body).toContain('<meta name="drover-poll-ms" content="2000">');
    expect(page.body).toContain('<option value="2" selected>2 s</option>');
    expect(page.body).toContain('state directory /tmp/&lt;x&gt;&amp;&quot;y&quot;');
    // Every column header is scoped.
    const headers = page.body.match(/<th(?:\s[^>]*)?>/g) ?? [];
    expect(headers.length).toBeGreaterThan(10);
    expect(headers.filter((h) => !h.includes('scope="col"'))).toEqual([]);
    expect(escapeHtml(`<a href='x'>&</a>`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('ships a script that parses and never writes markup from data', () => {
    const js = dashboardAsset(DASHBOARD_PATHS.script)!.body;
    expect(() => new Script(js)).not.toThrow();
    expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    expect(dashboardAsset(DASHBOARD_PATHS.style)!.body).toContain('prefers-reduced-motion: reduce');
    expect(dashboardAsset(DASHBOARD_PATHS.style)!.body).toContain('prefers-color-scheme: dark');
    expect(dashboardAsset('/nope')).toBeUndefined();
  });
});

describe('read-only routes over a state directory', () => {
  let dir: string;
  let store: FileStatusStore;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-dash-'));
    store = new FileStatusStore(dir);
    for (const f of fixtureList().items) await store.save(f);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const opts = () => ({ statusStore: store, now: () => FIXTURE_NOW });

  it('answers the fleet list and one fleet with the server clock in X-Drover-Now', async () => {
    const list = (await readOnlyRoute(opts(), '/api/v1/fleets'))!;
    expect(list.status).toBe(200);
    expect((list.body as { items: Array<{ name: string }> }).items.map((f) => f.name)).toEqual(['magento-b2b', 'magento-marketplace', 'magento-staging']);
    expect(list.headers?.[NOW_HEADER]).toBe(FIXTURE_NOW.toISOString());
    expect(await readOnlyRoute(opts(), '/api/v1/fleets/magento-b2b')).toMatchObject({ status: 200, body: { name: 'magento-b2b', phase: 'Degraded' } });
    expect(await readOnlyRoute(opts(), '/api/v1/fleets/Bad%20Name')).toMatchObject({ status: 404, body: { error: 'fleet "Bad Name" not found' } });
    expect(await readOnlyRoute(opts(), '/api/v1/fleets/%E0%A4%A')).toMatchObject({ status: 404 });
    expect(await readOnlyRoute(opts(), '/api/v1/nothing')).toBeUndefined();
    expect(await readOnlyRoute(opts(), '/metrics')).toBeUndefined();
  });

  it('draws the current deployment, or one from history, as SVG; 404 names what is missing', async () => {
    const svg = (await readOnlyRoute(opts(), '/api/v1/fleets/magento-staging/timeline.svg'))!;
    expect(svg.contentType).toBe('image/svg+xml; charset=utf-8');
    expect(svg.body).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.body).toContain('magento-staging generation 4: swap InProgress');
    const older = (await readOnlyRoute(opts(), '/api/v1/fleets/magento-b2b/timeline.svg?deployment=magento-b2b-swap-5'))!;
    expect(older.body).toContain('generation 5: swap Succeeded');
    expect(await readOnlyRoute(opts(), '/api/v1/fleets/magento-b2b/timeline.svg?deployment=x')).toMatchObject({ status: 404, body: { error: 'fleet "magento-b2b" has no deployment "x"' } });
    const bare = { ...fixtureList().items[0], name: 'fresh', deployment: undefined, history: [] };
    await store.save(bare);
    expect(await readOnlyRoute(opts(), '/api/v1/fleets/fresh/timeline.svg')).toMatchObject({ status: 404, body: { error: 'fleet "fresh" has no deployment yet' } });
  });

  it('lists every fleet\'s events oldest first', async () => {
    const events = (await readOnlyRoute(opts(), '/api/v1/events'))!.body as { kind: string; items: Array<{ at: string }> };
    expect(events.kind).toBe('EventList');
    const times = events.items.map((e) => Date.parse(e.at));
    expect(times.length).toBe(fixtureList().items.reduce((n, f) => n + f.events.length, 0));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('measures time to the newest status write when no clock is given and it runs ahead of real time', () => {
    const ahead = new Date(Date.now() + 86_400_000).toISOString();
    expect(statusNow([{ ...fixtureList().items[0], updatedAt: ahead }]).toISOString()).toBe(ahead);
    expect(statusNow([], 5).getTime()).toBe(5);
  });

  describe('over HTTP', () => {
    let server: RunningHttpServer;
    beforeEach(async () => {
      server = await startDashboardServer({ host: '127.0.0.1', port: 0, statusStore: store });
    });
    afterEach(() => server.close());

    it('serves the page, the API and /healthz, refuses writes, and answers HEAD without a body', async () => {
      const page = await fetch(`${server.url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(await page.text()).toContain('<title>drover dashboard</title>');
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      const api = await fetch(`${server.url}/api/v1/fleets`);
      expect(Date.parse(api.headers.get(NOW_HEADER)!)).toBeGreaterThan(0);
      expect(((await api.json()) as { items: unknown[] }).items).toHaveLength(3);
      const post = await fetch(`${server.url}/api/v1/fleets`, { method: 'POST', body: '{}' });
      expect(post.status).toBe(405);
      expect(((await post.json()) as { error: string }).error).toContain('read-only');
      const head = await fetch(`${server.url}/`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
      expect((await fetch(`${server.url}/api/v1/manifests`)).status).toBe(404);
    });
  });
});
