/**
 * Deployments through the CLI, as a user runs them on the simulated account: an AMI change
 * in the manifest, a bake of a commit, a failing build, a never-healthy AMI, and an undo.
 * Deploy timings are shortened in a copy of the example so each run stays quick.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SimAccount } from '../src/sim';
import { drover } from './support/cli';
import { writeExampleManifest } from './support/example-manifest';

const AMI = { base: 'ami-0a1b2c3d4e5f60001', r2: 'ami-0a1b2c3d4e5f60002', r3: 'ami-0a1b2c3d4e5f60003' };

const manifest = writeExampleManifest;

function account(dir: string): SimAccount {
  return SimAccount.load(path.join(dir, 'sim', 'account.json'));
}

describe('deployments through the CLI (simulated account)', () => {
  let dir: string;
  const state = () => ['--sim', '--state-dir', dir];

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-cli-deploy-'));
    const r = await drover('apply', '-f', manifest(dir, 'base.yaml', AMI.base), '--wait', '--fresh', ...state());
    expect(r.code).toBe(0);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('an AMI change in the manifest swaps blue/green, retires blue after keepPrevious, then plans nothing', async () => {
    const r = await drover('apply', '-f', manifest(dir, 'r2.yaml', AMI.r2), '--wait', ...state());
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/swap waitGreenHealthy/);
    expect(r.stderr).toMatch(/swap keepPrevious/);
    const groups = account(dir).groups().filter((g) => !g.deleting);
    expect(groups.map((g) => g.name)).toEqual(['magento-marketplace-v002']);
    const plan = JSON.parse((await drover('plan', '-o', 'json', ...state())).stdout);
    expect(plan.steps).toEqual([]);
    const history = await drover('rollout', 'history', 'magento-marketplace', ...state());
    expect(history.stdout).toMatch(/swap\s+ami-0a1b2c3d4e5f60002\s+.*Succeeded/);
    expect((await drover('rollout', 'status', 'magento-marketplace', ...state())).code).toBe(0);
  });

  it('a never-healthy AMI rolls back on its own, is not retried, and describe says Degraded with the failing instances', async () => {
    const broken = manifest(dir, 'r3.yaml', AMI.r3);
    expect((await drover('sim', 'break-ami', AMI.r3, ...state())).code).toBe(0);
    const r = await drover('apply', '-f', broken, '--wait', ...state());
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/RolledBack \(GreenUnhealthy\)/);
    const describe = await drover('describe', 'fleet', 'magento-marketplace', ...state());
    expect(describe.stdout).toMatch(/Degraded\s+True/);
    expect(describe.stdout).toMatch(/GreenUnhealthy/);
    const failing = /failing instances: (.*)/.exec(r.stdout)![1].split(', ');
    expect(failing.length).toBeGreaterThan(0);
    for (const id of failing) expect(describe.stdout).toContain(id);
    expect(account(dir).groups().filter((g) => !g.deleting).map((g) => g.name)).toEqual(['magento-marketplace-v001']);

    const again = await drover('apply', '-f', broken, '--wait', ...state());
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/not rolling out ami-0a1b2c3d4e5f60003 again/);
    expect(again.stdout).toMatch(/0 mutating/);
    expect((await drover('rollout', 'status', 'magento-marketplace', ...state())).code).toBe(1);
  });

  it('a bake of a commit yields one AMI tagged with it, terminates the builder, rolls it out, and reuses it the second time', async () => {
    const r = await drover('bake', 'magento-marketplace', '--commit', '4f2a9c1e77', '--wait', ...state());
    expect(r.code).toBe(0);
    const sim = account(dir);
    const images = sim.snapshot().images ?? {};
    const baked = Object.values(images as Record<string, { tags: Record<string, string> }>).filter((i) => i.tags['drover:commit'] === '4f2a9c1e77');
    expect(baked).toHaveLength(1);
    const builders = sim.instances().filter((i) => i.tags['drover:role'] === 'builder');
    expect(builders.length).toBe(1);
    expect(builders.every((i) => ['shutting-down', 'terminated'].includes(i.state))).toBe(true);
    expect(r.stdout).toMatch(/swap .* \(commit 4f2a9c1e\): Succeeded/);

    const again = await drover('bake', 'magento-marketplace', '--commit', '4f2a9c1e77', '--wait', ...state());
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/0 mutating/);
  });

  it('a failing build leaves the fleet serving, terminates the builder, makes no AMI, and shows the console message', async () => {
    expect((await drover('sim', 'build-result', 'deadbeef01', '--fail', 'composer: dependency conflict', ...state())).code).toBe(0);
    const r = await drover('bake', 'magento-marketplace', '--commit', 'deadbeef01', '--wait', ...state());
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/BuildFailed/);
    expect(r.stdout).toMatch(/composer: dependency conflict/);
    const sim = account(dir);
    expect(sim.instances().filter((i) => i.tags['drover:role'] === 'builder').every((i) => ['shutting-down', 'terminated'].includes(i.state))).toBe(true);
    expect(sim.inServiceCount('magento-marketplace')).toBe(2);
    const describe = await drover('describe', 'fleet', 'magento-marketplace', ...state());
    expect(describe.stdout).toMatch(/composer: dependency conflict/);
  });

  it('rollout undo brings blue back before green goes', async () => {
    const started = await drover('apply', '-f', manifest(dir, 'r2.yaml', AMI.r2), ...state());
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/in progress: swap/);
    const undo = await drover('rollout', 'undo', 'magento-marketplace', '--wait', ...state());
    expect(undo.code).toBe(0);
    expect(undo.stdout).toMatch(/RolledBack \(Undo\)/);
    const groups = account(dir).groups().filter((g) => !g.deleting);
    expect(groups.map((g) => g.name)).toEqual(['magento-marketplace-v001']);
    expect(account(dir).inServiceCount('magento-marketplace')).toBe(2);
    const nothing = await drover('rollout', 'undo', 'magento-marketplace', ...state());
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/no swap in progress/);
  });
});
