/**
 * Deploys of magento-alb.yaml through the CLI on the simulated account: a blue/green swap by
 * `apply` and by `bake` (green in the standby target group, cut-over by listener weights), a canary
 * of a good build (weights step up on the listener, then cut over), and a canary of a build that
 * passes health checks but answers 5xx, which analysis aborts: the listener sends 100 % to blue
 * again and, re-observed afterwards, only the old version answers requests.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAwsPort } from '../src/aws/clients';
import { createSimPlugin, SimAccount } from '../src/sim';
import { drover } from './support/cli';
import { albView } from './support/sim-elbv2';

const EXAMPLE = fs.readFileSync(path.resolve(__dirname, '../manifests/examples/magento-alb.yaml'), 'utf8');
const AMI = { base: 'ami-0a1b2c3d4e5f60001', r2: 'ami-0a1b2c3d4e5f60002', r3: 'ami-0a1b2c3d4e5f60003' };
const FLEET = 'magento-alb';
const TG = { blue: 'magento-alb-blue', green: 'magento-alb-green' };

function manifest(dir: string, name: string, ami: string, canary = false, onAbort = 'delete'): string {
  let text = EXAMPLE.replace(/^(\s+)ami: ami-0a1b2c3d4e5f60001/m, `$1ami: ${ami}`).replace(/soak: 5m/, 'soak: 1m').replace(/keepPrevious: 1h/, 'keepPrevious: 5m');
  if (canary) {
    text = text
      .replace(/^(\s+)min: 2\n(\s+)max: 10\n(\s+)desired: 2/m, '$1min: 2\n$2max: 10\n$3desired: 4')
      .replace(/^(\s+)strategy: blueGreen.*$/m, `$1strategy: canary\n$1canary:\n$1  steps: [{setWeight: 25}, {pause: 2m}, {setWeight: 50}, {pause: 1m}]\n$1  onAbort: ${onAbort}`)
      .replace(/healthyTimeout: 10m/, 'healthyTimeout: 5m');
  }
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** Every progress sample: what serves (blue + green InService) covers blue's desired capacity. */
function expectCapacityKept(stderr: string): void {
  const samples = [...stderr.matchAll(/blue (\d+)\/(\d+)\s+green (\d+)\/(\d+) InService/g)].map((m) => m.slice(1).map(Number));
  expect(samples.length).toBeGreaterThan(0);
  for (const [blueIn, blueDesired, greenIn] of samples) expect(blueIn! + greenIn!).toBeGreaterThanOrEqual(blueDesired!);
}

