/**
 * Shards and leases: many replicas, one owner per fleet (issue 13).
 *
 * Fleets hash to S shards. Each replica writes ONE heartbeat item per renewal period; its
 * expiry is the validity of every shard whose record names the replica, so lease writes grow
 * with replicas only, never with shards or fleets. Shard records change only when a shard
 * changes hands: a replica takes at most ceil(S / live replicas) shards and gives back extras,
 * so the split rebalances when a replica joins or leaves. Each change of owner adds one to the
 * shard's epoch, the fencing token every state write carries (port.ts).
 *
 * Safety, on the injected clock only:
 * - A renewal is conditional on `owner = me AND expiresAt >= now`: a paused replica whose
 *   heartbeat expired cannot revive it; it joins again and takes shards with new epochs.
 * - A replica acts only until `sent + lease - margin`, where `sent` is when its last good
 *   renewal was sent; a renewal answered after the previous deadline is not trusted (it may
 *   have landed after others saw the heartbeat expire), so everything is dropped instead.
 * - Another replica takes a shard only once its owner's heartbeat has expired (or the shard
 *   was given back), i.e. at least `margin` after the old owner stopped acting; the margin
 *   also absorbs clock skew between hosts.
 *
 * Defaults (lease 10 s, renew every 2 s, margin 2 s): a dead owner's heartbeat expires at most
 * 10 s after its last renewal, and the others look every 2 s, so a shard is taken 8-12 s after
 * a kill (median ~10 s; Kubernetes' 15/10/2 s gives 15-17 s). An owner stops acting 8 s after
 * its last good renewal, so three renewals in a row (6 s) may fail (throttling, a slow
 * network) before it stops. One heartbeat per replica per 2 s is 30 writes a minute per
 * replica, independent of fleets.
 */
import type { Logger } from '../log/logger';
import { nullLogger } from '../log/logger';
import type { Clock } from '../util/clock';
import { LeaseLost } from './errors';
import type { LeaseTable, ShardRecord } from './lease-port';
import { DEFAULT_SHARDS, shardOf } from './shards';

export interface LeaseSettings {
  shards: number;
  leaseMs: number;
  renewMs: number;
  marginMs: number;
}

/** A heartbeat expired this long ago is removed from the table. */
const PRUNE_AFTER_MS = 5 * 60_000;

export const DEFAULT_LEASE_SETTINGS: LeaseSettings = { shards: DEFAULT_SHARDS, leaseMs: 10_000, renewMs: 2_000, marginMs: 2_000 };

/** Settings that can keep an owner safe: a renewal happens before the owner must stop. */
export function leaseSettings(partial: Partial<LeaseSettings> = {}): LeaseSettings {
  const s = { ...DEFAULT_LEASE_SETTINGS, ...partial };
  const bad = (why: string) => new Error(`lease settings ${JSON.stringify(s)}: ${why}`);
  if (!Number.isInteger(s.shards) || s.shards < 1 || s.shards > 4096) throw bad('shards must be a whole number from 1 to 4096');
  if (!(s.marginMs > 0 && s.marginMs < s.leaseMs)) throw bad('the margin must be above 0 and below the lease');
  if (!(s.renewMs > 0 && s.renewMs < s.leaseMs - s.marginMs)) throw bad('renewals must come more often than lease minus margin');
  return s;
}

/** What the daemon asks before it acts on a fleet. */
export interface ShardOwnership {
  readonly shards: number;
  /** True while this replica holds the shard and may act on its fleets. */
  holds(shard: number): boolean;
  /** The fence for a state write about `fleet`; LeaseLost when its shard is not held now. */
  fenceFor(fleet: string): { epoch: number };
  /** Shards held now, ascending. */
  owned(): number[];
}

export interface ShardLeasesOptions {
  table: LeaseTable;
  clock: Clock;
  /** Unique per process: hostname, pid and a random part. */
  id: string;
  settings?: Partial<LeaseSettings>;
  logger?: Logger;
  /** The shard is ours at `epoch`: fence its fleets, resume their deployments from snapshots. */
  onGained?: (shard: number, epoch: number) => Promise<void> | void;
  /** The shard is no longer ours: stop its actors (their snapshots stay). */
  onLost?: (shard: number, epoch: number, why: string) => Promise<void> | void;
}

