/**
 * kubectl habits end to end, in-process: `-l` label selectors, `--show-labels`, `-o` on rollout
 * and validate, and "did you mean" on misspelt fleet names.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { FleetStatusList } from '../src/model/fleet-status';
import { degradedFleet, progressingFleet, readyFleet } from './support/status-fixtures';
import { FileStatusStore } from '../src/status/status-store';
import { drover } from './support/cli';

const EXAMPLES = path.resolve(__dirname, '../manifests/examples');
const TWO_FLEETS = path.join(EXAMPLES, 'two-fleets.yaml');

/** Three recorded fleets: marketplace (team=shop,tier=public), staging (team=shop,tier=staging), b2b (no labels). */
describe('kubectl habits over recorded status', () => {
  let dir: string;
  const state = () => ['--state-dir', dir];
  const names = (stdout: string) => stdout.trimEnd().split('\n').map((l) => l.split(/\s+/)[0]);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-habits-'));
    const store = new FileStatusStore(dir);
    for (const f of [readyFleet, progressingFleet, degradedFleet]) await store.save(f);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['tier=public', ['magento-marketplace']],
    ['team=shop', ['magento-marketplace', 'magento-staging']],
    ['team==shop,tier!=public', ['magento-staging']],
    ['!team', ['magento-b2b']],
    ['tier', ['magento-marketplace', 'magento-staging']],
    ['team=blog', ['No']],
  ])('get fleets -l %s', async (selector, expected) => {
    const r = await drover('get', 'fleets', '-l', selector, '--no-headers', ...state());
    expect(r.code).toBe(0);
    expect(names(r.stdout)).toEqual(expected);
  });

  it('a bad selector is a usage error (exit 2) naming the bad term, and prints nothing', async () => {
    const r = await drover('get', 'fleets', '-l', 'team=shop,tier public', ...state());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('invalid label selector term "tier public"');
    expect((await drover('describe', 'fleet', '-l', 'team=', '-l', ',', ...state())).code).toBe(2);
    expect((await drover('get', 'fleets', 'magento-b2b', '-l', 'team=shop', ...state())).stderr).toContain('cannot be used together');
  });

  it('--show-labels and -o wide add a LABELS column', async () => {
    for (const flags of [['--show-labels'], ['-o', 'wide']]) {
      const r = await drover('get', 'fleets', ...flags, ...state());
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines[0].trimEnd().endsWith('LABELS')).toBe(true);
      expect(lines.find((l) => l.startsWith('magento-marketplace'))!.trimEnd().endsWith('team=shop,tier=public')).toBe(true);
      expect(lines.find((l) => l.startsWith('magento-b2b'))!.trimEnd().endsWith('<none>')).toBe(true);
    }
  });

  it('-l selects on get instances, get deployments, events and describe fleet', async () => {
    const instances = JSON.parse((await drover('get', 'instances', '-l', 'tier=public', '-o', 'json', ...state())).stdout) as { items: Array<{ fleet: string }> };
    expect(new Set(instances.items.map((i) => i.fleet))).toEqual(new Set(['magento-marketplace']));
    const deployments = JSON.parse((await drover('get', 'deployments', '-l', '!team', '-o', 'json', ...state())).stdout) as { items: Array<{ fleet: string }> };
    expect(deployments.items.length).toBeGreaterThan(0);
    expect(new Set(deployments.items.map((d) => d.fleet))).toEqual(new Set(['magento-b2b']));
    const events = JSON.parse((await drover('events', '-l', 'tier=staging', '-o', 'json', ...state())).stdout) as { items: Array<{ fleet: string }> };
    expect(new Set(events.items.map((e) => e.fleet))).toEqual(new Set(['magento-staging']));
    const described = await drover('describe', 'fleet', '-l', 'team=shop', ...state());
    expect(described.code).toBe(0);
    expect(described.stdout.match(/^Name:\s+(\S+)$/gm)).toEqual([expect.stringContaining('magento-marketplace'), expect.stringContaining('magento-staging')]);
    expect(described.stdout).toMatch(/^Labels:\s+team=shop,tier=public$/m);
    expect((await drover('describe', 'fleet', ...state())).code).toBe(2);
  });

  it.each([
    [['describe', 'fleet', 'magento-marketplce']],
    [['get', 'fleets', 'magento-marketplce']],
    [['events', 'magento-marketplce']],
    [['rollout', 'status', 'magento-marketplce']],
    [['rollout', 'history', 'magento-marketplce']],
    [['rollout', 'undo', 'magento-marketplce']],
  ])('%j suggests the fleet meant (exit 1)', async (args) => {
    const r = await drover(...args, ...state());
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('Error: fleet "magento-marketplce" not found; did you mean "magento-marketplace"?\n');
  });

  it('a name far from every fleet gets no suggestion', async () => {
    const r = await drover('describe', 'fleet', 'wordpress', ...state());
    expect(r.stderr).toBe('Error: fleet "wordpress" not found\n');
  });

  it('rollout status -o json prints a DeploymentList; -l takes several fleets and exits 1 when any failed', async () => {
    const one = await drover('rollout', 'status', 'magento-marketplace', '-o', 'json', ...state());
    expect(one.code).toBe(0);
    const list = JSON.parse(one.stdout) as { kind: string; items: Array<{ fleet: string; id: string; result: string }> };
    expect(list.kind).toBe('DeploymentList');
    expect(list.items.map((d) => [d.fleet, d.id, d.result])).toEqual([['magento-marketplace', readyFleet.deployment!.id, 'Succeeded']]);
    const all = await drover('rollout', 'status', '-l', 'team=shop', ...state());
    expect(all.stdout.trimEnd().split('\n')).toHaveLength(2);
    const failed = await drover('rollout', 'status', '-l', '!team', '-o', 'yaml', ...state());
    expect(failed.code).toBe(1);
    expect((parseYaml(failed.stdout) as { items: Array<{ result: string }> }).items.map((d) => d.result)).toEqual([degradedFleet.deployment!.result]);
  });

  it('rollout history -o json|yaml lists the history as get deployments does', async () => {
    const json = await drover('rollout', 'history', 'magento-marketplace', '-o', 'json', ...state());
    expect(json.code).toBe(0);
    const list = JSON.parse(json.stdout) as { items: Array<{ fleet: string; id: string }> };
    expect(list.items.map((d) => d.id)).toEqual(readyFleet.history.map((d) => d.id));
    const yaml = parseYaml((await drover('rollout', 'history', '-l', 'tier', '-o', 'yaml', ...state())).stdout) as { items: Array<{ fleet: string }> };
    expect(new Set(yaml.items.map((d) => d.fleet))).toEqual(new Set(['magento-marketplace', 'magento-staging']));
    expect((await drover('rollout', 'history', 'magento-marketplace', '-o', 'wide', ...state())).code).toBe(2);
  });
});

