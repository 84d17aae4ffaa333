/**
 * `bench swap-strategies`: swap a 10-instance fleet to a new AMI in the simulated account
 * with realistic delays (boot 90 s, health check every 30 s with threshold 2, draining
 * 300 s), three ways: drover's blue/green swap, drover's rolling refresh (90 % healthy), and
 * the seed write-up's procedure replayed over the same clients. For each: virtual time,
 * least serving capacity, instance-hours, API calls, and time beyond the critical path.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Pluggable } from '@smithy/types';
import { createAwsPort, type AwsPort } from '../aws/clients';
import { isReadOnlyCommand } from '../aws/commands';
import { OwnershipCache } from '../providers/observe';
import { FleetReconciler } from '../controllers/fleet/reconciler';
import { nullLogger } from '../log/logger';
import { loadManifestFile } from '../manifest';
import type { DesiredFleet } from '../model/fleet';
import { createSimEnv } from '../main/sim-env';
import { createSimPlugin, type SimAccount } from '../sim';
import { flush, passVirtualTime } from '../util/virtual-drive';
import { convergeFleet, withCapacity } from './converge';
import { replaySeedProcedure } from './seed-baseline';
import { BAD_ERROR_RATE, BAD_VERSION_CASES, runBadVersion, type BadVersionRow } from './swap-bad-version';

const INSTANCES = 10;
const NEW_AMI = 'ami-0a1b2c3d4e5f60002';
const POLL_SECONDS = 10;

export type Strategy = 'blueGreen' | 'rolling' | 'seedBaseline';

export interface SwapStrategyRow {
  strategy: Strategy;
  /** Virtual seconds from the manifest change until old capacity is gone (blue/green: until keepPrevious starts). */
  swapSeconds: number;
  /** Virtual seconds until the deployment was over (blue deleted, refresh done, intermediate gone). */
  totalSeconds: number;
  /** Least serving capacity (InService, not draining, instance running) over desired, during the swap. */
  minInServiceFraction: number;
  /** Instances running, integrated from the start until only the new instances run. */
  instanceHours: number;
  /** Instance-hours beyond the fleet's steady `desired` over the same window. */
  extraInstanceHours: number;
  apiCalls: { total: number; read: number; mutating: number };
  /** What the swap cannot go faster than, and what that is made of. */
  criticalPathSeconds: number;
  criticalPath: string;
  overheadSeconds: number;
  overheadFraction: number;
}

export interface SwapStrategiesResult {
  parameters: Record<string, unknown>;
  rows: SwapStrategyRow[];
  /**
   * Blue/green again with boot times off the 10 s poll grid: at 90 s every wait ends exactly on
   * a poll, so these show the overhead when it does not.
   */
  blueGreenPollPhase: Array<{ bootSeconds: number; swapSeconds: number; criticalPathSeconds: number; overheadFraction: number }>;
  /** A build healthy by health checks but serving 5xx: how much traffic it got before it was stopped (see swap-bad-version.ts). */
  badVersion: BadVersionRow[];
}

/** `bootMs`: the account's instance boot time (90 s; other values show how poll phase moves the overhead). */
export async function benchSwapStrategies(root: string, opts: { bootMs?: number; strategies?: Strategy[] } = {}): Promise<SwapStrategiesResult> {
  const example = loadManifestFile(path.join(root, 'manifests/examples/magento-marketplace.yaml'))[0];
  const base = benchFleet(example);
  const bootMs = opts.bootMs ?? 90_000;
  const rows: SwapStrategyRow[] = [];
  for (const strategy of opts.strategies ?? (['blueGreen', 'rolling', 'seedBaseline'] as const)) rows.push(await runStrategy(base, strategy, bootMs));
  const blueGreenPollPhase = [];
  if (!opts.strategies) {
    for (const boot of [93_000, 97_000, 101_000]) {
      const r = await runStrategy(base, 'blueGreen', boot);
      blueGreenPollPhase.push({ bootSeconds: boot / 1000, swapSeconds: r.swapSeconds, criticalPathSeconds: r.criticalPathSeconds, overheadFraction: r.overheadFraction });
    }
  }
  const badVersion: BadVersionRow[] = [];
  if (!opts.strategies) for (const c of BAD_VERSION_CASES) badVersion.push(await runBadVersion(base, c, bootMs));
  const hc = base.loadBalancer.healthCheck;
  return {
    parameters: {
      instances: INSTANCES,
      bootSeconds: bootMs / 1000,
      healthCheck: { intervalSeconds: hc.intervalSeconds, healthyThreshold: hc.healthyThreshold },
      connectionDrainingSeconds: base.loadBalancer.connectionDrainingSeconds,
      soakSeconds: 0,
      keepPreviousSeconds: 0,
      minHealthyPercent: 90,
      pollSeconds: POLL_SECONDS,
      notes: [
        'soak is 0 s for the overhead measurement; with a soak, blue/green takes that much longer by design',
        'keepPrevious is 0 s and excluded from swapSeconds (blue holds no instances while it is kept); totalSeconds includes deleting blue',
        'serving capacity counts an instance only while the ELB has it InService, not draining, and EC2 has it running',
        `badVersion: the new build answers ${BAD_ERROR_RATE * 100} % of requests with 5xx but passes health checks; canary steps 10 %, pause 5m, 50 %, pause 5m, 100 % with the built-in analysis`,
      ],
    },
    rows,
    blueGreenPollPhase,
    badVersion,
  };
}

