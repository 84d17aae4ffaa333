/**
 * Rollout controls take `-l` like kubectl: every fleet whose labels match is acted on, none
 * matching is an error (exit 1), and `-o json|yaml|name` prints what was recorded. Over recorded
 * status (no AWS): marketplace (team=shop,tier=public, Ready), staging (team=shop,tier=staging,
 * a swap in progress), b2b (no labels, its last swap rolled back).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { controlsOf } from '../src/controllers/fleet/controls';
import { localMemoryNow } from '../src/controllers/fleet/fleet-memory';
import { SimAccount } from '../src/sim';
import { FileStatusStore } from '../src/status/status-store';
import { drover } from './support/cli';
import { AMI, degradedFleet, progressingFleet, readyFleet } from './support/status-fixtures';

interface ControlList {
  kind: string;
  items: Array<{ fleet: string; control: string; recorded: boolean; id: string; deployment?: string; args: { ami?: string } }>;
}

describe('rollout controls with -l and -o, against recorded status', () => {
  let dir: string;
  const state = () => ['--state-dir', dir];
  const facts = (fleet: string) => controlsOf(localMemoryNow(dir, fleet)).map((f) => [f.kind, f.deployment]);

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-control-selectors-'));
    const store = new FileStatusStore(dir);
    for (const f of [readyFleet, progressingFleet, degradedFleet]) await store.save(f);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('pause -l acts on every matching fleet; one with nothing to pause exits 1 but the others are recorded', async () => {
    const r = await drover('rollout', 'pause', '-l', 'team=shop', ...state());
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^magento-staging: rollout pause of magento-staging-swap-4 by \S+ recorded \(pause-[0-9a-f]{10}\)/);
    expect(r.stderr).toBe('Error: magento-marketplace: nothing to pause: magento-marketplace has no deployment in progress\n');
    expect(facts('magento-staging')).toEqual([['pause', 'magento-staging-swap-4']]);
    expect(facts('magento-marketplace')).toEqual([]);
    expect(facts('magento-b2b')).toEqual([]);
    const events = JSON.parse((await drover('events', 'magento-staging', '-o', 'json', ...state())).stdout) as { items: Array<{ reason: string }> };
    expect(events.items.map((e) => e.reason)).toContain('RolloutPauseRequested');

    // Asked again, with -o: nothing new; json says so, name lists the fleet acted on.
    const json = await drover('rollout', 'pause', '-l', 'tier=staging', '-o', 'json', ...state());
    expect(json.code).toBe(0);
    const list = JSON.parse(json.stdout) as ControlList;
    expect(list.kind).toBe('RolloutControlList');
    expect(list.items).toEqual([expect.objectContaining({ fleet: 'magento-staging', control: 'pause', recorded: false, deployment: 'magento-staging-swap-4' })]);
    const name = await drover('rollout', 'pause', '-l', 'tier=staging', '-o', 'name', ...state());
    expect(name).toEqual({ code: 0, stdout: 'fleet/magento-staging\n', stderr: '' });
    expect(facts('magento-staging')).toHaveLength(1);
  });

  it('retry -l !team records the rolled-back image of the unlabelled fleet, as yaml', async () => {
    const r = await drover('rollout', 'retry', '-l', '!team', '-o', 'yaml', ...state());
    expect(r.code).toBe(0);
    const list = parseYaml(r.stdout) as ControlList;
    expect(list.items).toEqual([expect.objectContaining({ fleet: 'magento-b2b', control: 'retry', recorded: true, deployment: 'magento-b2b-swap-6', args: { ami: AMI.r3 } })]);
    expect(facts('magento-b2b')).toEqual([['retry', 'magento-b2b-swap-6']]);
  });

  it('undo -l: a fleet with no swap in progress says how to go back; --wait with -l is a usage error', async () => {
    const r = await drover('rollout', 'undo', '-l', '!team', ...state());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: magento-b2b: fleet "magento-b2b" has no swap in progress to undo \(the last one, magento-b2b-swap-6, ended RolledBack\)\. To go back .*--to-revision N/);
    const undo = await drover('rollout', 'undo', '-l', 'tier=public', '--to-revision', '1', '-o', 'json', ...state());
    expect(undo.code).toBe(0);
    expect((JSON.parse(undo.stdout) as ControlList).items).toEqual([expect.objectContaining({ fleet: 'magento-marketplace', control: 'undo', args: { toRevision: 1, ami: AMI.base } })]);
    expect((await drover('rollout', 'undo', '-l', 'team=shop', '--wait', ...state())).code).toBe(2);
  });

  it.each([
    ['pause', 'magento-staging', [], []],
    ['resume', 'magento-staging', [], [['pause']]],
    ['promote', 'magento-staging', ['--full'], []],
    ['abort', 'magento-staging', [], []],
    ['undo', 'magento-staging', [], []],
    ['retry', 'magento-b2b', [], []],
    ['undo', 'magento-marketplace', ['--to-revision', '1'], []],
  ])('%s %s %j twice: the second says so (exit 0) and records nothing new', async (control, fleet, extra, before) => {
    for (const [first] of before) expect((await drover('rollout', first, fleet, ...state())).code).toBe(0);
    if (control === 'undo' && !extra.length) {
      // Plain undo acts on a swap in progress: its snapshot is what says one runs.
      const { localSnapshotStore } = await import('../src/deploy/record-snapshot-store');
      const at = progressingFleet.deployment!.startedAt;
      await localSnapshotStore(dir, Date.now).save(fleet, { fleet, kind: 'swap', id: progressingFleet.deployment!.id, startedAt: at, updatedAt: at, snapshot: {} });
    }
    const once = await drover('rollout', control, fleet, ...extra, ...state());
    expect(once).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^rollout ${control}.* recorded \\(${control}-`)) });
    const twice = await drover('rollout', control, fleet, ...extra, ...state());
    expect(twice).toMatchObject({ code: 0, stdout: expect.stringMatching(/was already requested at .*not applied yet\); nothing new recorded/) });
    expect(facts(fleet).map(([kind]) => kind)).toEqual([...before.map(([k]) => k), control]);
  });

  it('no fleet matching is an error naming the labels there are; nothing is recorded', async () => {
    const r = await drover('rollout', 'abort', '-l', 'team=blog', ...state());
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("Error: no fleet's labels match -l team=blog (the 3 fleets' labels: <none>; team=shop,tier=public; team=shop,tier=staging)\n");
    for (const f of ['magento-marketplace', 'magento-staging', 'magento-b2b']) expect(facts(f)).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'inbox'))).toBe(false);
    // rollout status and history too: a script waiting on `rollout status -l` must not take a typo for success.
    for (const sub of ['status', 'history']) {
      for (const output of ['table', 'json']) {
        expect(await drover('rollout', sub, '-l', 'team=blog', '-o', output, ...state())).toEqual({ code: 1, stdout: '', stderr: r.stderr });
      }
    }
  });

  it.each([
    [['rollout', 'pause'], /rollout pause: name a fleet, or select fleets with -l/],
    [['rollout', 'resume', 'magento-staging', '-l', 'team=shop'], /cannot be used together/],
    [['rollout', 'promote', '-l', 'team=shop,'], /-l: invalid label selector term "": empty term/],
    [['rollout', 'abort', 'magento-staging', '-o', 'xml'], /-o: "xml" is not one of table, json, yaml, name/],
    [['rollout', 'undo', '-l', 'a b'], /-l: invalid label selector term "a b"/],
  ])('%j is a usage error (exit 2) that records nothing', async (args, message) => {
    const r = await drover(...args, ...state());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(facts('magento-staging')).toEqual([]);
  });
});

describe('rollout controls with -l on the simulated account, against the state alone', () => {
  const TWO_FLEETS = path.resolve(__dirname, '../manifests/examples/two-fleets.yaml');
  let dir: string;
  const state = () => ['--sim', '--state-dir', dir];
  const live = () => SimAccount.load(path.join(dir, 'sim', 'account.json')).groups().filter((g) => !g.deleting).map((g) => g.name).sort();
  const deployment = async (fleet: string) => JSON.parse((await drover('describe', 'fleet', fleet, '-o', 'json', ...state())).stdout).deployment;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-control-selectors-sim-'));
    expect((await drover('apply', '-f', TWO_FLEETS, '--wait', '--fresh', ...state())).code).toBe(0);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('pause -l team=shop holds the blue/green fleet before cut-over and the rolling one between batches; resume -l lets each finish', async () => {
    const r3 = path.join(dir, 'r3.yaml');
    fs.writeFileSync(r3, fs.readFileSync(TWO_FLEETS, 'utf8').replace(/ami: ami-0a1b2c3d4e5f60002/g, `ami: ${AMI.r3}`));
    expect((await drover('apply', '-f', r3, ...state())).code).toBe(0);
    expect(await deployment('storefront')).toMatchObject({ kind: 'swap', result: 'InProgress' });
    expect(await deployment('admin')).toMatchObject({ kind: 'rolling', result: 'InProgress' });

    const pause = await drover('rollout', 'pause', '-l', 'team=shop', '-o', 'name', ...state());
    expect(pause).toEqual({ code: 0, stdout: 'fleet/admin\nfleet/storefront\n', stderr: '' });

    const held = await drover('apply', '-f', r3, '--wait', ...state());
    expect(held.code).toBe(0);
    expect(held.stdout).toMatch(/storefront.*paused before cut-over/s);
    expect(held.stdout).toMatch(/admin.*paused between batches/s);
    expect(await deployment('storefront')).toMatchObject({ phase: 'paused', result: 'InProgress' });
    expect(await deployment('admin')).toMatchObject({ kind: 'rolling', phase: 'paused', result: 'InProgress' });
    expect(live()).toEqual(['admin-v001', 'storefront-v001', 'storefront-v002']);

    const resume = await drover('rollout', 'resume', '-l', 'team=shop,tier!=internal', '-o', 'json', ...state());
    expect(resume.code).toBe(0);
    expect((JSON.parse(resume.stdout) as ControlList).items).toEqual([expect.objectContaining({ fleet: 'storefront', control: 'resume', recorded: true })]);
    expect((await drover('apply', '-f', r3, '--wait', ...state())).code).toBe(0);
    expect(await deployment('storefront')).toMatchObject({ kind: 'swap', result: 'Succeeded', toAmi: AMI.r3 });
    expect(await deployment('admin')).toMatchObject({ kind: 'rolling', phase: 'paused' });
    expect(live()).toEqual(['admin-v001', 'storefront-v002']);

    expect((await drover('rollout', 'resume', '-l', 'tier=internal', ...state())).code).toBe(0);
    expect((await drover('apply', '-f', r3, '--wait', ...state())).code).toBe(0);
    expect(await deployment('admin')).toMatchObject({ kind: 'rolling', result: 'Succeeded', toAmi: AMI.r3 });
    const events = (await drover('events', '-l', 'team=shop', '-o', 'json', ...state())).stdout;
    for (const fleet of ['admin', 'storefront']) {
      const reasons = (JSON.parse(events) as { items: Array<{ fleet: string; reason: string }> }).items.filter((e) => e.fleet === fleet).map((e) => e.reason);
      expect(reasons).toEqual(expect.arrayContaining(['RolloutPauseApplied', 'RolloutResumeApplied']));
    }
  });
});
