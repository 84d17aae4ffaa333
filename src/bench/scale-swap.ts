/**
 * `swapOverheadUnderLoad` of `npm run bench -- scale` (issue 14): a blue/green swap of one fleet
 * to a new AMI on the scale world's account, under the same rate budgets, first alone, then
 * while every other fleet resyncs back to back (4 workers, batched observe, the lifecycle sweep).
 * Deployment steps spend the budgets at `deploy` priority and resync reads at `resync`, so the
 * swap should not queue behind the other fleets. The fleet's own reconciles run at resync
 * priority, as the daemon's loop runs every reconcile. Overhead is the time beyond the swap's
 * critical path (boot + healthy threshold × interval + draining, as swap-strategies measures
 * it), over that critical path.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FleetReconciler } from '../controllers/fleet/reconciler';
import type { SimEnv } from '../main/sim-env';
import type { DesiredFleet } from '../model/fleet';
import { withPriority } from '../util/priority';
import { flush, passVirtualTime } from '../util/virtual-drive';
import { resyncWork } from './scale-pass';

const NEW_AMI = 'ami-0a1b2c3d4e5f60002';
const BOOT_MS = 45_000; // the simulated account's default boot time (the scale world's)

export interface SwapRun {
  fleet: string;
  swapSeconds: number;
  overheadSeconds: number;
  overheadFraction: number;
  /** Resync passes over the other fleets that ran while the swap did. */
  resyncPasses: number;
  /** AWS calls made meanwhile, all fleets together. */
  calls: { read: number; mutating: number };
}

export interface SwapUnderLoad {
  criticalPathSeconds: number;
  criticalPath: string;
  quiet: SwapRun;
  underLoad: SwapRun;
}

/** The fleet as swap-strategies swaps it: no soak, blue not kept, so the swap ends when blue is drained. */
function swapFleet(f: DesiredFleet): DesiredFleet {
  return { ...f, deploy: { ...f.deploy, strategy: 'blueGreen', soakSeconds: 0, keepPreviousSeconds: 0 } };
}

function criticalPath(f: DesiredFleet): { seconds: number; what: string } {
  const hc = f.loadBalancer.healthCheck;
  const drain = f.loadBalancer.connectionDrainingSeconds;
  const boot = BOOT_MS / 1000;
  return { seconds: boot + hc.healthyThreshold * hc.intervalSeconds + drain, what: `boot ${boot} s + health ${hc.healthyThreshold}×${hc.intervalSeconds} s + draining ${drain} s` };
}

async function runSwap(env: SimEnv, base: DesiredFleet, others: DesiredFleet[], cp: number): Promise<SwapRun> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-scale-swap-'));
  let swapEndMs: number | undefined;
  const reconciler: FleetReconciler = new FleetReconciler({
    clients: env.clients, logger: env.logger, clock: env.clock, stateDir, ownershipCache: env.ownershipCache,
    sleep: (ms) => env.clock.sleep(ms),
    onDeploymentTransition: (_fleet, kind, phase) => {
      if (kind === 'swap' && phase === 'keepPrevious' && swapEndMs === undefined) swapEndMs = env.clock.nowMs();
    },
  });
  const target: DesiredFleet = { ...base, image: { ...base.image, ami: NEW_AMI } };
  const t0 = env.clock.nowMs();
  let resyncPasses = 0;
  let over = false;
  const swapping = (async () => {
    try {
      for (;;) {
        const pass = await withPriority('resync', () => reconciler.reconcile(target));
        if (pass.error) throw new Error(`swapping fleet ${target.name}: ${pass.error.message}`);
        const deploying = pass.deployment?.result === 'InProgress' || reconciler.runner.get(target.name) !== undefined;
        if (!deploying && !pass.result.pendingDeployment && pass.result.readiness.ready && swapEndMs !== undefined) return;
        if (env.clock.nowMs() - t0 > 3 * 3600_000) throw new Error(`swapping fleet ${target.name}: not done after 3 virtual hours`);
        await env.clock.sleep(pass.requeueAfterMs);
      }
    } finally {
      over = true;
    }
  })();
  const load = (async () => {
    while (others.length && !over) {
      await resyncWork(env, others);
      resyncPasses++;
    }
  })();
  const work = Promise.all([swapping, load]);
  let done = false;
  work.then(() => (done = true), () => (done = true));
  try {
    const before = env.clients.calls.totals();
    while (!done) await passVirtualTime(env.clock, (d) => env.sim.advance(d), 1_000, () => reconciler.runner.quiesce(() => flush(3)));
    await work;
    const after = env.clients.calls.totals();
    const calls = { read: after.read - before.read, mutating: after.mutating - before.mutating };
    const swapSeconds = (swapEndMs! - t0) / 1000;
    const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
    return { fleet: target.name, swapSeconds, overheadSeconds: round(swapSeconds - cp, 1), overheadFraction: round((swapSeconds - cp) / cp, 4), resyncPasses, calls };
  } finally {
    await reconciler.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

/** Swap fleets[0] alone, then fleets[1] while fleets[2..] resync; the world's budgets and batches as set up by the passes. */
export async function swapUnderLoad(env: SimEnv, fleets: DesiredFleet[], log: (line: string) => void): Promise<SwapUnderLoad> {
  const cp = criticalPath(fleets[0]);
  const quiet = await runSwap(env, swapFleet(fleets[0]), [], cp.seconds);
  log(`swap alone: ${quiet.swapSeconds} virtual s (critical path ${cp.seconds} s)`);
  const underLoad = await runSwap(env, swapFleet(fleets[1]), fleets.slice(2), cp.seconds);
  log(`swap beside ${fleets.length - 2} resyncing fleets: ${underLoad.swapSeconds} virtual s, ${underLoad.resyncPasses} passes meanwhile`);
  return { criticalPathSeconds: cp.seconds, criticalPath: cp.what, quiet, underLoad };
}
