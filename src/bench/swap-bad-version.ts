/**
 * `bench swap-strategies`, bad-version rows: deploy a build that passes health checks but
 * answers 30 % of requests with 5xx (`markAmiBroken(ami, { errorRate })`) and measure how much
 * traffic it served before it was stopped. blueGreen has no analysis: after cut-over it serves
 * everything until an operator acts. canary (Classic ELB: weight = green instances beside blue)
 * is stopped by its analysis (the built-in checks).
 *
 * canary on target groups (an ALB: the weight is the listener's forward weights) is stopped the
 * same way. Serving capacity counts, per sim tick, the instances the load balancer sends traffic
 * to: InService and not draining on a Classic ELB; on an ALB, healthy and not draining targets of
 * the target groups the listener forwards to with a weight above 0.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAwsPort } from '../aws/clients';
import { OwnershipCache } from '../providers/observe';
import { FleetReconciler } from '../controllers/fleet/reconciler';
import { nullLogger } from '../log/logger';
import type { DesiredFleet } from '../model/fleet';
import { createSimEnv } from '../main/sim-env';
import { createSimPlugin, type SimAccount } from '../sim';
import { flush, passVirtualTime } from '../util/virtual-drive';
import { convergeFleet } from './converge';

export const BAD_AMI = 'ami-0a1b2c3d4e5f60003';
export const BAD_ERROR_RATE = 0.3;

export interface BadVersionRow {
  strategy: 'blueGreen' | 'canary';
  loadBalancer: 'classic' | 'targetGroup';
  /** Least serving capacity over desired from the manifest change until the deployment ended. */
  minInServiceFraction: number;
  /** Requests the bad build served over all requests, from cut-over (blueGreen) or the first canary step until the deployment ended. */
  badVersionTrafficShare: number;
  /** From cut-over (blueGreen) or the first canary step until the abort began; null when nothing stopped it. */
  detectionSeconds: number | null;
  /** The deployment's last phase (succeeded, aborted, …). */
  result: string;
}

export interface BadVersionCase {
  strategy: BadVersionRow['strategy'];
  loadBalancer: BadVersionRow['loadBalancer'];
  /** The fleet this case deploys (strategy, canary steps, load balancer). */
  prepare(base: DesiredFleet): DesiredFleet;
}

const CANARY_STEPS = [{ setWeight: 10 }, { pauseSeconds: 300 }, { setWeight: 50 }, { pauseSeconds: 300 }, { setWeight: 100 }];

export const BAD_VERSION_CASES: BadVersionCase[] = [
  { strategy: 'blueGreen', loadBalancer: 'classic', prepare: (b) => ({ ...b, deploy: { ...b.deploy, strategy: 'blueGreen' } }) },
  {
    strategy: 'canary',
    loadBalancer: 'classic',
    prepare: (b) => ({ ...b, deploy: { ...b.deploy, strategy: 'canary', canary: { steps: CANARY_STEPS, onAbort: 'delete', analysisIntervalSeconds: 60 } } }),
  },
  {
    strategy: 'canary',
    loadBalancer: 'targetGroup',
    prepare: (b) => onAlb({ ...b, deploy: { ...b.deploy, strategy: 'canary', canary: { steps: CANARY_STEPS, onAbort: 'delete', analysisIntervalSeconds: 60 } } }),
  },
];

/** The same fleet behind an ALB, its target groups checked like the Classic ELB was. */
function onAlb(b: DesiredFleet): DesiredFleet {
  const hc = b.loadBalancer.healthCheck;
  const path = /^HTTPS?:\d+(\/.*)$/.exec(hc.target)?.[1] ?? '/';
  return {
    ...b,
    loadBalancer: {
      ...b.loadBalancer,
      listeners: [],
      elbv2: {
        type: 'application',
        listener: { protocol: 'HTTP', port: 80 },
        targetGroup: {
          protocol: 'HTTP',
          port: 80,
          healthCheck: { path, intervalSeconds: hc.intervalSeconds, timeoutSeconds: hc.timeoutSeconds, healthyThreshold: hc.healthyThreshold, unhealthyThreshold: hc.unhealthyThreshold },
          deregistrationDelaySeconds: b.loadBalancer.connectionDrainingSeconds,
        },
      },
    },
  };
}

const ABORT_PHASES = new Set(['abort', 'restoreTraffic', 'removeGreen', 'keepGreen', 'deleteGreen', 'aborted', 'rollback', 'swapRollback']);

function served(sim: SimAccount): { bad: number; total: number } {
  const s = sim.snapshot().metrics?.served ?? {};
  const total = Object.values(s).reduce((n, v) => n + v.requests, 0);
  return { bad: s[BAD_AMI]?.requests ?? 0, total };
}

