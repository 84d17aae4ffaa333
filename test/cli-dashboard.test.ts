/**
 * `drover dashboard --state DIR` as a real process: it serves the page and the read-only
 * /api/v1 from the state directory alone, with no daemon, while another drover holds the
 * state directory's lock (it never takes it and writes nothing), and stops cleanly on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { savedSimNow } from '../src/main/cmd-dashboard';
import { SimAccount } from '../src/sim';
import { FileStatusStore } from '../src/status/status-store';
import { VirtualClock } from '../src/util/clock';
import { droverProcess, ensureBuilt, ROOT } from './support/cli-process';
import { fixtureList } from './support/status-fixtures';

function files(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort().map((f) => `${f}:${fs.statSync(path.join(dir, f)).mtimeMs}`);
}

/** Start `drover dashboard ARGS`; resolves with the URL it printed. */
function startDashboard(args: string[]): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/drover.js'), 'dashboard', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d) => {
      err += String(d);
      const m = /dashboard on (http:\/\/\S+?)\/ /.exec(err);
      if (m) resolve({ child, url: m[1], stderr: () => err });
    });
    child.on('exit', (code) => reject(new Error(`drover dashboard exited ${code}: ${err}`)));
  });
}

describe('drover dashboard (a process, no daemon)', () => {
  jest.setTimeout(120_000);
  let stateDir: string;
  beforeAll(() => ensureBuilt());
  beforeEach(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-dash-cli-'));
    const store = new FileStatusStore(stateDir);
    for (const f of fixtureList().items) await store.save(f);
  });
  afterEach(() => fs.rmSync(stateDir, { recursive: true, force: true }));

  it('serves the page and /api/v1 from the state directory while another drover holds its lock, writing nothing', async () => {
    // A live holder on this host (this test's own pid): every writer would be refused.
    const lock = path.join(stateDir, 'lock');
    fs.writeFileSync(lock, `${JSON.stringify({ pid: process.pid, command: 'drover daemon', hostname: os.hostname(), startedAt: new Date().toISOString() })}\n`);
    const before = files(stateDir);
    const lockText = fs.readFileSync(lock, 'utf8');
    const { child, url, stderr } = await startDashboard(['--state', stateDir, '--listen', '127.0.0.1:0', '--poll', '2s']);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      expect(stderr()).toContain(`(read-only, state directory ${stateDir})`);
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('<meta name="drover-poll-ms" content="2000">');
      expect(html).toContain(`Read-only view of state directory ${stateDir}`);
      const script = await fetch(`${url}/dashboard/app.js`);
      expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      const list = (await (await fetch(`${url}/api/v1/fleets`)).json()) as { kind: string; items: Array<{ name: string; phase: string }> };
      expect(list.kind).toBe('FleetStatus');
      expect(list.items.map((f) => `${f.name}:${f.phase}`)).toEqual(['magento-b2b:Degraded', 'magento-marketplace:Ready', 'magento-staging:Progressing']);
      const svg = await fetch(`${url}/api/v1/fleets/magento-staging/timeline.svg`);
      expect(svg.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
      expect(await svg.text()).toContain('swap InProgress');
      const events = (await (await fetch(`${url}/api/v1/events`)).json()) as { kind: string; items: unknown[] };
      expect(events).toMatchObject({ kind: 'EventList' });
      expect(events.items.length).toBeGreaterThan(5);
      expect((await fetch(`${url}/api/v1/fleets`, { method: 'DELETE' })).status).toBe(405);
      expect((await fetch(`${url}/metrics`)).status).toBe(404);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(fs.readFileSync(lock, 'utf8')).toBe(lockText);
    expect(files(stateDir)).toEqual(before);
  });

  it('with --sim measures ages on the simulated account\'s saved clock', async () => {
    const at = Date.UTC(2026, 10, 26, 9, 42, 7);
    const file = path.join(stateDir, 'sim', 'account.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(new SimAccount({ clock: new VirtualClock(at), seed: 1 }).toJSON()));
    expect(savedSimNow(file)?.getTime()).toBe(at);
    expect(savedSimNow(path.join(stateDir, 'none.json'))).toBeUndefined();
    const { child, url } = await startDashboard(['--sim', '--state', stateDir, '--listen', '127.0.0.1:0']);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const res = await fetch(`${url}/api/v1/fleets`);
      expect(res.headers.get('x-drover-now')).toBe(new Date(at).toISOString());
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('teaches with --help, and refuses a missing state directory or a bad --listen in one line', async () => {
    const help = await droverProcess(['dashboard', '--help']);
    expect(help.code).toBe(0);
    for (const part of ['--state <dir-or-url>', '--listen <addr>', '--poll <duration>', 'never takes the state directory', 'Examples:', '/api/v1/events']) {
      expect(help.stdout).toContain(part);
    }
    const missing = await droverProcess(['dashboard', '--state', path.join(stateDir, 'nope'), '--listen', '127.0.0.1:0']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`drover: state directory ${path.join(stateDir, 'nope')} does not exist; pass --state DIR, the directory a daemon or apply writes (its status/ holds the fleets)\n`);
    const listen = await droverProcess(['dashboard', '--state', stateDir, '--listen', 'everywhere']);
    expect(listen.code).toBe(2);
    expect(listen.stderr).toBe('drover: --listen: "everywhere" is not host:port (e.g. 127.0.0.1:8080)\n');
  });
});
