/**
 * The read commands end to end, in-process: apply the example fleet in the simulated account,
 * then read its status back the way a user would.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../src/main/cli';
import { drover } from './support/cli';
import type { FleetStatus, FleetStatusList } from '../src/model/fleet-status';

const EXAMPLE = path.resolve(__dirname, '../manifests/examples/magento-marketplace.yaml');

describe('drover get/describe/events over a state directory', () => {
  let dir: string;
  const state = () => ['--state-dir', dir];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-cli-status-'));
    const applied = await drover('apply', '-f', EXAMPLE, '--sim', '--wait', '--fresh', ...state());
    expect(applied.code).toBe(0);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('get fleets -o json prints a FleetStatusList with the fleet Ready 2/2', async () => {
    const r = await drover('get', 'fleets', '-o', 'json', ...state());
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as FleetStatusList;
    expect(list.apiVersion).toBe('drover.dev/v1alpha1');
    expect(list.kind).toBe('FleetStatus');
    expect(list.items.map((f) => [f.name, f.phase, f.ready])).toEqual([['magento-marketplace', 'Ready', { inService: 2, desired: 2 }]]);
    const fleet = list.items[0];
    expect(fleet.observed.instances).toHaveLength(2);
    expect(fleet.observed.instances.every((i) => i.elbHealth === 'InService' && i.color === 'active')).toBe(true);
    expect(fleet.events.map((e) => e.reason)).toEqual(expect.arrayContaining(['CreateLoadBalancer', 'CreateAutoScalingGroup', 'Ready']));
  });

  it('get fleets prints a table, without colour under NO_COLOR', async () => {
    const env = { NO_COLOR: process.env.NO_COLOR, FORCE_COLOR: process.env.FORCE_COLOR };
    process.env.NO_COLOR = '1';
    process.env.FORCE_COLOR = '1';
    const r = await drover('get', 'fleets', ...state());
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    expect(r.code).toBe(0);
    const [header, row] = r.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^NAME\s+AMI\s+COMMIT\s+READY\s+PHASE/);
    expect(row).toMatch(/^magento-marketplace\s+ami-0a1b2c3d4e5f60001\s+<none>\s+2\/2\s+Ready\s+blueGreen/);
    expect(r.stdout).not.toContain('\x1b[');
    const bare = await drover('get', 'fleets', '--no-headers', ...state());
    expect(bare.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(bare.stdout.split(/\s+/).slice(0, 6)).toEqual(row.split(/\s+/).slice(0, 6));
  });

  it('describe fleet shows conditions and events', async () => {
    const r = await drover('describe', 'fleet', 'magento-marketplace', ...state());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Name:\s+magento-marketplace$/m);
    expect(r.stdout).toMatch(/^Conditions:\n\s+TYPE\s+STATUS\s+REASON/m);
    expect(r.stdout).toMatch(/^\s+Ready\s+True\s+Ready\s/m);
    expect(r.stdout).toMatch(/^Events:\n/m);
    expect(r.stdout).toMatch(/Normal\s+CreateLoadBalancer\s+loadBalancer\/magento-marketplace/);
    const json = JSON.parse((await drover('describe', 'fleet', 'magento-marketplace', '-o', 'json', ...state())).stdout) as FleetStatus;
    expect(json.name).toBe('magento-marketplace');
  });

  it('get instances and events list what the fleet has', async () => {
    const inst = await drover('get', 'instances', 'magento-marketplace', '-o', 'wide', ...state());
    expect(inst.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/).slice(4, 7))).toEqual([
      ['running', 'InService', 'InService'],
      ['running', 'InService', 'InService'],
    ]);
    // AGE from EC2's LaunchTime, as kubectl prints it (the simulated clock runs ahead of the wall clock).
    for (const line of inst.stdout.trimEnd().split('\n').slice(1)) expect(line.split(/\s+/)[7]).toMatch(/^\d+(s|m|h|d)(\d+(s|m|h))?$/);
    const json = JSON.parse((await drover('get', 'instances', 'magento-marketplace', '-o', 'json', ...state())).stdout) as { items: Array<{ launchedAt?: string }> };
    expect(json.items.every((i) => i.launchedAt !== undefined && !Number.isNaN(Date.parse(i.launchedAt)))).toBe(true);
    const events = await drover('events', 'magento-marketplace', '-o', 'yaml', ...state());
    expect(events.stdout).toMatch(/^kind: EventList$/m);
    expect(events.stdout).toMatch(/reason: Ready$/m);
  });

  it('falls back to the state directory with one notice when the daemon is unreachable', async () => {
    const r = await drover('get', 'fleets', '--server', 'http://127.0.0.1:1', ...state());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^magento-marketplace\s/m);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^drover: daemon at http://127\\.0\\.0\\.1:1 is not reachable \\(connect ECONNREFUSED\\); showing status from ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(last written \\d+s ago\\)$`),
    );
  });

  it('--live observes the simulated account now', async () => {
    const r = await drover('get', 'fleets', 'magento-marketplace', '--live', '--sim', '-o', 'json', ...state());
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as FleetStatusList).items[0]).toMatchObject({ phase: 'Ready', ready: { inService: 2, desired: 2 } });
  });

  it('exits 1 for a fleet that does not exist and 2 for a bad -o', async () => {
    const missing = await drover('describe', 'fleet', 'nope', ...state());
    expect(missing).toMatchObject({ code: 1, stdout: '', stderr: 'Error: fleet "nope" not found\n' });
    expect((await drover('get', 'instances', 'nope', ...state())).code).toBe(1);
    const bad = await drover('get', 'fleets', '-o', 'xml', ...state());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('-o: "xml" is not one of table, wide, json, yaml');
  });

  it('plan writes status for a fleet not built yet, without recording any step as applied', async () => {
    const planDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-cli-plan-'));
    try {
      const planned = await drover('plan', '-f', EXAMPLE, '--sim', '--state-dir', planDir);
      expect(planned.code).toBe(0);
      expect(planned.stdout).toContain('createLoadBalancer');
      const list = JSON.parse((await drover('get', 'fleets', '-o', 'json', '--state-dir', planDir)).stdout) as FleetStatusList;
      expect(list.items[0]).toMatchObject({ name: 'magento-marketplace', phase: 'Progressing', ready: { inService: 0, desired: 2 }, events: [] });
      expect(list.items[0].conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'Converging' });
    } finally {
      fs.rmSync(planDir, { recursive: true, force: true });
    }
  });

  it('--watch draws a frame and exits 0 on Ctrl-C', async () => {
    let stdout = '';
    const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
    process.exitCode = undefined;
    try {
      const running = main(['node', 'drover', 'get', 'fleets', '--watch', '--interval', '1s', ...state()]);
      while (!stdout.includes('magento-marketplace')) await new Promise((r) => setImmediate(r));
      process.emit('SIGINT');
      await running;
    } finally {
      out.mockRestore();
    }
    expect(process.exitCode).toBe(0);
    expect(stdout.match(/^NAME\s/gm)).toHaveLength(1);
    process.exitCode = undefined;
  });

  it('completion bash names every top-level command', async () => {
    const r = await drover('completion', 'bash');
    expect(r.code).toBe(0);
    for (const cmd of ['validate', 'plan', 'apply', 'sim', 'get', 'describe', 'events', 'completion']) {
      expect(r.stdout).toMatch(new RegExp(`"" \\) echo "[^"]*\\b${cmd}\\b`.replace(' \\)', '\\)')));
    }
    expect((await drover('completion', 'tcsh')).code).toBe(2);
  });
});