describe('deploys of an ALB fleet through the CLI (simulated account)', () => {
  let dir: string;
  const state = () => ['--sim', '--state-dir', dir];
  const account = () => SimAccount.load(path.join(dir, 'sim', 'account.json'));
  const live = () => account().groups().filter((g) => !g.deleting);
  const arnOf = (name: string) => (Object.values(account().snapshot().elbv2!.targetGroups) as Array<{ name: string; arn: string }>).find((t) => t.name === name)!.arn;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-cli-alb-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('blue/green by apply, then by bake: each green serves from the other target group, listener weights 0/100, blue retired', async () => {
    expect((await drover('apply', '-f', manifest(dir, 'base.yaml', AMI.base), '--wait', '--fresh', ...state())).code).toBe(0);
    const r = await drover('apply', '-f', manifest(dir, 'r2.yaml', AMI.r2), '--wait', ...state());
    expect({ code: r.code, out: r.stdout.match(/swap \S+ to ami-0a1b2c3d4e5f60002: Succeeded/)?.[0] }).toEqual({ code: 0, out: expect.any(String) });
    expect(r.stderr).toMatch(/swap drainBlue/);
    expectCapacityKept(r.stderr);
    expect(live().map((g) => [g.name, g.targetGroups])).toEqual([['magento-alb-v002', [arnOf(TG.green)]]]);
    expect(albView(account()).weights).toEqual({ [TG.blue]: 0, [TG.green]: 100 });
    expect(JSON.parse((await drover('plan', '-o', 'json', ...state())).stdout).steps).toEqual([]);

    // A baked image goes out the same way, back to the blue target group.
    const baked = await drover('bake', FLEET, '--commit', '4f2a9c1e77', '--wait', ...state());
    expect({ code: baked.code, out: baked.stdout.match(/swap .* \(commit 4f2a9c1e\): Succeeded/)?.[0] }).toEqual({ code: 0, out: expect.any(String) });
    expect(live().map((g) => [g.name, g.targetGroups])).toEqual([['magento-alb-v003', [arnOf(TG.blue)]]]);
    const view = albView(account());
    expect(view.weights).toEqual({ [TG.blue]: 100, [TG.green]: 0 });
    expect(view.healthy[TG.blue]).toBe(2);
  });

  it('rollout undo of a swap in progress: blue keeps serving at weight 100, green leaves its target group and is deleted', async () => {
    expect((await drover('apply', '-f', manifest(dir, 'base.yaml', AMI.base), '--wait', '--fresh', ...state())).code).toBe(0);
    const started = await drover('apply', '-f', manifest(dir, 'r2.yaml', AMI.r2), ...state());
    expect(started.stdout).toMatch(/in progress: swap/);
    const undo = await drover('rollout', 'undo', FLEET, '--wait', ...state());
    expect({ code: undo.code, out: undo.stdout.match(/RolledBack \(Undo\)/)?.[0] }).toEqual({ code: 0, out: 'RolledBack (Undo)' });
    expect(live().map((g) => [g.name, g.targetGroups])).toEqual([['magento-alb-v001', [arnOf(TG.blue)]]]);
    const view = albView(account());
    expect(view.weights).toEqual({ [TG.blue]: 100, [TG.green]: 0 });
    expect(view.healthy[TG.blue]).toBe(2);
    expect(view.served[AMI.r2] ?? 0).toBe(0);
  });

  it('a canary of a good build steps the listener weights (25 %, 50 %) and completes', async () => {
    expect((await drover('apply', '-f', manifest(dir, 'base.yaml', AMI.base, true), '--wait', '--fresh', ...state())).code).toBe(0);
    const r = await drover('apply', '-f', manifest(dir, 'r2.yaml', AMI.r2, true), '--wait', ...state());
    expect({ code: r.code, stderr: r.code ? r.stderr.slice(-3000) : '' }).toEqual({ code: 0, stderr: '' });
    expect(r.stderr).toMatch(/canary step 2 of 5 \(pause 120s, \d+s left\), weight 25 %/);
    expect(r.stderr).toMatch(/canary step 4 of 5 \(pause 60s, \d+s left\), weight 50 %/);
    expectCapacityKept(r.stderr);
    expect(live().map((g) => [g.name, g.targetGroups])).toEqual([['magento-alb-v002', [arnOf(TG.green)]]]);
    const view = albView(account());
    expect(view.weights).toEqual({ [TG.blue]: 0, [TG.green]: 100 });
    expect(view.served[AMI.r2]).toBeGreaterThan(0);
    const status = JSON.parse((await drover('describe', 'fleet', FLEET, '-o', 'json', ...state())).stdout);
    expect(status.deployment.canary).toMatchObject({ step: 5, steps: 5, weight: 100, cutOver: true, approximate: false, verdict: 'pass' });
    expect(status.deployment.canary.analysis.map((c: { name: string }) => c.name)).toEqual(['5xx-count', '5xx-rate', 'latency-p99']);
  });

  it('a canary of a metrics-bad build is aborted by analysis: the listener is back to blue 100 % and only the old version answers', async () => {
    expect((await drover('apply', '-f', manifest(dir, 'base.yaml', AMI.base, true), '--wait', '--fresh', ...state())).code).toBe(0);
    expect((await drover('sim', 'break-ami', AMI.r3, '--error-rate', '0.3', ...state())).code).toBe(0);
    const before = albView(account()).served;
    const r = await drover('apply', '-f', manifest(dir, 'r3.yaml', AMI.r3, true), '--wait', ...state());
    expect({ code: r.code, out: r.stdout.match(/RolledBack \(AnalysisFailed\)/)?.[0] }).toEqual({ code: 1, out: 'RolledBack (AnalysisFailed)' });
    expectCapacityKept(r.stderr);

    const view = albView(account());
    expect(view.weights).toEqual({ [TG.blue]: 100, [TG.green]: 0 });
    expect(live().map((g) => [g.name, g.targetGroups])).toEqual([['magento-alb-v001', [arnOf(TG.blue)]]]);
    // The bad build saw traffic (health checks passed), at most its first step's share of it.
    const bad = (view.served[AMI.r3] ?? 0) - (before[AMI.r3] ?? 0);
    const total = bad + (view.served[AMI.base] ?? 0) - (before[AMI.base] ?? 0);
    expect(bad).toBeGreaterThan(0);
    expect(bad / total).toBeLessThanOrEqual(0.25);
    const events = await drover('events', FLEET, ...state());
    expect(events.stdout).toMatch(/AnalysisFailed\s+.*5xx-rate: green [\d.]+ >/);

    // Re-observed ten virtual minutes later: the old version answers every request.
    const sim = account();
    const then = albView(sim).served;
    sim.advance(10 * 60_000);
    const now = albView(sim).served;
    expect((now[AMI.base] ?? 0) - (then[AMI.base] ?? 0)).toBeGreaterThan(0);
    expect((now[AMI.r3] ?? 0) - (then[AMI.r3] ?? 0)).toBe(0);
  });

  it('a canary whose green never turns healthy is aborted with green kept out of every target group; once it is deleted the next build deploys', async () => {
    expect((await drover('apply', '-f', manifest(dir, 'base.yaml', AMI.base, true, 'keep'), '--wait', '--fresh', ...state())).code).toBe(0);
    expect((await drover('sim', 'break-ami', AMI.r3, ...state())).code).toBe(0);
    const r = await drover('apply', '-f', manifest(dir, 'r3.yaml', AMI.r3, true, 'keep'), '--wait', ...state());
    expect({ code: r.code, out: r.stdout.match(/RolledBack \(GreenUnhealthy\)/)?.[0] }).toEqual({ code: 1, out: 'RolledBack (GreenUnhealthy)' });
    expect(live().map((g) => [g.name, g.targetGroups])).toEqual([['magento-alb-v001', [arnOf(TG.blue)]], ['magento-alb-v002', []]]);
    expect(albView(account()).weights).toEqual({ [TG.blue]: 100, [TG.green]: 0 });
    expect((await drover('plan', ...state())).stdout).toMatch(/group magento-alb-v002 \(ami-0a1b2c3d4e5f60003\) was kept for inspection/);

    // Once the user has inspected and deleted it, the next build goes out to the standby target group.
    const file = path.join(dir, 'sim', 'account.json');
    const sim = SimAccount.load(file);
    await createAwsPort({ region: 'eu-west-1', plugin: createSimPlugin(sim) }).autoScaling.DeleteAutoScalingGroup({ AutoScalingGroupName: 'magento-alb-v002', ForceDelete: true });
    sim.advance(10 * 60_000);
    sim.save(file);
    const good = await drover('apply', '-f', manifest(dir, 'r2.yaml', AMI.r2, true, 'keep'), '--wait', ...state());
    expect({ code: good.code, out: good.stdout.match(/canary \S+ to ami-0a1b2c3d4e5f60002: Succeeded/)?.[0] }).toEqual({ code: 0, out: expect.any(String) });
    const serving = live().filter((g) => g.targetGroups.length);
    // (The generation number is free again: the kept group is gone.)
    expect(serving.map((g) => [g.name, g.targetGroups])).toEqual([['magento-alb-v002', [arnOf(TG.green)]]]);
    expect(live().map((g) => g.name)).toEqual(['magento-alb-v002']);
    expect(albView(account()).weights).toEqual({ [TG.blue]: 0, [TG.green]: 100 });
  });
});
