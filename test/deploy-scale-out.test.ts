/**
 * A blue/green swap, and a canary, during which the fleet's own CPU alarm scales blue out, on a
 * daemon over the simulated account (virtual time). Classic ELB, desired 4, max 5. Mid-deploy
 * traffic spikes: blue's scale-out alarm fires and its policy raises blue's desired capacity
 * 4 → 5 (its max). The fleet decided it needs 5, so green must take over at 5, not at the 4
 * the deployment started with: the FleetReconciler sees blue above what the machine accounts
 * for and sends SCALE_OUT, and the machine grows green before cut-over. After the spike the
 * load is one 5 instances carry at 44 % CPU (4 would carry it at 55 %: no alarm of green's own
 * would add the fifth), so only drover's wiring gets green to 5.
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
const SWAP = '  deploy:\n    strategy: blueGreen\n    healthyTimeout: 30m\n    soak: 1m\n    keepPrevious: 2m\n';
/** Analysis on 5xx only: the spike's latency (the whole Classic ELB's, blue's too) is not green's fault. */
const CANARY = '  deploy:\n    strategy: canary\n    soak: 1m\n    keepPrevious: 2m\n    canary:\n      steps: [{setWeight: 25}, {pause: 15m}, {setWeight: 50}, {pause: 2m}]\n'
  + "    analysis:\n      - {name: 5xx-count, namespace: AWS/ELB, metric: HTTPCode_Backend_5XX, dimensions: {LoadBalancerName: '{green}'}, statistic: Sum, missingAsZero: true, max: 50}\n";
/** 30 % CPU on the 4 instances of the fleet before the deployment. */
const LOAD = 120;
const SPIKE = 800;
/** After the spike: 44 % on 5, 55 % on 4: no alarm fires. */
const AFTER = 220;
const GREEN_SERVES = new Set<string>([...CUT_OVER_STEPS, 'deleteBlue', 'verifyServing', 'succeeded']);

function yaml(ami: string, deploy: string): string {
  return fleetYaml({ min: 2, max: 5, extra: deploy })
    .replace('desired: 2}', 'desired: 4}')
    .replace('ami: ami-0a1b2c3d4e5f60001\n    bake', `ami: ${ami}\n    bake`);
}

describe('a deployment while the fleet scales blue out', () => {
  let env: DaemonEnv;
  afterEach(async () => {
    await env?.stop();
    env?.cleanup();
  });

  const status = () => localStatusNow(env.stateDir, 'shop');
  const deployment = () => status()?.deployment;

  /** A Ready fleet of 4, then the new AMI; records every non-blue group and blue's desired capacity as AWS holds it. */
  async function deploy(strategy: string) {
    env = createDaemonEnv({ manifests: { 'shop.yaml': yaml('ami-0a1b2c3d4e5f60001', strategy) }, options: { reconcilerFactory: (ctx) => fleetReconciler(ctx), manifestPollMs: 2_000 } });
    env.sim.setLoad(LB, LOAD);
    await env.daemon.start();
    expect(await env.drive(30 * 60_000, () => status()?.phase === 'Ready' && env.sim.inServiceCount(LB) === 4)).toBe(true);
    expect(env.sim.group(BLUE)?.desired).toBe(4);
    const seen = { greens: new Set<string>(), blueDesired: [] as number[] };
    env.sim.onTick(() => {
      for (const g of env.sim.groups()) if (g.name !== BLUE) seen.greens.add(g.name);
      const d = env.sim.group(BLUE)?.desired;
      if (d !== undefined && d !== seen.blueDesired[seen.blueDesired.length - 1]) seen.blueDesired.push(d);
    });
    fs.writeFileSync(path.join(env.dir, 'shop.yaml'), yaml('ami-0a1b2c3d4e5f60002', strategy));
    return seen;
  }

  /** The spike: blue's own scale-out alarm fires and its policy raises blue to 5 (its max); then the load settles. */
  async function spike(phase: string) {
    env.sim.setLoad(LB, SPIKE);
    expect(await env.drive(10 * 60_000, () => env.sim.group(BLUE)?.desired === 5)).toBe(true);
    expect(deployment()?.phase).toBe(phase);
    env.sim.setLoad(LB, AFTER);
    expect(await env.drive(90 * 60_000, () => deployment()?.result !== 'InProgress')).toBe(true);
  }

  /** Green serves 5, is the only green there ever was, carried all 5 from cut-over on, and InService never fell below the desired of the moment. */
  function expectGreenAtFive(kind: string, seen: { greens: Set<string>; blueDesired: number[] }) {
    const final = status()!;
    const d = final.deployment!;
    expect(d).toMatchObject({ kind, result: 'Succeeded' });
    expect(seen.blueDesired.slice(0, 2)).toEqual([4, 5]);
    expect(env.sim.group(GREEN)).toMatchObject({ desired: 5, loadBalancers: [LB] });
    expect(env.sim.inServiceCount(LB)).toBe(5);
    expect([...seen.greens]).toEqual([GREEN]);
    expect(env.sim.groups().map((g) => g.name)).toEqual([GREEN]);
    // The reconciler said so once: one SCALE_OUT of 1.
    expect(env.logger.events(EVENTS.deployScaleOut).map((r) => r.adjustment)).toEqual([1]);
    const pts = d.timeline!;
    const cut = pts.findIndex((p) => GREEN_SERVES.has(p.phase));
    expect(cut).toBeGreaterThan(0);
    expect(Math.min(...pts.slice(cut).map((p) => p.greenInService))).toBe(5);
    expect(pts.slice(cut).every((p) => p.desired === 5)).toBe(true);
    // A scale-out is owed as its instances come up, a fall at once: as the picture judges it.
    const total = pts.map((p) => p.blueInService + p.greenInService);
    const owed = owedCapacity(pts.map((p) => p.desired), total);
    for (const [i, p] of pts.entries()) expect({ at: p.at, phase: p.phase, serving: total[i] >= owed[i] }).toEqual({ at: p.at, phase: p.phase, serving: true });
    expect(renderTimelineSvg(d, { events: final.events })).toContain('InService never below desired');
    return d;
  }

  it('a swap: green takes over at the scaled-out desired capacity', async () => {
    const seen = await deploy(SWAP);
    expect(await env.drive(15 * 60_000, () => deployment()?.kind === 'swap' && deployment()?.phase === 'waitGreenHealthy')).toBe(true);
    await spike('waitGreenHealthy');
    expectGreenAtFive('swap', seen);
  }, 240_000);

  it('a canary: green is sized from the scaled-out desired capacity, from the pause on through cut-over', async () => {
    const seen = await deploy(CANARY);
    expect(await env.drive(15 * 60_000, () => deployment()?.kind === 'canary' && deployment()?.canary?.weight === 25 && deployment()?.phase === 'pause')).toBe(true);
    await spike('pause');
    const d = expectGreenAtFive('canary', seen);
    expect(d.canary).toMatchObject({ desired: 5, cutOver: true });
    // Weight 25 % over 5 needs 2 green instances: the pause re-sized green before weight 50 (3 of 5).
    const greenDuringPause = d.timeline!.filter((p) => p.phase === 'pause' && p.weight === 25).map((p) => p.greenInService);
    expect(Math.max(...greenDuringPause)).toBe(2);
  }, 240_000);
});