function servingOf(sim: SimAccount, fleet: DesiredFleet): number {
  const running = new Set(sim.instances().filter((i) => i.state === 'running').map((i) => i.id));
  if (fleet.loadBalancer.elbv2) return albServing(sim, running);
  const lb = sim.loadBalancer(fleet.loadBalancer.name);
  return Object.entries(lb?.instances ?? {}).filter(([id, r]) => r.state === 'InService' && r.drainingUntil === undefined && running.has(id)).length;
}

/** Healthy, not draining targets of running instances in the target groups the listener forwards to with a weight above 0. */
function albServing(sim: SimAccount, running: Set<string>): number {
  const v2 = sim.snapshot().elbv2;
  let n = 0;
  for (const l of Object.values(v2?.listeners ?? {})) {
    for (const f of l.actions.find((a) => a.type === 'forward')?.targetGroups ?? []) {
      const tg = v2?.targetGroups[f.arn];
      if (!tg || f.weight <= 0) continue;
      n += Object.values(tg.targets).filter((t) => t.state === 'healthy' && t.drainingUntil === undefined && running.has(t.id)).length;
    }
  }
  return n;
}

export async function runBadVersion(base: DesiredFleet, c: BadVersionCase, bootMs: number): Promise<BadVersionRow> {
  const env = createSimEnv({ logger: nullLogger, timings: { bootMs } });
  const prepared = c.prepare(base);
  await convergeFleet(env, prepared);
  const sim = env.sim;
  sim.markAmiBroken(BAD_AMI, { errorRate: BAD_ERROR_RATE });
  const desired = prepared.capacity.desired;
  let minServing = servingOf(sim, prepared);
  sim.onTick(() => (minServing = Math.min(minServing, servingOf(sim, prepared))));
  const marks: { lastPhase?: string; exposedAt?: number; exposed?: { bad: number; total: number }; stepAt?: number; abortAt?: number } = {};
  const clients = createAwsPort({ region: 'eu-west-1', plugin: createSimPlugin(sim) });
  const fleet: DesiredFleet = { ...prepared, image: { ...prepared.image, ami: BAD_AMI } };
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-bench-bad-'));
  const reconciler: FleetReconciler = new FleetReconciler({
    clients, logger: nullLogger, clock: sim.clock, stateDir, ownershipCache: new OwnershipCache(),
    sleep: (ms): Promise<void> => passVirtualTime(sim.clock, (d) => sim.advance(d), ms, () => reconciler.runner.quiesce(flush)),
    onDeploymentTransition: (_fleet, _kind, phase) => {
      const now = sim.clock.nowMs();
      // Exposure: blue/green's cut-over; the canary's green before it first serves (its first step).
      // (A canary's green serves from InService, a poll before setWeight: those few seconds are left out.)
      if (!marks.exposed && (phase === 'deregisterBlue' || phase === 'setWeight')) Object.assign(marks, { exposedAt: now, exposed: served(sim) });
      marks.lastPhase = phase;
      if (marks.stepAt === undefined && (phase === 'deregisterBlue' || phase === 'setWeight')) marks.stepAt = now;
      if (marks.abortAt === undefined && ABORT_PHASES.has(phase)) marks.abortAt = now;
    },
  });
  try {
    const deadline = sim.clock.nowMs() + 6 * 3600_000;
    let started = false;
    for (;;) {
      const pass = await reconciler.reconcile(fleet);
      if (pass.error) throw new Error(`deploying ${BAD_AMI} to ${fleet.name}: ${pass.error.message}`);
      const running = reconciler.runner.get(fleet.name) !== undefined || pass.deployment?.result === 'InProgress';
      started ||= running;
      if (started && !running && pass.deployment?.kind !== 'bake') {
        const end = served(sim);
        const from = marks.exposed ?? end;
        const total = end.total - from.total;
        return {
          strategy: c.strategy,
          loadBalancer: c.loadBalancer,
          minInServiceFraction: Math.round((minServing / desired) * 1000) / 1000,
          badVersionTrafficShare: total > 0 ? Math.round(((end.bad - from.bad) / total) * 1000) / 1000 : 0,
          detectionSeconds: marks.abortAt !== undefined && marks.stepAt !== undefined ? (marks.abortAt - marks.stepAt) / 1000 : null,
          result: marks.lastPhase ?? 'unknown',
        };
      }
      if (sim.clock.nowMs() > deadline) throw new Error(`deploying ${BAD_AMI} to ${fleet.name}: not over after 6 virtual hours`);
      await passVirtualTime(sim.clock, (d) => sim.advance(d), pass.requeueAfterMs, () => reconciler.runner.quiesce(flush));
    }
  } finally {
    await reconciler.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}