describe('kubectl habits from manifests', () => {
  let dir: string;
  const state = () => ['--state-dir', dir];
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-habits-apply-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('carries metadata.labels from the manifest into the status record', async () => {
    expect((await drover('apply', '-f', TWO_FLEETS, '--sim', '--fresh', ...state())).code).toBe(0);
    const list = JSON.parse((await drover('get', 'fleets', '-o', 'json', ...state())).stdout) as FleetStatusList;
    expect(list.items.map((f) => [f.name, f.spec.labels])).toEqual([
      ['admin', { team: 'shop', tier: 'internal' }],
      ['storefront', { team: 'shop', tier: 'public' }],
    ]);
    const r = await drover('get', 'fleets', '-l', 'tier=internal', '--no-headers', ...state());
    expect(r.stdout.split(/\s+/)[0]).toBe('admin');
  });

  it('bake and delete fleet suggest a misspelt fleet name', async () => {
    const bake = await drover('bake', 'storefrnt', '--commit', 'abcdef1', '-f', TWO_FLEETS, '--sim', ...state());
    expect(bake.code).toBe(2);
    expect(bake.stderr).toContain('fleet "storefrnt" is not in the manifests; did you mean "storefront"?');
    const del = await drover('delete', 'fleet', 'admn', '-f', TWO_FLEETS, '--yes', '--sim', ...state());
    expect(del.code).toBe(2);
    expect(del.stderr).toContain('no manifest given declares it; did you mean "admin"?');
  });

  it('validate -o json lists each file with its fleets and FILE:LINE:COL problems', async () => {
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, fs.readFileSync(path.join(EXAMPLES, 'minimal.yaml'), 'utf8').replace(/kind: Fleet/, 'kind: Fleet\nspecc: {}'));
    const r = await drover('validate', TWO_FLEETS, bad, '-o', 'json');
    expect(r.code).toBe(2);
    const result = JSON.parse(r.stdout) as { ok: boolean; files: Array<{ file: string; ok: boolean; fleets: string[]; problems: string[] }> };
    expect(result.ok).toBe(false);
    expect(result.files[0]).toEqual({ file: TWO_FLEETS, ok: true, fleets: ['storefront', 'admin'], problems: [] });
    expect(result.files[1].ok).toBe(false);
    expect(result.files[1].problems[0]).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `));
    const good = await drover('validate', TWO_FLEETS, '-o', 'yaml');
    expect(good.code).toBe(0);
    expect(parseYaml(good.stdout)).toEqual({ kind: 'ValidationResult', ok: true, files: [result.files[0]] });
  });
});

describe('drover completion', () => {
  it('prints fish completion, and bash and zsh scripts that complete fleet names from the state directory', async () => {
    const fish = await drover('completion', 'fish');
    expect(fish.code).toBe(0);
    expect(fish.stdout).toContain("complete -c drover -f -a '(__drover_candidates)'");
    expect(fish.stdout).toContain('$dir/state/fleets/*.json');
    for (const shell of ['bash', 'zsh']) {
      const r = await drover('completion', shell);
      expect(r.stdout).toContain('_drover_fleets');
      expect(r.stdout).toContain('"describe fleet") return 0 ;;');
    }
    const bad = await drover('completion', 'tcsh');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('use bash, zsh or fish');
  });
});