export class ShardLeases implements ShardOwnership {
  readonly settings: LeaseSettings;
  readonly shards: number;
  private readonly held = new Map<number, number>();
  private deadlineMs = -Infinity;
  private joined = false;
  private readonly startedAtMs: number;
  private ticking: Promise<void> | undefined;
  private readonly log: Logger;

  constructor(private readonly opts: ShardLeasesOptions) {
    this.settings = leaseSettings(opts.settings);
    this.shards = this.settings.shards;
    this.startedAtMs = opts.clock.nowMs();
    this.log = (opts.logger ?? nullLogger).child({ component: 'leases', replica: opts.id });
  }

  get id(): string {
    return this.opts.id;
  }

  holds(shard: number): boolean {
    return this.held.has(shard) && this.opts.clock.nowMs() < this.deadlineMs;
  }

  fenceFor(fleet: string): { epoch: number } {
    const shard = shardOf(fleet, this.shards);
    const epoch = this.held.get(shard);
    if (epoch === undefined || !this.holds(shard)) throw new LeaseLost(fleet, shard);
    return { epoch };
  }

  owned(): number[] {
    return this.opts.clock.nowMs() < this.deadlineMs ? [...this.held.keys()].sort((a, b) => a - b) : [];
  }

  /** When this replica must stop acting unless it renews. */
  actUntilMs(): number {
    return this.deadlineMs;
  }