function benchFleet(example: DesiredFleet): DesiredFleet {
  const fleet = withCapacity(example, INSTANCES);
  return {
    ...fleet,
    loadBalancer: { ...fleet.loadBalancer, name: example.loadBalancer.name },
    deploy: { ...fleet.deploy, soakSeconds: 0, keepPreviousSeconds: 0, minHealthyPercent: 90 },
  };
}

async function runStrategy(base: DesiredFleet, strategy: Strategy, bootMs: number): Promise<SwapStrategyRow> {
  const env = createSimEnv({ logger: nullLogger, timings: { bootMs } });
  await convergeFleet(env, base);
  const meter = new SwapMeter(env.sim, base);
  const clients = createAwsPort({ region: 'eu-west-1', plugin: sampling(env.sim, () => meter.sample()) });
  const t0 = env.clock.nowMs();
  meter.start();
  const marks = strategy === 'seedBaseline' ? await runSeed(clients, env.sim, base) : await runController(clients, env.sim, { ...base, deploy: { ...base.deploy, strategy } });
  return meter.row(strategy, t0, marks, criticalPath(base, strategy, env.sim, t0, bootMs));
}

interface Marks {
  swapEndMs: number;
  doneMs: number;
}

async function runController(clients: AwsPort, sim: SimAccount, base: DesiredFleet): Promise<Marks> {
  const fleet: DesiredFleet = { ...base, image: { ...base.image, ami: NEW_AMI } };
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-bench-'));
  let swapEndMs: number | undefined;
  const reconciler: FleetReconciler = new FleetReconciler({
    clients, logger: nullLogger, clock: sim.clock, stateDir, ownershipCache: new OwnershipCache(),
    sleep: (ms): Promise<void> => passVirtualTime(sim.clock, (d) => sim.advance(d), ms, () => reconciler.runner.quiesce(flush)),
    onDeploymentTransition: (_fleet, kind, phase) => {
      const over = kind === 'swap' ? phase === 'keepPrevious' : phase === 'succeeded' || phase === 'failed';
      if (over && swapEndMs === undefined) swapEndMs = sim.clock.nowMs();
    },
  });
  try {
    const deadline = sim.clock.nowMs() + 6 * 3600_000;
    for (;;) {
      const pass = await reconciler.reconcile(fleet);
      const deploying = pass.deployment?.result === 'InProgress' || reconciler.runner.get(fleet.name) !== undefined;
      if (pass.error) throw new Error(`swapping fleet ${fleet.name}: ${pass.error.message}`);
      if (!deploying && !pass.result.pendingDeployment && pass.result.readiness.ready && swapEndMs !== undefined) break;
      if (sim.clock.nowMs() > deadline) throw new Error(`swapping fleet ${fleet.name}: not done after 6 virtual hours`);
      await passVirtualTime(sim.clock, (d) => sim.advance(d), pass.requeueAfterMs, () => reconciler.runner.quiesce(flush));
    }
    return { swapEndMs: swapEndMs!, doneMs: sim.clock.nowMs() };
  } finally {
    await reconciler.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

async function runSeed(clients: AwsPort, sim: SimAccount, fleet: DesiredFleet): Promise<Marks> {
  const group = sim.groups()[0].name;
  await replaySeedProcedure(clients, { fleet, groupName: group, toAmi: NEW_AMI, pollMs: POLL_SECONDS * 1000, wait: async (ms) => sim.advance(ms) });
  return { swapEndMs: sim.clock.nowMs(), doneMs: sim.clock.nowMs() };
}

/** The AWS-imposed waits a strategy cannot avoid; drover's overhead is everything beyond them. */
function criticalPath(fleet: DesiredFleet, strategy: Strategy, sim: SimAccount, t0: number, bootMs: number): () => { seconds: number; what: string } {
  const hc = fleet.loadBalancer.healthCheck;
  const boot = bootMs / 1000;
  const health = hc.healthyThreshold * hc.intervalSeconds;
  const drain = fleet.loadBalancer.connectionDrainingSeconds;
  return () => {
    if (strategy === 'blueGreen') return { seconds: boot + health + drain, what: `boot ${boot} s + health ${hc.healthyThreshold}×${hc.intervalSeconds} s + draining ${drain} s` };
    if (strategy === 'seedBaseline') return { seconds: 2 * (boot + health), what: `intermediate boot ${boot} s + health ${health} s, then replacements boot ${boot} s + health ${health} s (no draining)` };
    const refresh = sim.snapshot().refreshes.find((r) => r.startedAt >= t0);
    const seconds = refresh?.endedAt !== undefined ? (refresh.endedAt - refresh.startedAt) / 1000 : NaN;
    return { seconds, what: `the instance refresh itself, as Auto Scaling reports it (batches of 1: boot, health, instance warm-up ${fleet.loadBalancer.healthCheckGracePeriodSeconds} s, draining ${drain} s)` };
  };
}

/** Samples serving capacity and running instances at every lifecycle step and after every call. */
class SwapMeter {
  private timeline: Array<{ t: number; serving: number; running: number }> = [];
  private firstCall = 0;

  constructor(
    private readonly sim: SimAccount,
    private readonly fleet: DesiredFleet,
  ) {}

  start(): void {
    this.firstCall = this.sim.calls.length;
    this.sample();
    this.sim.onTick(() => this.sample());
  }

  sample(): void {
    const running = new Set(this.sim.instances().filter((i) => i.state === 'running').map((i) => i.id));
    const lb = this.sim.loadBalancer(this.fleet.loadBalancer.name);
    const serving = Object.entries(lb?.instances ?? {}).filter(([id, r]) => r.state === 'InService' && r.drainingUntil === undefined && running.has(id)).length;
    this.timeline.push({ t: this.sim.clock.nowMs(), serving, running: running.size });
  }

  row(strategy: Strategy, t0: number, marks: Marks, critical: () => { seconds: number; what: string }): SwapStrategyRow {
    const desired = this.fleet.capacity.desired;
    const during = this.timeline.filter((s) => s.t >= t0 && s.t <= marks.swapEndMs);
    const settledAt = this.timeline.find((s) => s.t >= marks.swapEndMs && s.running <= desired)?.t ?? marks.doneMs;
    const instanceHours = this.integrate(t0, settledAt);
    const calls = this.sim.calls.slice(this.firstCall).filter((c) => c.atMs <= marks.doneMs);
    const read = calls.filter((c) => isReadOnlyCommand(c.operation)).length;
    const cp = critical();
    const swapSeconds = (marks.swapEndMs - t0) / 1000;
    return {
      strategy,
      swapSeconds,
      totalSeconds: (marks.doneMs - t0) / 1000,
      minInServiceFraction: round(Math.min(...during.map((s) => s.serving)) / desired, 3),
      instanceHours: round(instanceHours, 3),
      extraInstanceHours: round(instanceHours - (desired * (settledAt - t0)) / 3600_000, 3),
      apiCalls: { total: calls.length, read, mutating: calls.length - read },
      criticalPathSeconds: cp.seconds,
      criticalPath: cp.what,
      overheadSeconds: round(swapSeconds - cp.seconds, 1),
      overheadFraction: round((swapSeconds - cp.seconds) / cp.seconds, 4),
    };
  }

  /** Running instances over [from, to], in instance-hours (a step function between samples). */
  private integrate(from: number, to: number): number {
    let area = 0;
    const points = this.timeline.filter((s) => s.t <= to);
    for (let i = 0; i < points.length; i++) {
      const start = Math.max(points[i].t, from);
      const end = Math.min(points[i + 1]?.t ?? to, to);
      if (end > start) area += points[i].running * (end - start);
    }
    return area / 3600_000;
  }
}

/** The simulated account's plugin, with a look at the world after every call. */
function sampling(sim: SimAccount, after: () => void): Pluggable<any, any> {
  const plugin = createSimPlugin(sim);
  return {
    applyToStack: (stack: any) => {
      stack.add(
        (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
          try {
            return await next(args);
          } finally {
            after();
          }
        },
        { step: 'initialize', name: 'benchSampler', priority: 'high' },
      );
      plugin.applyToStack(stack);
    },
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
