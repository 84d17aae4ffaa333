/**
 * The timeline of a canary during which the fleet's own CPU alarm scales blue in, on a daemon over
 * the simulated account (virtual time). Classic ELB, desired 4, min 2: at weight 25 % the traffic
 * drops, the scale-in alarm fires and blue's policy takes its desired capacity 4 → 3 → 2, terminating
 * serving blue instances. drover caused none of it: the desired line must follow blue's desired as
 * AWS recorded it (then green's after cut-over), and the picture must not report a dip.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fleetReconciler } from '../src/main/fleet-reconciler';
import { localStatusNow } from '../src/status/status-store';
import { renderTimelineSvg } from '../src/status/timeline-svg';
import { createDaemonEnv, fleetYaml, type DaemonEnv } from './daemon-env';

const LB = 'shop-elb';
const BLUE = 'shop-v001';
const GREEN = 'shop-v002';
const DEPLOY = '  deploy:\n    strategy: canary\n    soak: 1m\n    keepPrevious: 5m\n    canary:\n      steps: [{setWeight: 25}, {pause: 15m}, {setWeight: 50}, {pause: 2m}]\n';
/** Steady load: 30 % CPU on 4 serving instances, inside both alarms' thresholds. */
const LOAD = 120;

function yaml(ami: string): string {
  return fleetYaml({ min: 2, max: 6, extra: DEPLOY })
    .replace('desired: 2}', 'desired: 4}')
    // Scale-out only on a real overload, so booting the fleet under LOAD does not add instances.
    .replace('scaleOut: {metric: CPUUtilization, threshold: 70, periods: 2,', 'scaleOut: {metric: CPUUtilization, threshold: 95, periods: 3,')
    .replace('ami: ami-0a1b2c3d4e5f60001\n    bake', `ami: ${ami}\n    bake`);
}

describe('the timeline of a canary while the fleet scales itself', () => {
  let env: DaemonEnv;
  afterEach(async () => {
    await env?.stop();
    env?.cleanup();
  });

  it("follows blue's desired capacity as its scale-in alarm moves it, and reports no dip drover did not cause", async () => {
    env = createDaemonEnv({ manifests: { 'shop.yaml': yaml('ami-0a1b2c3d4e5f60001') }, options: { reconcilerFactory: (ctx) => fleetReconciler(ctx), manifestPollMs: 2_000 } });
    env.sim.setLoad(LB, LOAD);
    const status = () => localStatusNow(env.stateDir, 'shop');
    const deployment = () => status()?.deployment;
    await env.daemon.start();
    expect(await env.drive(30 * 60_000, () => status()?.phase === 'Ready' && env.sim.inServiceCount(LB) === 4)).toBe(true);
    expect(env.sim.group(BLUE)?.desired).toBe(4);

    // Blue's desired capacity as AWS holds it, from the canary's start on.
    const blueDesired: number[] = [];
    env.sim.onTick(() => {
      const d = env.sim.group(BLUE)?.desired;
      if (d !== undefined && d !== blueDesired[blueDesired.length - 1]) blueDesired.push(d);
    });
    fs.writeFileSync(path.join(env.dir, 'shop.yaml'), yaml('ami-0a1b2c3d4e5f60002'));
    expect(await env.drive(15 * 60_000, () => deployment()?.kind === 'canary' && deployment()?.canary?.weight === 25 && deployment()?.phase === 'pause')).toBe(true);

    // Traffic falls: blue's CPU alarm fires and its own policy scales it in, step by step, to its minimum.
    env.sim.setLoad(LB, 0);
    expect(await env.drive(12 * 60_000, () => env.sim.group(BLUE)?.desired === 2)).toBe(true);
    expect(deployment()?.phase).toBe('pause');
    env.sim.setLoad(LB, LOAD);
    expect(await env.drive(60 * 60_000, () => deployment()?.result !== 'InProgress')).toBe(true);

    const final = status()!;
    const d = final.deployment!;
    expect(d).toMatchObject({ kind: 'canary', result: 'Succeeded' });
    expect(blueDesired.slice(0, 3)).toEqual([4, 3, 2]);
    const pts = d.timeline!;
    const cut = pts.findIndex((p) => p.phase === 'deregisterBlue' || p.phase === 'drainBlue');
    expect(cut).toBeGreaterThan(0);
    // Before cut-over the line is blue's desired as AWS recorded it, each value of it in turn; after, green's (4).
    const runs = (xs: number[]) => xs.filter((x, i) => i === 0 || x !== xs[i - 1]);
    expect(runs(pts.slice(0, cut).map((p) => p.desired))).toEqual([4, 3, 2]);
    expect(new Set(pts.slice(cut).map((p) => p.desired))).toEqual(new Set([env.sim.group(GREEN)!.desired]));
    // The scale-in took serving blue instances: against blue's desired at the start, this would be a dip.
    expect(Math.min(...pts.map((p) => p.blueInService + p.greenInService))).toBeLessThan(4);
    // Against the desired of the moment, capacity held everywhere.
    for (const p of pts) expect({ at: p.at, phase: p.phase, serving: p.blueInService + p.greenInService >= p.desired }).toEqual({ at: p.at, phase: p.phase, serving: true });

    const svg = renderTimelineSvg(d, { events: final.events });
    expect(svg).toContain('InService never below desired');
    expect(svg).not.toContain('class="shortfall"');
    expect(svg).toMatch(/Desired capacity moved \d+ times?, between 2 and 4: 4 → 3 → 2 → 4\./);
    // The dashed line moves: three heights (4, 3, 2) on the drawing.
    const ys = new Set(svg.match(/class="desired" points="([^"]+)"/)![1].split(' ').map((xy) => xy.split(',')[1]));
    expect(ys.size).toBe(3);
  }, 180_000);
});
