/**
 * `npm run bench -- scale` (issue 14): one resync pass over 2,000 steady fleets, the daemon's
 * way: the rate budget on the port, 4 workers, every fleet's reconcile (observe, plan, nothing
 * to apply) served from cross-fleet batches (providers/fleet/observation-cache.ts). The first
 * pass is cold (ownership tags of every load balancer and alarm are read once); the second is the
 * steady pass the figures are about. Also: the reads of one no-op reconcile on the unbatched
 * path, RSS after building 100 and 2,000 fleets, and intake messages per CPU-second with the
 * limiter on (the intake bench's own path). Counts and virtual seconds first, times beside.
 */
import * as path from 'node:path';
import { limitAwsCalls } from '../aws/rate-limit';
import { converge } from '../controllers/fleet/converge';
import { loadManifestFile } from '../manifest';
import type { SimEnv } from '../main/sim-env';
import type { DesiredFleet } from '../model/fleet';
import { resyncObservations } from '../providers/observe';
import { AwsRateBudgets } from '../aws/rate-budgets';
import { flush, passVirtualTime } from '../util/virtual-drive';
import { benchIntakeThroughput } from './intake-throughput';
import { measureCliStartupRatio, type CliStartupRatio } from './cli-startup.bench';
import { intakeFleets } from './intake-messages';
import { assertSteady, buildScaleWorld } from './scale-world';

export interface ScalePass {
  fleets: number;
  virtualSeconds: number;
  reads: number;
  mutating: number;
  readsPerFleet: number;
  byOperation: Record<string, number>;
  batches: number;
  servedFromBatch: number;
  expired: number;
  wallMs: number;
  cpuMs: number;
}

export interface ScaleResult extends Partial<CliStartupRatio> {
  fleets: number;
  workers: number;
  passVirtualSeconds: number;
  readsPerFleetPerPass: number;
  noopReconcileReads: number;
  noopReconcileByOperation: Record<string, number>;
  intakeMessagesPerCpuSecond: number | null;
  rssMb100: number;
  rssMb2000: number;
  /** Not measured by this bench yet (needs a swap beside the 2,000-fleet resync). */
  swapOverheadUnderLoad: number | null;
  coldPass: ScalePass;
  steadyPass: ScalePass;
  buildWallSeconds: number;
  notes: string[];
}

const WORKERS = 4;
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function rssAfterGc(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return mb(process.memoryUsage().rss);
}

function deps(env: SimEnv) {
  return { clients: env.clients, logger: env.logger, sleep: (ms: number) => env.clock.sleep(ms), calls: env.clients.calls, ownershipCache: env.ownershipCache };
}

/** One resync pass: the batch pass starts, WORKERS reconcile every fleet once, virtual time passes as the budget allows. */
async function resyncPass(env: SimEnv, fleets: DesiredFleet[]): Promise<ScalePass> {
  const cache = env.ownershipCache.observations!;
  const stats0 = { ...cache.stats };
  const t0 = env.clock.nowMs();
  const wall0 = Date.now();
  const cpu0 = cpuMs();
  cache.startPass(fleets);
  let next = 0;
  const failures: string[] = [];
  const worker = async () => {
    while (next < fleets.length) {
      const f = fleets[next++];
      const r = await converge(f, deps(env));
      if (r.failed || r.applied.length) failures.push(`${f.name}: ${r.failed?.error.message ?? `${r.applied.length} step(s) applied`}`);
    }
  };
  let done = false;
  const { result: _r, calls } = await env.clients.calls.measure(async () => {
    const work = Promise.all(Array.from({ length: WORKERS }, worker)).then(() => (done = true));
    while (!done) await passVirtualTime(env.clock, (d) => env.sim.advance(d), 1_000, () => flush(3));
    await work;
  });
  if (failures.length) throw new Error(`scale: a steady fleet did not reconcile cleanly: ${failures.slice(0, 3).join('; ')}`);
  const reads = calls.read;
  return {
    fleets: fleets.length,
    virtualSeconds: (env.clock.nowMs() - t0) / 1000,
    reads,
    mutating: calls.mutating,
    readsPerFleet: Math.round((reads / fleets.length) * 1000) / 1000,
    byOperation: calls.byOperation,
    batches: cache.stats.batches - stats0.batches,
    servedFromBatch: cache.stats.served - stats0.served,
    expired: cache.stats.expired - stats0.expired,
    wallMs: Date.now() - wall0,
    cpuMs: Math.round(cpuMs() - cpu0),
  };
}

