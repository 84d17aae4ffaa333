/**
 * `npm run bench -- replicas [--kills N] [--seed N]`: the multi-replica harness (replicas/) with
 * 3 daemon processes, 10 fleets and the default lease settings. First a steady-state window
 * (nothing to do but resyncs and renewals) counts state-table writes; then, N times, a fleet is
 * rolled out and its owner killed with SIGKILL in the middle of the swap, the swap must finish
 * under another replica, and a fresh replica joins in its place (the shards rebalance). Failover
 * is measured from each kill to another replica's first reconcile of each fleet the victim
 * owned, on the account's virtual clock (the clock every replica's leases run on).
 */
import * as os from 'node:os';
import { seededRandom } from '../util/backoff';
import { AMIS } from './replicas/fleets';
import { ReplicaHarness } from './replicas/harness';
import { balanced, convergedAndSplit, invariants, killOwnerMidSwap, median, type KillOutcome } from './replicas/scenario';
import { sleepVirtual } from './replicas/time-driver';

export interface ReplicasBenchOptions {
  root: string;
  kills?: number;
  seed?: number;
  replicas?: number;
  fleets?: number;
  log?: (line: string) => void;
}

export interface ReplicasBenchResult {
  replicas: number;
  fleets: number;
  kills: number;
  failoverSeconds: { max: number; median: number; samples: number };
  shardDoubleOwnership: number;
  duplicateLifecycleCompletions: number;
  doubleGreens: number;
  capacityBelowDesired: number;
  /** Fleet records, lifecycle claims and message dedupe, per fleet per virtual minute, in steady state. */
  stateWritesPerFleetPerMinute: number;
  /** Heartbeats and shard records, per replica per virtual minute, in steady state (they grow with replicas only). */
  leaseWritesPerReplicaPerMinute: number;
  steadyWindowMinutes: number;
  steadyWritesByKind: Record<string, number>;
  swapsFinishedByAnotherReplica: number;
  lifecycleActionsCompleted: number;
  virtualMinutes: number;
  cpus: number;
  loadAverage: number;
  kills_detail: Array<Omit<KillOutcome, 'killedAtMs'>>;
  details: string[];
}

const STEADY_MS = 10 * 60_000;

export async function benchReplicas(opts: ReplicasBenchOptions): Promise<ReplicasBenchResult> {
  const log = opts.log ?? (() => undefined);
  const replicas = opts.replicas ?? 3;
  const kills = opts.kills ?? 6;
  const random = seededRandom(opts.seed ?? 20261204);
  const h = await ReplicaHarness.start({ root: opts.root, fleets: opts.fleets ?? 10, seed: opts.seed ?? 1 });
  const startMs = h.nowMs();
  try {
    for (let i = 0; i < replicas; i++) await h.addReplica();
    await convergedAndSplit(h);
    log(`converged ${h.fleets.length} fleets on ${replicas} replicas in ${Math.round((h.nowMs() - startMs) / 1000)} virtual s`);
    // Let the first passes' writes settle, then count a quiet window.
    await sleepVirtual(h.sim, 2 * 60_000);
    const from = h.nowMs();
    await sleepVirtual(h.sim, STEADY_MS);
    const steady = h.writesBetween(from, h.nowMs());
    const minutes = STEADY_MS / 60_000;
    const { lease = 0, ...state } = steady;
    const stateWrites = Object.values(state).reduce((a, b) => a + b, 0);
    log(`steady state over ${minutes} virtual min: ${JSON.stringify(steady)}`);

    const outcomes: KillOutcome[] = [];
    for (let k = 0; k < kills; k++) {
      const fleet = h.fleets[Math.floor(random() * h.fleets.length)];
      const ami = AMIS[(AMIS.indexOf(fleet.ami) + 1) % AMIS.length];
      const out = await killOwnerMidSwap(h, fleet.name, ami);
      outcomes.push(out);
      log(`kill ${k + 1}: ${out.victim} owned ${Object.keys(out.failoverSeconds).length} fleet(s) incl. ${fleet.name} mid-swap; failover ${Object.values(out.failoverSeconds).join(', ')} s; swap finished by ${out.finishedBy}`);
      await h.addReplica();
      await balanced(h);
    }
    const samples = outcomes.flatMap((o) => Object.values(o.failoverSeconds));
    const inv = invariants(h);
    return {
      replicas,
      fleets: h.fleets.length,
      kills: outcomes.length,
      failoverSeconds: { max: samples.length ? Math.max(...samples) : NaN, median: median(samples), samples: samples.length },
      shardDoubleOwnership: inv.shardDoubleOwnership,
      duplicateLifecycleCompletions: inv.duplicateLifecycleCompletions,
      doubleGreens: inv.doubleGreens,
      capacityBelowDesired: inv.capacityBelowDesired,
      stateWritesPerFleetPerMinute: round(stateWrites / h.fleets.length / minutes),
      leaseWritesPerReplicaPerMinute: round(lease / replicas / minutes),
      steadyWindowMinutes: minutes,
      steadyWritesByKind: steady,
      swapsFinishedByAnotherReplica: outcomes.filter((o) => o.finishedBy !== o.victim).length,
      lifecycleActionsCompleted: h.monitor.completed.size,
      virtualMinutes: round((h.nowMs() - startMs) / 60_000),
      cpus: os.cpus().length,
      loadAverage: round(os.loadavg()[0]),
      kills_detail: outcomes.map(({ killedAtMs: _k, ...o }) => o),
      details: inv.details.slice(0, 50),
    };
  } finally {
    await h.stop();
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

export function summarizeReplicas(r: ReplicasBenchResult): string {
  return [
    `  ${r.replicas} replicas, ${r.fleets} fleets, ${r.kills} kills mid-swap (${r.swapsFinishedByAnotherReplica} swaps finished by another replica)`,
    `  failover s: median ${r.failoverSeconds.median}, max ${r.failoverSeconds.max} (${r.failoverSeconds.samples} fleet takeovers; goal median <= 15, max <= 20)`,
    `  shardDoubleOwnership ${r.shardDoubleOwnership}, duplicateLifecycleCompletions ${r.duplicateLifecycleCompletions}, doubleGreens ${r.doubleGreens}, capacity below desired ${r.capacityBelowDesired}`,
    `  steady state: ${r.stateWritesPerFleetPerMinute} state writes/fleet/min (goal < 2), ${r.leaseWritesPerReplicaPerMinute} lease writes/replica/min; ${r.virtualMinutes} virtual min, load ${r.loadAverage} on ${r.cpus} CPUs`,
    ...r.details.map((d) => `    ${d}`),
  ].join('\n');
}
