/**
 * The multi-replica scenario's steps, shared by the e2e test, the bench and the soak: wait for
 * the fleets to converge and the shards to be split, kill the owner of a fleet in the middle of
 * its blue/green swap, see the swap finish under another replica, let replicas join and the
 * shards rebalance, and read the invariants the monitors kept.
 */
import { DEFAULT_LEASE_SETTINGS } from '../../state/leases';
import type { ReplicaHarness } from './harness';
import type { ReplicaProcess } from './replica-process';
import { waitFor } from './time-driver';

const SHARDS = DEFAULT_LEASE_SETTINGS.shards;
const RECONCILED = ['reconcile.done', 'reconcile.failed'];

/** Every fleet serving its desired capacity, and every shard held by a live replica within its share. */
export async function convergedAndSplit(h: ReplicaHarness, maxVirtualMs = 30 * 60_000): Promise<void> {
  await waitFor(h.sim, 'every fleet InService at its desired capacity', () => h.fleets.every((f) => h.sim.inServiceCount(f.loadBalancer) >= f.desired) || undefined, { maxVirtualMs });
  await balanced(h, maxVirtualMs);
}

/** Shards split over the live replicas: all held, each replica at most ceil(S / live), none idle. */
export async function balanced(h: ReplicaHarness, maxVirtualMs = 5 * 60_000): Promise<Map<string, number[]>> {
  return waitFor(h.sim, `the ${SHARDS} shards split over ${h.live().length} live replicas`, () => {
    const live = h.live();
    const split = h.leases.shardsByOwner(h.nowMs());
    const share = Math.ceil(SHARDS / live.length);
    const held = [...split.values()].reduce((n, s) => n + s.length, 0);
    const ok = held === SHARDS && live.every((r) => r.id && (split.get(r.id)?.length ?? 0) > 0 && split.get(r.id)!.length <= share) && [...split.keys()].every((id) => live.some((r) => r.id === id));
    return ok ? split : undefined;
  }, { maxVirtualMs });
}

export interface KillOutcome {
  fleet: string;
  victim: string;
  killedAtMs: number;
  /** Per fleet the victim owned: seconds from the kill to another replica's first reconcile of it. */
  failoverSeconds: Record<string, number>;
  /** The replica that finished the swap. */
  finishedBy: string;
  finishMessage: string;
}

/**
 * Roll `fleet` out to `ami`, kill -9 its owner once the swap waits for green to be healthy, and
 * wait until another replica finishes it (and has reconciled every fleet the victim owned).
 */
export async function killOwnerMidSwap(h: ReplicaHarness, fleet: string, ami: string, maxVirtualMs = 20 * 60_000): Promise<KillOutcome> {
  const since = h.nowMs();
  h.deploy(fleet, ami);
  const midSwap = await waitFor(h.sim, `${fleet}'s swap to wait for green`, () => {
    for (const r of h.live()) {
      const line = r.lines.find((l) => l.atMs >= since && l.fleet === fleet && l.event === 'deploy.transition' && l.phase === 'waitGreenHealthy');
      if (line) return r;
    }
    return undefined;
  }, { maxVirtualMs });
  const victim: ReplicaProcess = midSwap;
  const owned = h.fleets.filter((f) => h.ownerOf(f.name) === victim).map((f) => f.name);
  const killedAtMs = await victim.kill();
  const finished = await waitFor(h.sim, `${fleet}'s swap to finish under another replica`, () => {
    for (const r of h.live()) {
      const line = r.lines.find((l) => l.atMs >= killedAtMs && l.fleet === fleet && l.event === 'deploy.finished');
      if (line) return { r, line };
    }
    return undefined;
  }, { maxVirtualMs });
  const failoverSeconds: Record<string, number> = {};
  await waitFor(h.sim, `another replica to reconcile each of ${owned.join(', ')}`, () => {
    for (const f of owned) {
      const first = h.firstEvent(RECONCILED, f, killedAtMs, victim);
      if (first) failoverSeconds[f] = (first.atMs - killedAtMs) / 1000;
    }
    return owned.every((f) => failoverSeconds[f] !== undefined) || undefined;
  }, { maxVirtualMs });
  return { fleet, victim: victim.label, killedAtMs, failoverSeconds, finishedBy: finished.r.label, finishMessage: String(finished.line.msg ?? '') };
}

export interface Invariants {
  shardDoubleOwnership: number;
  duplicateLifecycleCompletions: number;
  doubleGreens: number;
  capacityBelowDesired: number;
  details: string[];
}

/** What the monitors saw over the whole run. */
export function invariants(h: ReplicaHarness): Invariants {
  h.monitor.sample();
  const greens = h.fleets.map((f) => [f.name, h.monitor.extraGreens(f.name, 1 + (h.deployments.get(f.name) ?? 0))] as const).filter(([, n]) => n > 0);
  const doubleGreens = greens.reduce((n, [, k]) => n + k, 0) + h.monitor.crowded.length;
  const details = [
    ...h.leases.doubles.map((d) => `double ownership: ${d.detail}`),
    ...h.monitor.duplicates.map((d) => `lifecycle action ${d.key} completed again at ${new Date(d.atMs).toISOString()}${d.error ? ` (${d.error})` : ''}`),
    ...greens.map(([f, n]) => `fleet ${f}: ${n} green group(s) beyond one per deployment (${h.monitor.groupsCreated(f).join(', ')})`),
    ...h.monitor.crowded.map((c) => `fleet ${c.fleet} had ${c.groups.length} serving groups at ${new Date(c.atMs).toISOString()}: ${c.groups.join(', ')}`),
    ...h.monitor.dips.slice(0, 20).map((d) => `fleet ${d.fleet} had ${d.inService}/${d.desired} InService at ${new Date(d.atMs).toISOString()}`),
  ];
  return { shardDoubleOwnership: h.leases.doubles.length, duplicateLifecycleCompletions: h.monitor.duplicates.length, doubleGreens, capacityBelowDesired: h.monitor.dips.length, details };
}

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
