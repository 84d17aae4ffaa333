/**
 * `npm run soak -- --replicas N`: the soak's multi-replica mode. N real daemon processes share
 * one state table (dynalite) and one simulated account (bench/replicas/harness.ts); at random,
 * a replica is killed with SIGKILL, a new one joins, or a fleet is rolled out (and, now and
 * then, its owner is killed in the middle of the swap). Between two and N + 1 replicas live at
 * any time. The last part of the run is quiet: every fleet must converge and the shards split
 * evenly. The summary counts what the monitors saw all through the run: shard double
 * ownerships, lifecycle actions completed twice, double greens and capacity below desired.
 */
import { AMIS } from '../bench/replicas/fleets';
import { ReplicaHarness } from '../bench/replicas/harness';
import { balanced, convergedAndSplit, invariants, killOwnerMidSwap, median } from '../bench/replicas/scenario';
import type { ReplicaProcess } from '../bench/replicas/replica-process';
import { sleepVirtual } from '../bench/replicas/time-driver';
import { seededRandom } from '../util/backoff';

export interface ReplicaSoakOptions {
  root: string;
  replicas: number;
  hours: number;
  seed: number;
  fleets: number;
  onLine?: (line: string) => void;
}

export interface ReplicaSoakSummary {
  result: 'passed' | 'failed';
  seed: number;
  replicas: number;
  fleets: number;
  virtualHours: number;
  realSeconds: number;
  kills: number;
  killsMidSwap: number;
  joins: number;
  deployments: number;
  failoverSeconds: { max: number; median: number; samples: number };
  shardDoubleOwnership: number;
  duplicateLifecycleCompletions: number;
  doubleGreens: number;
  capacityBelowDesired: number;
  lifecycleActionsCompleted: number;
  details: string[];
  failure?: string;
}

export async function runReplicaSoak(o: ReplicaSoakOptions): Promise<ReplicaSoakSummary> {
  const realStart = Date.now();
  const random = seededRandom(o.seed);
  const say = o.onLine ?? (() => undefined);
  const h = await ReplicaHarness.start({ root: o.root, fleets: Math.min(10, Math.max(1, o.fleets)), seed: o.seed });
  const counts = { kills: 0, killsMidSwap: 0, joins: 0, deployments: 0 };
  const failovers: number[] = [];
  const kills: Array<{ victim: ReplicaProcess; owned: string[]; atMs: number }> = [];
  let failure: string | undefined;
  try {
    for (let i = 0; i < o.replicas; i++) await h.addReplica();
    await convergedAndSplit(h);
    const start = h.nowMs();
    const quietAt = start + o.hours * 3_600_000 * 0.8;
    let hour = 0;
    while (h.nowMs() < quietAt) {
      await sleepVirtual(h.sim, 60_000 + Math.floor(random() * 4 * 60_000));
      const live = h.live().length;
      const roll = random();
      if (roll < 0.3 && live > 2) {
        const victim = h.live()[Math.floor(random() * live)];
        const owned = h.fleets.filter((f) => h.ownerOf(f.name) === victim).map((f) => f.name);
        kills.push({ victim, owned, atMs: await victim.kill() });
        counts.kills++;
        say(`  kill -9 ${victim.label} (${live - 1} live)`);
      } else if (roll < 0.55 && live <= o.replicas) {
        const r = await h.addReplica();
        counts.joins++;
        say(`  ${r.label} joins (${live + 1} live)`);
      } else if (roll < 0.75 && live > 2) {
        const fleet = h.fleets[Math.floor(random() * h.fleets.length)];
        const out = await killOwnerMidSwap(h, fleet.name, next(fleet.ami));
        counts.deployments++;
        counts.kills++;
        counts.killsMidSwap++;
        failovers.push(...Object.values(out.failoverSeconds));
        say(`  ${fleet.name} rolled out; its owner ${out.victim} killed mid-swap, finished by ${out.finishedBy}; failover ${Object.values(out.failoverSeconds).join(', ')} s`);
      } else {
        const fleet = h.fleets[Math.floor(random() * h.fleets.length)];
        h.deploy(fleet.name, next(fleet.ami));
        counts.deployments++;
        say(`  ${fleet.name} rolled out`);
      }
      const now = Math.floor((h.nowMs() - start) / 3_600_000);
      if (now > hour) say(`  ${(hour = now)}h: ${h.live().length} live, ${counts.kills} kills, ${counts.joins} joins, ${counts.deployments} deployments, ${h.leases.doubles.length} double ownerships`);
    }
    while (h.live().length < 2) await h.addReplica();
    await convergedAndSplit(h, Math.max(30 * 60_000, o.hours * 3_600_000 * 0.2));
    await balanced(h);
    // Failover of the random kills: from each kill to another replica's first reconcile of each fleet the victim owned.
    for (const k of kills) for (const f of k.owned) {
      const first = h.firstEvent(['reconcile.done', 'reconcile.failed'], f, k.atMs, k.victim);
      if (first) failovers.push((first.atMs - k.atMs) / 1000);
      else failure ??= `fleet ${f} was never reconciled after its owner ${k.victim.label} was killed`;
    }
  } catch (err) {
    failure = (err as Error).message;
  } finally {
    await h.stop().catch(() => undefined);
  }
  const inv = invariants(h);
  const bad = inv.shardDoubleOwnership + inv.duplicateLifecycleCompletions + inv.doubleGreens + inv.capacityBelowDesired > 0;
  return {
    result: failure || bad ? 'failed' : 'passed',
    seed: o.seed,
    replicas: o.replicas,
    fleets: h.fleets.length,
    virtualHours: o.hours,
    realSeconds: (Date.now() - realStart) / 1000,
    ...counts,
    failoverSeconds: { max: failovers.length ? Math.max(...failovers) : NaN, median: median(failovers), samples: failovers.length },
    shardDoubleOwnership: inv.shardDoubleOwnership,
    duplicateLifecycleCompletions: inv.duplicateLifecycleCompletions,
    doubleGreens: inv.doubleGreens,
    capacityBelowDesired: inv.capacityBelowDesired,
    lifecycleActionsCompleted: h.monitor.completed.size,
    details: inv.details.slice(0, 50),
    ...(failure ? { failure } : {}),
  };
}

function next(ami: string): string {
  return AMIS[(AMIS.indexOf(ami) + 1) % AMIS.length];
}

export function formatReplicaSummary(s: ReplicaSoakSummary): string {
  return [
    `soak ${s.result.toUpperCase()} (replicas): seed ${s.seed}, ${s.replicas} replicas, ${s.fleets} fleets, ${s.virtualHours} virtual hours in ${s.realSeconds.toFixed(1)} s real time`,
    `  kill -9 ${s.kills} (${s.killsMidSwap} mid-swap), joins ${s.joins}, deployments ${s.deployments}, lifecycle actions completed ${s.lifecycleActionsCompleted}`,
    `  failover s: median ${s.failoverSeconds.samples ? s.failoverSeconds.median : '-'}, max ${s.failoverSeconds.samples ? s.failoverSeconds.max : '-'} (${s.failoverSeconds.samples} takeovers)`,
    `  shard double ownerships ${s.shardDoubleOwnership}, duplicate lifecycle completions ${s.duplicateLifecycleCompletions}, double greens ${s.doubleGreens}, capacity below desired ${s.capacityBelowDesired}`,
    ...(s.failure ? [`  FAILED: ${s.failure}`] : []),
    ...s.details.map((d) => `    ${d}`),
  ].join('\n');
}