/** RSS with a world of `count` fleets built (the world is dropped after). */
async function rssOfWorld(root: string, count: number): Promise<number> {
  const world = await buildScaleWorld(root, count);
  const rss = rssAfterGc();
  return world.fleets.length ? rss : 0;
}

export async function benchScale(root: string, count = 2000, log: (line: string) => void = () => undefined, o: { intake?: boolean; cli?: boolean } = {}): Promise<ScaleResult> {
  const notes: string[] = [];
  const rssMb100 = await rssOfWorld(root, 100);
  log(`100 fleets built: ${rssMb100} MB RSS`);

  const b0 = Date.now();
  const { env, fleets } = await buildScaleWorld(root, count);
  const buildWallSeconds = (Date.now() - b0) / 1000;
  const rssMb2000 = rssAfterGc();
  log(`${count} fleets built in ${buildWallSeconds} s: ${rssMb2000} MB RSS`);
  await assertSteady(env, [fleets[0], fleets[Math.floor(count / 2)], fleets[count - 1]]);

  // One fleet, nothing to change, unbatched (warm ownership cache, as in a running daemon).
  await converge(fleets[1], deps(env));
  const noop = await env.clients.calls.measure(() => converge(fleets[1], deps(env)));

  limitAwsCalls(env.clients, new AwsRateBudgets(env.clock));
  env.ownershipCache.observations = resyncObservations(env.clients, { logger: env.logger, sleep: (ms) => env.clock.sleep(ms), nowMs: () => env.clock.nowMs(), knownTags: (k) => env.ownershipCache.tags.has(k) });
  const coldPass = await resyncPass(env, fleets);
  log(`cold pass: ${coldPass.virtualSeconds} virtual s, ${coldPass.reads} reads, ${coldPass.wallMs} ms wall`);
  env.sim.advance(300_000);
  const steadyPass = await resyncPass(env, fleets);
  log(`steady pass: ${steadyPass.virtualSeconds} virtual s, ${steadyPass.reads} reads, ${steadyPass.wallMs} ms wall`);

  let intakeMessagesPerCpuSecond: number | null = null;
  if (o.intake !== false) try {
    const base = loadManifestFile(path.join(root, 'manifests/examples/magento-marketplace.yaml'))[0];
    const intake = await benchIntakeThroughput(intakeFleets(base, 10), 10_000, (l) => log(`  ${l}`), true);
    intakeMessagesPerCpuSecond = intake.perCpuSecond.messages;
  } catch (err) {
    notes.push(`intake not measured: ${(err as Error).message}`);
  }
  notes.push('Worlds are one converged example fleet (no storage, no bake, 2 instances) copied N times; 3 copies are checked steady by a dry-run reconcile.');
  notes.push('The pass is the daemon resync path without status writes or the lifecycle sweep (one DescribeAutoScalingGroups per fleet per resync, outside this batching).');
  notes.push('RSS is the whole bench process after building the world: drover and the simulated account together.');
  return {
    fleets: count,
    workers: WORKERS,
    passVirtualSeconds: steadyPass.virtualSeconds,
    readsPerFleetPerPass: steadyPass.readsPerFleet,
    noopReconcileReads: noop.calls.read,
    noopReconcileByOperation: noop.calls.byOperation,
    intakeMessagesPerCpuSecond,
    rssMb100,
    rssMb2000,
    swapOverheadUnderLoad: null,
    coldPass,
    steadyPass,
    buildWallSeconds,
    notes,
    ...(o.cli !== false ? measureCliStartupRatio(root) : {}),
  };
}

export function summarizeScale(r: ScaleResult): string {
  const p = (x: ScalePass) => `${x.virtualSeconds} virtual s, ${x.reads} reads (${x.readsPerFleet}/fleet), ${x.batches} batches, ${x.wallMs} ms wall, ${x.cpuMs} CPU ms`;
  return [
    `  ${r.fleets} fleets, ${r.workers} workers, rate budget on`,
    `  steady pass: ${p(r.steadyPass)}`,
    `  cold pass:   ${p(r.coldPass)}`,
    `  no-op reconcile, unbatched: ${r.noopReconcileReads} reads`,
    `  RSS: ${r.rssMb100} MB at 100 fleets, ${r.rssMb2000} MB at ${r.fleets}; intake (limiter on): ${r.intakeMessagesPerCpuSecond ?? 'n/a'} msg/CPU-s`,
    `  CLI start-up: drover get fleets ${r.cliStartupMs ?? 'n/a'} ms = ${r.cliStartupRatio ?? 'n/a'} x node -e 0 (${r.nodeStartupMs ?? 'n/a'} ms)`,
  ].join('\n');
}
