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
import { resyncObservations } from '../providers/observe';
import { AwsRateBudgets } from '../aws/rate-budgets';
import { benchIntakeThroughput } from './intake-throughput';
import { measureCliStartupRatio, type CliStartupRatio } from './cli-startup.bench';
import { intakeFleets } from './intake-messages';
import { assertSteady, buildScaleWorld } from './scale-world';
import { scaleDeps, scalePasses, WORKERS, type ScalePass, type ScalePasses } from './scale-pass';
import { swapUnderLoad, type SwapUnderLoad } from './scale-swap';
import { DAEMON_NODE_FLAGS, scaleRss, type ScaleRss } from './scale-rss';

export type { ScalePass } from './scale-pass';

export interface ScaleResult extends ScalePasses, Partial<CliStartupRatio> {
  fleets: number;
  workers: number;
  passVirtualSeconds: number;
  readsPerFleetPerPass: number;
  noopReconcileReads: number;
  noopReconcileByOperation: Record<string, number>;
  intakeMessagesPerCpuSecond: number | null;
  /** A daemon-like child process with 100 and `fleets` steady fleets after two passes (scale-rss.ts). */
  rssMb100: number;
  rssMb2000: number;
  rss: ScaleRss[];
  /** This bench's own process after building the world (every bench module and the world loaded). */
  benchProcessRssMb: number;
  /** Controller overhead over a blue/green swap's critical path while every other fleet resyncs (scale-swap.ts). */
  swapOverheadUnderLoad: number | null;
  swap: SwapUnderLoad | null;
  buildWallSeconds: number;
  notes: string[];
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

function rssAfterGc(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return mb(process.memoryUsage().rss);
}

export async function benchScale(root: string, count = 2000, log: (line: string) => void = () => undefined, o: { intake?: boolean; swap?: boolean; cli?: boolean } = {}): Promise<ScaleResult> {
  const notes: string[] = [];
  const rss = [scaleRss(root, 100), scaleRss(root, count)];
  log(`RSS of a daemon-like process: ${rss.map((r) => `${r.rssMb} MB at ${r.fleets} fleets`).join(', ')}`);

  const b0 = Date.now();
  const { env, fleets } = await buildScaleWorld(root, count);
  const buildWallSeconds = (Date.now() - b0) / 1000;
  const benchProcessRssMb = rssAfterGc();
  log(`${count} fleets built in ${buildWallSeconds} s: ${benchProcessRssMb} MB RSS (this process)`);
  await assertSteady(env, [fleets[0], fleets[Math.floor(count / 2)], fleets[count - 1]]);

  // One fleet, nothing to change, unbatched (warm ownership cache, as in a running daemon).
  await converge(fleets[1], scaleDeps(env));
  const noop = await env.clients.calls.measure(() => converge(fleets[1], scaleDeps(env)));

  limitAwsCalls(env.clients, new AwsRateBudgets(env.clock));
  env.ownershipCache.observations = resyncObservations(env.clients, { logger: env.logger, sleep: (ms) => env.clock.sleep(ms), nowMs: () => env.clock.nowMs(), knownTags: (k) => env.ownershipCache.tags.has(k) });
  const passes = await scalePasses(env, fleets, log);
  const steadiest = passes.refreshPass.virtualSeconds > passes.steadyPass.virtualSeconds ? passes.refreshPass : passes.steadyPass;
  let swap: SwapUnderLoad | null = null;
  if (o.swap !== false) {
    try {
      swap = await swapUnderLoad(env, fleets, log);
    } catch (err) {
      notes.push(`swap under load not measured: ${(err as Error).message}`);
    }
  }

  let intakeMessagesPerCpuSecond: number | null = null;
  if (o.intake !== false) try {
    const base = loadManifestFile(path.join(root, 'manifests/examples/magento-marketplace.yaml'))[0];
    const intake = await benchIntakeThroughput(intakeFleets(base, 10), 10_000, (l) => log(`  ${l}`), true);
    intakeMessagesPerCpuSecond = intake.perCpuSecond.messages;
  } catch (err) {
    notes.push(`intake not measured: ${(err as Error).message}`);
  }
  notes.push('Worlds are one converged example fleet (no storage, no bake, 2 instances) copied N times; 3 copies are checked steady by a dry-run reconcile.');
  notes.push('A pass is the daemon resync path (4 workers at resync priority, batched observe, the batched lifecycle sweep) without status writes; passVirtualSeconds is the heaviest of 13 steady passes 5 min apart after the warm pass (refreshPass: fleets re-read by age, 30 to 60 min, what they remembered), the cold and warm passes are start-up.');
  notes.push(`RSS (rssMb100, rssMb2000) is a child process that loads only drover, the SDK clients and the simulated account (in-process, so its state counts too), started with the daemon image's node flags (${DAEMON_NODE_FLAGS.join(' ')}), after a cold and a warm pass; benchProcessRssMb is this bench's own process.`);
  return {
    fleets: count,
    workers: WORKERS,
    passVirtualSeconds: steadiest.virtualSeconds,
    readsPerFleetPerPass: steadiest.readsPerFleet,
    noopReconcileReads: noop.calls.read,
    noopReconcileByOperation: noop.calls.byOperation,
    intakeMessagesPerCpuSecond,
    rssMb100: rss[0].rssMb,
    rssMb2000: rss[1].rssMb,
    rss,
    benchProcessRssMb,
    swapOverheadUnderLoad: swap?.underLoad.overheadFraction ?? null,
    swap,
    ...passes,
    buildWallSeconds,
    notes,
    ...(o.cli !== false ? measureCliStartupRatio(root) : {}),
  };
}

export function summarizeScale(r: ScaleResult): string {
  const p = (x: ScalePass) => `${x.virtualSeconds} virtual s, ${x.reads} reads (${x.readsPerFleet}/fleet), ${x.batches} batches, ${x.wallMs} ms wall, ${x.cpuMs} CPU ms`;
  return [
    `  ${r.fleets} fleets, ${r.workers} workers, rate budget on`,
    `  steady pass:  ${p(r.steadyPass)}`,
    `  refresh pass: ${p(r.refreshPass)}`,
    `  warm pass:    ${p(r.warmPass)}`,
    `  cold pass:    ${p(r.coldPass)}`,
    r.swap ? `  swap: ${r.swap.quiet.swapSeconds} s alone, ${r.swap.underLoad.swapSeconds} s beside the resync (critical path ${r.swap.criticalPathSeconds} s): overhead ${(r.swap.quiet.overheadFraction * 100).toFixed(1)} % -> ${(r.swap.underLoad.overheadFraction * 100).toFixed(1)} %` : '  swap: not measured',
    `  no-op reconcile, unbatched: ${r.noopReconcileReads} reads`,
    `  RSS: ${r.rssMb100} MB at 100 fleets, ${r.rssMb2000} MB at ${r.fleets}; intake (limiter on): ${r.intakeMessagesPerCpuSecond ?? 'n/a'} msg/CPU-s`,
    `  CLI start-up: drover get fleets ${r.cliStartupMs ?? 'n/a'} ms = ${r.cliStartupRatio ?? 'n/a'} x node -e 0 (${r.nodeStartupMs ?? 'n/a'} ms)`,
  ].join('\n');
}
