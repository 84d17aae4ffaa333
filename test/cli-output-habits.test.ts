/**
 * kubectl's output habits across the CLI: `-o name` and `-L key` on get, `-o yaml` on plan and
 * apply, an invalid `-o` naming the valid values on every command that prints data, "did you
 * mean" on unknown commands and flags, and instance AGE from the launch time.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { FileStatusStore } from '../src/status/status-store';
import { drover } from './support/cli';
import { degradedFleet, progressingFleet, readyFleet } from './support/status-fixtures';

const TWO_FLEETS = path.resolve(__dirname, '../manifests/examples/two-fleets.yaml');

describe('output habits over recorded status', () => {
  let dir: string;
  const state = () => ['--state-dir', dir];
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-output-habits-'));
    const store = new FileStatusStore(dir);
    for (const f of [readyFleet, progressingFleet, degradedFleet]) await store.save(f);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('get -o name prints kind/NAME per row, for scripts, and honours -l', async () => {
    expect(await drover('get', 'fleets', '-o', 'name', ...state())).toEqual({ code: 0, stderr: '', stdout: 'fleet/magento-b2b\nfleet/magento-marketplace\nfleet/magento-staging\n' });
    expect((await drover('get', 'fleets', '-l', 'team=shop', '-o', 'name', ...state())).stdout).toBe('fleet/magento-marketplace\nfleet/magento-staging\n');
    const instances = (await drover('get', 'instances', 'magento-staging', '-o', 'name', ...state())).stdout.trimEnd().split('\n');
    expect(instances).toEqual(progressingFleet.observed.instances.map((i) => `instance/${i.id}`));
    const deployments = (await drover('get', 'deployments', 'magento-b2b', '-o', 'name', ...state())).stdout;
    expect(deployments).toContain(`deployment/${degradedFleet.deployment!.id}\n`);
  });

  it('get fleets -L adds a column per label key, empty where a fleet lacks it; a bad key is a usage error', async () => {
    const r = await drover('get', 'fleets', '-L', 'tier', '-L', 'team,owner', ...state());
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0].split(/\s{3,}/)).toEqual(['NAME', 'AMI', 'COMMIT', 'READY', 'PHASE', 'STRATEGY', 'AGE', 'TIER', 'TEAM', 'OWNER']);
    const row = (name: string) => lines.find((l) => l.startsWith(name))!;
    expect(row('magento-marketplace')).toMatch(/\s{3}public\s+shop$/);
    expect(row('magento-staging')).toMatch(/\s{3}staging\s{3}shop$/);
    // b2b has no labels: its label cells are empty, so the line ends at AGE.
    expect(row('magento-b2b').trimEnd()).toMatch(/blueGreen\s+\S+$/);
    const bad = await drover('get', 'fleets', '-L', 'team=shop', ...state());
    expect(bad).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('-L: "team=shop" is not a label key') });
  });

  it.each([
    [['get', 'fleets'], 'table, wide, json, yaml, name'],
    [['get', 'instances'], 'table, wide, json, yaml, name'],
    [['describe', 'fleet', 'magento-b2b'], 'table, wide, json, yaml'],
    [['events'], 'table, wide, json, yaml'],
    [['rollout', 'status', 'magento-b2b'], 'table, json, yaml'],
    [['rollout', 'history', 'magento-b2b'], 'table, json, yaml'],
    [['rollout', 'pause', 'magento-staging'], 'table, json, yaml, name'],
    [['rollout', 'undo', 'magento-staging'], 'table, json, yaml, name'],
    [['plan', '-f', TWO_FLEETS], 'table, json, yaml'],
    [['apply', '-f', TWO_FLEETS], 'table, json, yaml'],
    [['validate', TWO_FLEETS], 'table, json, yaml'],
    [['delete', 'fleet', 'magento-b2b', '--yes'], 'table, json, yaml, name'],
  ])('%j -o xml: a usage error listing %s; nothing printed or recorded', async (args, valid) => {
    const before = fs.readdirSync(dir).sort();
    const r = await drover(...args, '-o', 'xml', ...state());
    expect(r).toEqual({ code: 2, stdout: '', stderr: `drover: -o: "xml" is not one of ${valid}\n` });
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });

  it.each([
    [['gett', 'fleets'], "error: unknown command 'gett'\n(Did you mean get?)"],
    [['rollout', 'pauze', 'x'], "error: unknown command 'pauze'\n(Did you mean pause?)"],
    [['get', 'fleets', '--show-label'], "error: unknown option '--show-label'\n(Did you mean --show-labels?)"],
    [['rollout', 'promote', 'x', '--ful'], "error: unknown option '--ful'\n(Did you mean --full?)"],
  ])('%j suggests what was meant (exit 2)', async (args, message) => {
    const r = await drover(...args, ...state());
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith(message)).toBe(true);
  });

  it.each([
    [['get', 'instances', 'magento-stagin']],
    [['get', 'deployments', 'magento-stagin']],
    [['rollout', 'retry', 'magento-stagin']],
    [['rollout', 'promote', 'magento-stagin', '--full', '-o', 'json']],
    [['rollout', 'undo', 'magento-stagin', '--to-revision', '1']],
  ])('%j suggests the fleet meant (exit 1)', async (args) => {
    const r = await drover(...args, ...state());
    expect(r).toEqual({ code: 1, stdout: args.includes('json') ? expect.stringContaining('"items": []') : '', stderr: 'Error: fleet "magento-stagin" not found; did you mean "magento-staging"?\n' });
  });

  it('get instances shows AGE from the launch time', async () => {
    const r = await drover('get', 'instances', 'magento-staging', '--no-headers', ...state());
    const ages = r.stdout.trimEnd().split('\n').map((l) => l.split(/\s{3,}/).pop());
    expect(ages).toHaveLength(progressingFleet.observed.instances.length);
    expect(ages).not.toContain('<unknown>');
  });
});

describe('output habits on the simulated account', () => {
  let dir: string;
  const state = () => ['--sim', '--state-dir', dir];
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-output-habits-sim-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('plan and apply -o yaml print the same objects as -o json', async () => {
    const planJson = await drover('plan', '-f', TWO_FLEETS, '-o', 'json', ...state());
    const planYaml = await drover('plan', '-f', TWO_FLEETS, '-o', 'yaml', ...state());
    expect(planYaml.code).toBe(planJson.code);
    const plans = parseYaml(planYaml.stdout) as Array<{ fleet: string; steps: unknown[]; changes: boolean }>;
    expect(plans).toEqual(JSON.parse(planJson.stdout));
    expect(plans.map((p) => [p.fleet, p.changes, p.steps.length > 0])).toEqual([['storefront', true, true], ['admin', true, true]]);
    const apply = await drover('apply', '-f', TWO_FLEETS, '--wait', '-o', 'yaml', ...state());
    expect(apply.code).toBe(0);
    expect((parseYaml(apply.stdout) as Array<{ fleet: string; ready: boolean }>).map((a) => [a.fleet, a.ready])).toEqual([['storefront', true], ['admin', true]]);
  });

  it('get instances: every instance has an AGE from its launch time, never <unknown>', async () => {
    const r = await drover('get', 'instances', 'storefront', ...state());
    const rows = r.stdout.trimEnd().split('\n');
    expect(rows[0].split(/\s{3,}/).pop()).toBe('AGE');
    expect(rows.length).toBe(4);
    for (const row of rows.slice(1)) expect(row.split(/\s{3,}/).pop()).toMatch(/^\d+(s|m|h|d)/);
    const json = JSON.parse((await drover('get', 'instances', 'storefront', '-o', 'json', ...state())).stdout) as { items: Array<{ launchedAt?: string }> };
    for (const i of json.items) expect(Number.isNaN(Date.parse(i.launchedAt ?? ''))).toBe(false);
  });
});