  /** One renewal period's work: heartbeat, then (on membership change only) take or give back shards. */
  tick(): Promise<void> {
    this.ticking ??= this.renewAndBalance().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  /** Tick every renewal period until `signal` aborts; errors are logged, the deadline guards. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.tick();
      } catch (err) {
        this.log.warn({ event: 'LeaseRenewFailed', err: String(err) }, `renewing shard leases: ${(err as Error).message}`);
      }
      await this.opts.clock.sleep(this.settings.renewMs, signal).catch(() => undefined);
    }
  }

  /** A clean stop: give every shard back and remove the heartbeat, so others take over at once. */
  async leave(): Promise<void> {
    const records = await this.opts.table.readShards();
    for (const [shard, epoch] of [...this.held]) await this.giveBack(shard, epoch, records, 'replica stopping');
    this.joined = false;
    this.deadlineMs = -Infinity;
    await this.opts.table.leave(this.id);
  }

  private async renewAndBalance(): Promise<void> {
    const { clock, table } = this.opts;
    const { leaseMs, marginMs } = this.settings;
    const sent = clock.nowMs();
    if (this.joined && sent >= this.deadlineMs) await this.dropAll('the lease ran out before it was renewed (was this process paused?)');
    const beat = { id: this.id, expiresAtMs: sent + leaseMs, startedAtMs: this.startedAtMs, shardCount: this.shards, shards: Object.fromEntries(this.held) };
    let ok = true;
    if (this.joined) ok = await table.renew(beat, sent);
    else await table.join(beat);
    const limit = this.joined ? this.deadlineMs : sent + leaseMs - marginMs;
    if (!ok || clock.nowMs() >= limit) {
      await this.dropAll(ok ? 'the renewal was answered too late to trust' : 'the heartbeat had expired');
      return;
    }
    this.joined = true;
    this.deadlineMs = sent + leaseMs - marginMs;
    await this.balance();
  }

  private async balance(): Promise<void> {
    const { clock, table } = this.opts;
    const now = clock.nowMs();
    const beats = await table.readReplicas();
    let live = beats.filter((r) => r.id === this.id || r.expiresAtMs >= now);
    // Heartbeats of replicas gone for a while (restarts get new ids) are removed, once, by whoever sees them.
    for (const dead of beats.filter((r) => r.id !== this.id && r.expiresAtMs < now - PRUNE_AFTER_MS)) await table.prune(dead.id, dead.expiresAtMs);
    // A replica with another shard count (a configuration mistake) must not split the table: the
    // one that differs from the longest-running replica refuses, the rest ignore it.
    const senior = [...live].sort((a, b) => a.startedAtMs - b.startedAtMs || a.id.localeCompare(b.id))[0];
    if (senior && senior.id !== this.id && senior.shardCount !== this.shards) {
      await this.dropAll(`replica ${senior.id} uses ${senior.shardCount} shards and this one ${this.shards}`);
      throw new Error(`sharing state table with replica ${senior.id}: it hashes fleets to ${senior.shardCount} shards, this replica to ${this.shards}; set the same shard count on every replica`);
    }
    live = live.filter((r) => r.shardCount === this.shards || r.id === this.id);
    let liveIds = new Set(live.map((r) => r.id).concat(this.id));
    const covered = new Set<number>(this.held.keys());
    for (const r of live) if (r.id !== this.id) for (const k of Object.keys(r.shards)) covered.add(Number(k));
    if (this.held.size <= Math.ceil(this.shards / liveIds.size) && covered.size >= this.shards) return;
    const records = new Map((await table.readShards()).map((r) => [r.shard, r]));
    // Judge the records by heartbeats read after them: a replica that joined since the first read
    // (and took a dead one's shard) has its heartbeat written before its record, so it shows here.
    const fresh = (await table.readReplicas()).filter((r) => r.id === this.id || (r.expiresAtMs >= clock.nowMs() && r.shardCount === this.shards));
    liveIds = new Set(fresh.map((r) => r.id).concat(this.id));
    const target = Math.ceil(this.shards / liveIds.size);
    const rank = this.preference();
    const extras = [...this.held.keys()].sort((a, b) => rank[b] - rank[a]).slice(0, Math.max(0, this.held.size - target));
    for (const shard of extras) await this.giveBack(shard, this.held.get(shard)!, [...records.values()], `rebalancing to ${target} shards for ${liveIds.size} replicas`);
    const record = (shard: number): ShardRecord => records.get(shard) ?? { shard, epoch: 0, version: 0 };
    const free = (r: ShardRecord) => !this.held.has(r.shard) && (r.owner === undefined || r.owner === this.id || !liveIds.has(r.owner));
    const candidates = Array.from({ length: this.shards }, (_, i) => record(i)).filter(free).sort((a, b) => rank[a.shard] - rank[b.shard]);
    for (const r of candidates) {
      if (this.held.size >= target) {
        // A shard still named ours from before a re-join, beyond our share: give it back so it is not orphaned.
        if (r.owner === this.id) await table.putShard({ shard: r.shard, epoch: r.epoch }, r.version);
        continue;
      }
      if (clock.nowMs() >= this.deadlineMs) return;
      const epoch = r.epoch + 1;
      if (!(await table.putShard({ shard: r.shard, owner: this.id, epoch }, r.version))) continue;
      if (clock.nowMs() >= this.deadlineMs) return;
      this.held.set(r.shard, epoch);
      this.log.info({ event: 'ShardGained', shard: r.shard, epoch, from: r.owner }, `took shard ${r.shard} at epoch ${epoch}${r.owner && r.owner !== this.id ? ` from ${r.owner}` : ''}`);
      await this.opts.onGained?.(r.shard, epoch);
    }
  }

  private async giveBack(shard: number, epoch: number, records: ShardRecord[], why: string): Promise<void> {
    this.held.delete(shard);
    await this.opts.onLost?.(shard, epoch, why);
    const r = records.find((x) => x.shard === shard);
    if (r && r.owner === this.id && r.epoch === epoch) await this.opts.table.putShard({ shard, epoch }, r.version);
    this.log.info({ event: 'ShardGivenBack', shard, epoch }, `gave back shard ${shard}: ${why}`);
  }

  private async dropAll(why: string): Promise<void> {
    const lost = [...this.held];
    this.held.clear();
    this.joined = false;
    this.deadlineMs = -Infinity;
    if (lost.length) this.log.warn({ event: 'ShardsLost', shards: lost.map(([s]) => s) }, `stopped acting on ${lost.length} shard(s): ${why}`);
    for (const [shard, epoch] of lost) await this.opts.onLost?.(shard, epoch, why);
  }

  /** This replica's order of preference over shards (a hash of id and shard), so racing replicas rarely want the same one. */
  private preference(): number[] {
    return Array.from({ length: this.shards }, (_, i) => shardOf(`${this.id}/${i}`, 0x7fffffff));
  }
}

/** The local directory's ownership: one process (the directory lock) owns every shard, at epoch 1. */
export function soloOwnership(shards = DEFAULT_SHARDS): ShardOwnership {
  return { shards, holds: () => true, fenceFor: () => ({ epoch: 1 }), owned: () => Array.from({ length: shards }, (_, i) => i) };
}
