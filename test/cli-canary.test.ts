/**
 * A canary through the CLI on the simulated account, behind the example's Classic ELB: green
 * grows step by step beside blue (the weight is the number of green instances serving), pauses
 * hold on the sim's clock, and weight 100 cuts over like blue/green.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SimAccount } from '../src/sim';
import { drover } from './support/cli';
import { writeExampleManifest } from './support/example-manifest';

const AMI = { base: 'ami-0a1b2c3d4e5f60001', r2: 'ami-0a1b2c3d4e5f60002', r3: 'ami-0a1b2c3d4e5f60003' };

function canaryManifest(dir: string, name: string, ami: string, onAbort = 'delete'): string {
  const strategy = ['strategy: canary', 'canary:', '  steps: [{setWeight: 25}, {pause: 2m}, {setWeight: 50}, {pause: 1m}]', `  onAbort: ${onAbort}`];
  return writeExampleManifest(dir, name, ami, { desired: 4, strategy });
}

describe('canary through the CLI (simulated account, Classic ELB)', () => {
  let dir: string;
  const state = () => ['--sim', '--state-dir', dir];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-cli-canary-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('completes a canary of a good build: steps, pauses, cut-over, blue retired', async () => {
    const base = await drover('apply', '-f', canaryManifest(dir, 'base.yaml', AMI.base), '--wait', '--fresh', ...state());
    expect(base.code).toBe(0);
    const r = await drover('apply', '-f', canaryManifest(dir, 'r2.yaml', AMI.r2), '--wait', ...state());
    expect({ code: r.code, stderr: r.code ? r.stderr.slice(-3000) : '' }).toEqual({ code: 0, stderr: '' });
    // The watch samples every 10s: short steps (scaleGreen, setWeight, analyzeStep) pass between samples.
    for (const phase of ['waitGreen', 'pause', 'drainBlue', 'keepPrevious']) expect(r.stderr).toMatch(new RegExp(`canary ${phase}`));
    expect(r.stderr).toContain('canary step 2 of 5 (pause 120s, 120s left), weight 25 % (1 of 4 instances ≈ 25 %)');
    expect(r.stderr).toContain('canary step 4 of 5 (pause 60s, 60s left), weight 50 % (2 of 4 instances ≈ 50 %)');
    // At every sample, what serves covers blue's desired capacity (its own policies may scale it in meanwhile).
    const samples = [...r.stderr.matchAll(/blue (\d+)\/(\d+)\s+green (\d+)\/(\d+) InService/g)].map((m) => m.slice(1).map(Number));
    expect(samples.length).toBeGreaterThan(10);
    for (const [blueIn, blueDesired, greenIn] of samples) expect(blueIn! + greenIn!).toBeGreaterThanOrEqual(blueDesired!);
    const groups = SimAccount.load(path.join(dir, 'sim', 'account.json')).groups().filter((g) => !g.deleting);
    expect(groups.map((g) => g.name)).toEqual(['magento-marketplace-v002']);
    const history = await drover('rollout', 'history', 'magento-marketplace', ...state());
    expect(history.stdout).toMatch(/canary\s+ami-0a1b2c3d4e5f60002\s+.*Succeeded/);
    const plan = JSON.parse((await drover('plan', '-o', 'json', ...state())).stdout);
    expect(plan.steps).toEqual([]);
    const status = JSON.parse((await drover('describe', 'fleet', 'magento-marketplace', '-o', 'json', ...state())).stdout);
    expect(status.deployment.canary).toMatchObject({ step: 5, steps: 5, weight: 100, cutOver: true, approximate: true, verdict: 'pass', analysedAt: { phase: 'step', step: 3 } });
    expect(status.deployment.canary.analysis.map((c: { name: string }) => c.name)).toEqual(['5xx-count', '5xx-rate', 'latency-p99']);
  });

  it('aborts a build that passes health checks but serves 5xx, by analysis: blue serves 100 %, capacity never below desired, the reason in events', async () => {
    expect((await drover('apply', '-f', canaryManifest(dir, 'base.yaml', AMI.base), '--wait', '--fresh', ...state())).code).toBe(0);
    expect((await drover('sim', 'break-ami', AMI.r3, '--error-rate', '0.3', ...state())).code).toBe(0);
    const r = await drover('apply', '-f', canaryManifest(dir, 'r3.yaml', AMI.r3), '--wait', ...state());
    expect({ code: r.code, out: r.stdout.match(/RolledBack \(AnalysisFailed\)/)?.[0] }).toEqual({ code: 1, out: 'RolledBack (AnalysisFailed)' });
    // Green served (health checks passed) before analysis stopped it.
    expect(r.stderr).toMatch(/canary (pause|analyzeStep|pauseAnalysis|reanalyze)/);
    // How many progress lines print depends on how the fresh account's boot times fall: check every
    // one printed against blue's desired at that moment (its own CPU policy may scale blue in mid-canary),
    // and that the deployment's timeline saw the canary over several passes.
    const samples = [...r.stderr.matchAll(/blue (\d+)\/(\d+)\s+green (\d+)\/(\d+) InService/g)].map((m) => m.slice(1).map(Number));
    expect(samples.length).toBeGreaterThan(0);
    for (const [blueIn, blueDesired, greenIn] of samples) expect(blueIn! + greenIn!).toBeGreaterThanOrEqual(blueDesired!);
    const timeline = JSON.parse((await drover('describe', 'fleet', 'magento-marketplace', '-o', 'json', ...state())).stdout).deployment.timeline as unknown[];
    expect(timeline.length).toBeGreaterThan(3);
    const sim = SimAccount.load(path.join(dir, 'sim', 'account.json'));
    const live = sim.groups().filter((g) => !g.deleting);
    expect(live.map((g) => g.name)).toEqual(['magento-marketplace-v001']);
    expect(live[0]!.loadBalancers).toEqual(['magento-marketplace']);
    const events = await drover('events', 'magento-marketplace', ...state());
    expect(events.stdout).toMatch(/AnalysisFailed\s+.*check 5xx-rate: green [\d.]+ > max 1 \(2 failures > limit 1\)/);
    const status = JSON.parse((await drover('describe', 'fleet', 'magento-marketplace', '-o', 'json', ...state())).stdout);
    expect(status.deployment).toMatchObject({ kind: 'canary', result: 'RolledBack', reason: 'AnalysisFailed' });
    expect(status.deployment.canary).toMatchObject({ verdict: 'fail', weight: 0 });
    const rate = status.deployment.canary.analysis.find((c: { name: string }) => c.name === '5xx-rate');
    expect(rate).toMatchObject({ verdict: 'fail', threshold: 1, failures: 2, failureLimit: 1 });
    expect(rate.value).toBeGreaterThan(1);
    expect(status.deployment.message).toMatch(/5xx-rate: green [\d.]+ > max 1/);
    const text = (await drover('describe', 'fleet', 'magento-marketplace', ...state())).stdout;
    expect(text).toMatch(/Analysis:\s+fail at step \d \((step|pause)\): .*5xx-rate fail: green [\d.]+ > max 1 \(2 failures > limit 1\)/);
    expect(text).toMatch(/Canary:\s+step \d of 5, weight 0 %/);
  });

  it('aborts a canary whose green never serves: blue serves fully, green is kept (onAbort keep) and not taken for a swap to resume', async () => {
    expect((await drover('apply', '-f', canaryManifest(dir, 'base.yaml', AMI.base, 'keep'), '--wait', '--fresh', ...state())).code).toBe(0);
    expect((await drover('sim', 'break-ami', AMI.r3, ...state())).code).toBe(0);
    const broken = canaryManifest(dir, 'r3.yaml', AMI.r3, 'keep');
    const r = await drover('apply', '-f', broken, '--wait', ...state());
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/RolledBack \(GreenUnhealthy\)/);
    expect(r.stderr).toMatch(/canary waitGreen .*before weight 25 %/);
    const sim = SimAccount.load(path.join(dir, 'sim', 'account.json'));
    const live = sim.groups().filter((g) => !g.deleting);
    expect(live.map((g) => g.name).sort()).toEqual(['magento-marketplace-v001', 'magento-marketplace-v002']);
    const green = live.find((g) => g.name === 'magento-marketplace-v002')!;
    const tags = (sim.snapshot() as any).groups['magento-marketplace-v002'].tags as Array<{ key: string; value: string }>;
    expect(tags.find((t) => t.key === 'drover:kept')?.value).toBe('GreenUnhealthy');
    expect(green.loadBalancers).toEqual([]);

    const plan = await drover('plan', ...state());
    expect(plan.stdout).toMatch(/group magento-marketplace-v002 \(ami-0a1b2c3d4e5f60003\) was kept for inspection after its canary was aborted \(GreenUnhealthy\)/);
    const again = await drover('apply', '-f', broken, ...state());
    expect(again.stdout).toMatch(/0 mutating/);
    const after = SimAccount.load(path.join(dir, 'sim', 'account.json')).groups().filter((g) => !g.deleting);
    expect(after.map((g) => g.name).sort()).toEqual(['magento-marketplace-v001', 'magento-marketplace-v002']);
    const blue = after.find((g) => g.name === 'magento-marketplace-v001')!;
    expect(blue.loadBalancers).toEqual(['magento-marketplace']);
  });
});
