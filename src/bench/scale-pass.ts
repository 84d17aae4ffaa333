/**
 * The resync passes of `npm run bench -- scale` (issue 14), the daemon's way: the rate budgets on
 * the port, 4 workers at resync priority, every fleet's reconcile (observe, plan, nothing to
 * apply) served from cross-fleet batches (providers/fleet/observation-cache.ts), and the
 * lifecycle sweep of every fleet in batches beside them. Kept apart from scale.bench.ts so the
 * pass figures and the intake figures of that bench change in separate files.
 *
 * Passes, 5 virtual minutes apart as the daemon's resync: cold (ownership tags and remembered
 * answers read once), warm (fleets whose slice expired in the cold pass remember now), then a
 * steady pass every 5 minutes for 65 minutes, through the wave of fleets re-reading by age what
 * they remembered (30 to 60 minutes, spread by fleet). `steadyPass` is the first of them, the
 * refresh pass the heaviest; `passVirtualSeconds` is the heaviest.
 */
import { converge } from '../controllers/fleet/converge';
import { LifecycleHookHandler } from '../controllers/fleet/lifecycle-hooks';
import type { SimEnv } from '../main/sim-env';
import type { DesiredFleet } from '../model/fleet';
import { lifecycleActionsPort } from '../providers/autoscaling/lifecycle-actions';
import { withPriority } from '../util/priority';
import { flush, passVirtualTime } from '../util/virtual-drive';

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
  /** On the refresh pass: how many steady passes it was the heaviest of. */
  steadyPasses?: number;
}

export interface ScalePasses {
  coldPass: ScalePass;
  warmPass: ScalePass;
  steadyPass: ScalePass;
  refreshPass: ScalePass;
}

export const WORKERS = 4;
const RESYNC_MS = 300_000;

export const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export function scaleDeps(env: SimEnv) {
  return { clients: env.clients, logger: env.logger, sleep: (ms: number) => env.clock.sleep(ms), calls: env.clients.calls, ownershipCache: env.ownershipCache };
}

/** Reconcile `fleets` once each on WORKERS workers at resync priority, with the batched lifecycle sweep; throws on any change or failure. */
export async function resyncWork(env: SimEnv, fleets: DesiredFleet[]): Promise<void> {
  env.ownershipCache.observations!.startPass(fleets);
  const sweeper = new LifecycleHookHandler({ port: lifecycleActionsPort(env.clients, { logger: env.logger, sleep: (ms) => env.clock.sleep(ms) }), clock: env.clock, logger: env.logger });
  let next = 0;
  const failures: string[] = [];
  const worker = async () => {
    while (next < fleets.length) {
      const f = fleets[next++];
      const r = await converge(f, scaleDeps(env));
      if (r.failed || r.applied.length) failures.push(`${f.name}: ${r.failed?.error.message ?? `${r.applied.length} step(s) applied`}`);
    }
  };
  await withPriority('resync', () => Promise.all([sweeper.sweepAll(fleets), ...Array.from({ length: WORKERS }, worker)]));
  if (failures.length) throw new Error(`scale: a steady fleet did not reconcile cleanly: ${failures.slice(0, 3).join('; ')}`);
}

/** Drive virtual time (the sim and every waiting token bucket) until `work` settles. */
export async function driveUntil<T>(env: SimEnv, work: Promise<T>): Promise<T> {
  let done = false;
  const settled = work.finally(() => (done = true));
  settled.catch(() => undefined);
  while (!done) await passVirtualTime(env.clock, (d) => env.sim.advance(d), 1_000, () => flush(3));
  return settled;
}

/** One resync pass, measured. */
export async function resyncPass(env: SimEnv, fleets: DesiredFleet[]): Promise<ScalePass> {
  const cache = env.ownershipCache.observations!;
  const stats0 = { ...cache.stats };
  const t0 = env.clock.nowMs();
  const wall0 = Date.now();
  const cpu0 = cpuMs();
  const { calls } = await env.clients.calls.measure(() => driveUntil(env, resyncWork(env, fleets)));
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

/** Move virtual time to `atMs` (the daemon's resync interval between passes). */
function waitUntil(env: SimEnv, atMs: number): void {
  if (atMs > env.clock.nowMs()) env.sim.advance(atMs - env.clock.nowMs());
}

/** Steady passes every 5 minutes after the warm pass, through the wave of age re-reads (30 to 60 minutes). */
const STEADY_WINDOW_MS = 65 * 60_000;

/**
 * Cold, warm, then a pass every 5 virtual minutes for an hour: `steadyPass` is the first of those,
 * `refreshPass` the heaviest (most virtual seconds) of them all; `log` gets one line per pass.
 */
export async function scalePasses(env: SimEnv, fleets: DesiredFleet[], log: (line: string) => void): Promise<ScalePasses> {
  const line = (name: string, p: ScalePass) => log(`${name} pass: ${p.virtualSeconds} virtual s, ${p.reads} reads, ${p.wallMs} ms wall`);
  const coldPass = await resyncPass(env, fleets);
  line('cold', coldPass);
  waitUntil(env, env.clock.nowMs() + RESYNC_MS);
  const warmStart = env.clock.nowMs();
  const warmPass = await resyncPass(env, fleets);
  line('warm', warmPass);
  let steadyPass: ScalePass | undefined;
  let refreshPass: ScalePass | undefined;
  let steadyPasses = 0;
  for (let at = warmStart + RESYNC_MS; at <= warmStart + STEADY_WINDOW_MS; at += RESYNC_MS) {
    waitUntil(env, at);
    const p = await resyncPass(env, fleets);
    steadyPasses++;
    steadyPass ??= p;
    if (!refreshPass || p.virtualSeconds > refreshPass.virtualSeconds || (p.virtualSeconds === refreshPass.virtualSeconds && p.reads > refreshPass.reads)) refreshPass = p;
    line(`steady ${Math.round((at - warmStart) / 60_000)} min`, p);
  }
  return { coldPass, warmPass, steadyPass: steadyPass!, refreshPass: { ...refreshPass!, steadyPasses } };
}
