/**
 * A blue/green swap during which the fleet's own CPU alarm scales blue out, on a daemon over the
 * simulated account (virtual time). Classic ELB, desired 4, max 5. While green boots, traffic
 * spikes: blue's scale-out alarm fires and its policy raises blue's desired capacity 4 → 5 (its max). The fleet decided it needs 5, so green
 * must take over at 5, not at the 4 the swap started with: the FleetReconciler sees blue above
 * what the swap accounts for and sends SCALE_OUT, and the swap grows green before cut-over.
 * After the spike the load is one 5 instances carry at 44 % CPU (4 would carry it at 55 %: no
 * alarm of green's own would add the fifth), so only drover's wiring can get green to 5.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fleetReconciler } from '../src/main/fleet-reconciler';
import { localStatusNow } from '../src/status/status-store';
import { owedCapacity, renderTimelineSvg } from '../src/status/timeline-svg';
import { CUT_OVER_STEPS } from '../src/deploy/machines/phase';
import { EVENTS } from '../src/log/events';
import { createDaemonEnv, fleetYaml, type DaemonEnv } from './daemon-env';

const LB = 'shop-elb';
const BLUE = 'shop-v001';
const GREEN = 'shop-v002';
const DEPLOY = '  deploy:\n    strategy: blueGreen\n    healthyTimeout: 30m\n    soak: 1m\n    keepPrevious: 2m\n';
/** 30 % CPU on 4 instances, 22 % on blue and green together (inside both alarms' thresholds). */
const LOAD = 120;
const SPIKE = 800;
/** After the spike: 44 % on 5, 55 % on 4, 22 % on 10: no alarm fires. */
const AFTER = 220;
const GREEN_SERVES = new Set<string>([...CUT_OVER_STEPS, 'deleteBlue', 'verifyServing', 'succeeded']);

function yaml(ami: string): string {
  return fleetYaml({ min: 2, max: 5, extra: DEPLOY })
    .replace('desired: 2}', 'desired: 4}')
    .replace('ami: ami-0a1b2c3d4e5f60001\n    bake', `ami: ${ami}\n    bake`);
}

describe('a swap while the fleet scales blue out', () => {
  let env: DaemonEnv;
  afterEach(async () => {
    await env?.stop();
    env?.cleanup();
  });

  it('green takes over at the scaled-out desired capacity, never serving below the desired of the moment', async () => {
    env = createDaemonEnv({ manifests: { 'shop.yaml': yaml('ami-0a1b2c3d4e5f60001') }, options: { reconcilerFactory: (ctx) => fleetReconciler(ctx), manifestPollMs: 2_000 } });
    env.sim.setLoad(LB, LOAD);
    const status = () => localStatusNow(env.stateDir, 'shop');
    const deployment = () => status()?.deployment;
    await env.daemon.start();
    expect(await env.drive(30 * 60_000, () => status()?.phase === 'Ready' && env.sim.inServiceCount(LB) === 4)).toBe(true);
    expect(env.sim.group(BLUE)?.desired).toBe(4);

    // Every group with green's generation or later that ever existed, and blue's desired capacity as AWS holds it.
    const greens = new Set<string>();
    const blueDesired: number[] = [];
    env.sim.onTick(() => {
      for (const g of env.sim.groups()) if (g.name !== BLUE) greens.add(g.name);
      const d = env.sim.group(BLUE)?.desired;
      if (d !== undefined && d !== blueDesired[blueDesired.length - 1]) blueDesired.push(d);
    });
    fs.writeFileSync(path.join(env.dir, 'shop.yaml'), yaml('ami-0a1b2c3d4e5f60002'));
    expect(await env.drive(15 * 60_000, () => deployment()?.kind === 'swap' && deployment()?.phase === 'waitGreenHealthy')).toBe(true);

    // The spike, while green boots: blue's own scale-out alarm fires and its policy raises blue to 5 (its max).
    env.sim.setLoad(LB, SPIKE);
    expect(await env.drive(10 * 60_000, () => env.sim.group(BLUE)?.desired === 5)).toBe(true);
    expect(deployment()?.phase).toBe('waitGreenHealthy');
    env.sim.setLoad(LB, AFTER);
    expect(await env.drive(90 * 60_000, () => deployment()?.result !== 'InProgress')).toBe(true);

    const final = status()!;
    const d = final.deployment!;
    expect(d).toMatchObject({ kind: 'swap', result: 'Succeeded' });
    expect(blueDesired.slice(0, 2)).toEqual([4, 5]);
    // Green serves at the desired capacity the fleet's scaling chose, and is the only green group there ever was.
    expect(env.sim.group(GREEN)).toMatchObject({ desired: 5, loadBalancers: [LB] });
    expect(env.sim.inServiceCount(LB)).toBe(5);
    expect([...greens]).toEqual([GREEN]);
    expect(env.sim.groups().map((g) => g.name)).toEqual([GREEN]);
    // The reconciler said so once: one SCALE_OUT of 1.
    const signals = env.logger.events(EVENTS.deployScaleOut);
    expect(signals.map((r) => r.adjustment)).toEqual([1]);

    // Green carried all 5 from cut-over on; before it, blue did.
    const pts = d.timeline!;
    const cut = pts.findIndex((p) => GREEN_SERVES.has(p.phase));
    expect(cut).toBeGreaterThan(0);
    expect(Math.min(...pts.slice(cut).map((p) => p.greenInService))).toBe(5);
    expect(pts.slice(cut).map((p) => p.desired).every((x) => x === 5)).toBe(true);
    // InService never below the desired of the moment (a scale-out owed as its instances come up, as the picture judges it).
    const total = pts.map((p) => p.blueInService + p.greenInService);
    const owed = owedCapacity(pts.map((p) => p.desired), total);
    for (const [i, p] of pts.entries()) expect({ at: p.at, phase: p.phase, serving: total[i] >= owed[i] }).toEqual({ at: p.at, phase: p.phase, serving: true });
    expect(renderTimelineSvg(d, { events: final.events })).toContain('InService never below desired');
  }, 240_000);
});
