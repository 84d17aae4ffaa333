/**
 * The daemon's side of shards and leases (issue 13). With shared state (a DynamoDB table) the
 * replica runs ShardLeases and acts on a fleet only while it holds the fleet's shard; with the
 * local directory it owns everything (the directory lock is the exclusion).
 *
 * - `wrap(reconciler)`: a pass on a fleet whose shard is not held is skipped (no AWS call);
 *   the first pass after a gain raises the fleet record's epoch (`store.fence`) before acting,
 *   so the previous owner's next write fails with FencedOut. A LeaseLost or FencedOut in the
 *   middle of a pass releases the fleet (its actor stops, its snapshot stays) and is logged,
 *   never thrown into the loop as a failure of the fleet.
 * - On gaining a shard its fleets are enqueued: their passes resume the deployments from the
 *   stored snapshots (FleetReconciler.resumeRecorded). On losing one, their actors stop.
 * - `snapshots()`: deployment snapshots in the state store, fenced with the held epoch.
 * - `guard(fleet)`: checked right before each deploy step (DeploymentRunner's guard).
 * - `ready()`: once the leases have run one round (a solo daemon at once).
 * - `watchNudges`: facts another replica recorded for a held fleet enqueue it within a poll, and
 *   a push to the manifest repository handled by another replica makes this one pull too.
 */
import { hostname } from 'node:os';
import { isFenceError } from '../../deploy/persisted-actor';
import { RecordSnapshotStore } from '../../deploy/record-snapshot-store';
import { EVENTS } from '../../log/events';
import type { Logger } from '../../log/logger';
import type { DesiredFleet } from '../../model/fleet';
import type { LeaseSettings, ShardLeases, ShardOwnership } from '../../state/leases';
import type { OpenedState } from '../../state/open';
import { shardOf } from '../../state/shards';
import { ownersOfFleets, type ShardOwners } from '../../state/owners';
import type { Clock } from '../../util/clock';
import type { ReconcileOutcome, Reconciler } from '../queue/loop';
import type { DeliveryWindow } from '../intake/delivery-window';
import { storeMessageDedupe, StoreDeliveryWindow, type SharedMessageDedupe } from '../intake/shared-dedupe';

/** hostname-pid-random: unique per process, readable in the OWNER column. */
export function replicaId(random: () => number = Math.random): string {
  const host = hostname().toLowerCase().replace(/[^a-z0-9.-]/g, '-').slice(0, 40) || 'host';
  return `${host}-${process.pid}-${Math.floor(random() * 0x1000000).toString(16).padStart(6, '0')}`;
}

/** A fleet not owned here comes back at most this late (a gain enqueues it at once). */
const NOT_OWNED_REQUEUE_MS = 60_000;

export interface ReplicaOwnershipOptions {
  state: Pick<OpenedState, 'store' | 'shared' | 'ownership' | 'shardOwners'>;
  id: string;
  clock: Clock;
  logger: Logger;
  settings?: Partial<LeaseSettings>;
  /** The fleets configured now (a gained shard's are enqueued). */
  fleets(): string[];
  enqueue(fleet: string): void;
  /** After a gain or a loss: the fleets of the shard (the intake announces their in-flight bakes again). */
  changed?(fleets: string[]): void;
  /** Another replica handled a push to the manifest repository (the daemon pulls its checkout). */
  manifestsPushed?(): Promise<void>;
  /**
   * Beside each pass on a held fleet, after the fence, without holding the pass up: the intake
   * picks up the bake requests other replicas recorded (and enqueues the fleet when it handed one over).
   */
  besidePass?(fleet: string): Promise<void>;
}

export class ReplicaOwnership {
  readonly id: string;
  readonly shared: boolean;
  readonly leases: ShardOwnership;
  /** Rounds of lease renewal run so far (readiness, tests). */
  rounds = 0;
  private readonly fenced = new Map<string, number>();
  private inner?: Reconciler;
  private readonly stopping = new AbortController();
  private others: ShardOwners | undefined;
  private othersReadAtMs = -Infinity;
  private running?: Promise<void>;
  private readonly log: Logger;

  constructor(private readonly opts: ReplicaOwnershipOptions) {
    this.id = opts.id;
    this.shared = opts.state.shared;
    this.log = opts.logger.child({ component: 'ownership', replica: opts.id });
    this.leases = opts.state.ownership({
      id: opts.id,
      ...(opts.settings ? { settings: opts.settings } : {}),
      onGained: (shard, epoch) => this.gained(shard, epoch),
      onLost: (shard, epoch, why) => this.lost(shard, epoch, why),
    });
    if (!this.shared) this.rounds = 1;
  }

  holdsFleet(fleet: string): boolean {
    return this.leases.holds(shardOf(fleet, this.leases.shards));
  }

  /** Throws LeaseLost when this replica may not act on `fleet` now. */
  guard(fleet: string): void {
    this.leases.fenceFor(fleet);
  }

  /** Deployment snapshots in the state store, each write fenced with the epoch held for the fleet. */
  snapshots(): RecordSnapshotStore {
    return new RecordSnapshotStore(this.opts.state.store, { fence: (f) => this.leases.fenceFor(f), nowMs: () => this.opts.clock.nowMs() });
  }

  /** Shared state: SQS message ids handled by any replica (the poller's `shared`); alone, the poller's own memory. */
  sharedPoller(): { shared?: SharedMessageDedupe } {
    return this.shared ? { shared: storeMessageDedupe(this.opts.state.store, this.opts.clock) } : {};
  }

  /** Shared state: the relay's delivery keys in the store, so a GitLab retry to another replica is not queued twice. */
  sharedRelay(): { deliveries?: DeliveryWindow } {
    return this.shared ? { deliveries: new StoreDeliveryWindow(this.opts.state.store, this.opts.clock) } : {};
  }

  /** One renewal round now (tests drive rounds on their clock; `run` does it every renewal period). */
  async tick(): Promise<void> {
    if (!this.shared) return;
    await (this.leases as ShardLeases).tick();
    this.rounds++;
  }

  /** Renew every period until `signal` aborts, then give the shards back (others take over at once). */
  async run(signal: AbortSignal): Promise<void> {
    if (!this.shared) return;
    const leases = this.leases as ShardLeases;
    while (!signal.aborted) {
      try {
        await this.tick();
      } catch (err) {
        this.log.warn({ event: EVENTS.shardLost, err: String(err) }, `renewing shard leases: ${(err as Error).message}`);
      }
      await this.opts.clock.sleep(leases.settings.renewMs, signal).catch(() => undefined);
    }
    await leases.leave().catch((err) => this.log.warn({ event: EVENTS.shardLost, err: String(err) }, `giving shards back: ${(err as Error).message}`));
  }

  /**
   * The replica owning `fleet` (OWNER in /api/v1): this one for its own shards and when alone;
   * else the lease table as last read (re-read in the background at most once a renewal period), `-` when none.
   */
  ownerOf(fleet: string): string {
    if (!this.shared || this.holdsFleet(fleet)) return this.id;
    if (this.opts.clock.nowMs() - this.othersReadAtMs >= (this.leases as ShardLeases).settings.renewMs) void this.readOwners();
    return this.others ? ownersOfFleets(this.others, [fleet])[fleet] : '-';
  }

  /** Read the shard owners from the lease table now (ownerOf does this in the background). */
  async readOwners(): Promise<void> {
    const now = this.opts.clock.nowMs();
    this.othersReadAtMs = now;
    try {
      this.others = await this.opts.state.shardOwners(now);
    } catch (err) {
      this.log.warn({ event: EVENTS.shardLost, err: String(err) }, `reading shard owners: ${(err as Error).message}`);
    }
  }

  /**
   * Shared state: every `pollMs`, take the nudges for fleets this replica holds (a non-owner
   * recorded a fact: a bake request, an alarm, a rollout control) and enqueue them. One read
   * of one item per poll, whatever the number of fleets; a write only when there were some.
   */
  async watchNudges(pollMs: number, signal: AbortSignal): Promise<void> {
    const store = this.opts.state.store;
    if (!this.shared || !store.takeNudges) return;
    let manifests: string | undefined | null = null; // null: not read yet (the manifests were loaded at start)
    while (!signal.aborted) {
      try {
        const nudges = await store.takeNudges((f) => this.holdsFleet(f));
        const fleets = nudges.fleets;
        if (fleets.length) this.log.info({ event: EVENTS.fleetNudged, fleets }, `facts recorded by other replicas for ${fleets.join(', ')}: reconciling`);
        for (const f of fleets) this.opts.enqueue(f);
        if (manifests !== null && nudges.manifests !== manifests) {
          this.log.info({ event: EVENTS.fleetNudged, manifests: nudges.manifests }, `a replica handled a push to the manifest repository (${nudges.manifests}): pulling`);
          await this.opts.manifestsPushed?.();
        }
        manifests = nudges.manifests;
      } catch (err) {
        this.log.warn({ event: EVENTS.fleetNudged, err: String(err) }, `reading nudges from ${store.where}: ${(err as Error).message}`);
      }
      await this.opts.clock.sleep(pollMs, signal).catch(() => undefined);
    }
  }

  /** Start renewing in the background (shared state only). */
  start(): void {
    if (this.shared) this.running ??= this.run(this.stopping.signal);
  }

  /** Stop renewing and give the shards back. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  ready(): { ready: boolean; reasons: string[] } {
    return this.rounds > 0 ? { ready: true, reasons: [] } : { ready: false, reasons: ['shard leases have not run a round yet'] };
  }

  /** The loop's reconciler, acting only on fleets whose shard this replica holds. */
  wrap(inner: Reconciler): Reconciler {
    this.inner = inner;
    const gate = async <T>(fleet: DesiredFleet, act: () => Promise<T>): Promise<T | undefined> => {
      if (!this.holdsFleet(fleet.name)) return undefined;
      try {
        await this.fence(fleet.name);
        return await act();
      } catch (err) {
        if (!isFenceError(err)) throw err;
        this.log.warn({ event: EVENTS.fleetNotOwned, fleet: fleet.name, err: String(err) }, `stopped acting on fleet ${fleet.name}: ${(err as Error).message}`);
        await inner.release?.(fleet.name);
        return undefined;
      }
    };
    return {
      reconcile: async (fleet, signal) =>
        (await gate(fleet, () => {
          this.beside(fleet.name);
          return inner.reconcile(fleet, signal);
        })) ?? notOwned(),
      // A bake request is a fact, recorded whichever replica received it (the owner acts on it): never gated.
      ...(inner.requestBake ? { requestBake: (fleet, commit) => inner.requestBake!(fleet, commit) } : {}),
      ...(inner.alarmChanged ? { alarmChanged: async (fleet, alarm) => void (await gate(fleet, () => inner.alarmChanged!(fleet, alarm))) } : {}),
      ...(inner.close ? { close: () => inner.close!() } : {}),
      ...(inner.release ? { release: (f) => inner.release!(f) } : {}),
    };
  }

  private beside(fleet: string): void {
    this.opts.besidePass?.(fleet).catch((err: unknown) => {
      if (isFenceError(err)) return; // the pass meets it too, and releases the fleet
      this.log.warn({ event: EVENTS.fleetNudged, fleet, err: String(err) }, `picking up the recorded bake queue of fleet ${fleet}: ${(err as Error).message}; its next pass tries again`);
    });
  }

  /** Before the first act after a gain: raise the record's epoch, so the previous owner is fenced out. */
  private async fence(fleet: string): Promise<void> {
    if (!this.shared) return;
    const { epoch } = this.leases.fenceFor(fleet);
    if (this.fenced.get(fleet) === epoch) return;
    await this.opts.state.store.fence(fleet, epoch);
    this.fenced.set(fleet, epoch);
  }

  private fleetsOf(shard: number): string[] {
    return this.opts.fleets().filter((f) => shardOf(f, this.leases.shards) === shard);
  }

  private gained(shard: number, epoch: number): void {
    const fleets = this.fleetsOf(shard);
    this.log.info({ event: EVENTS.shardGained, shard, epoch, fleets }, `owner of shard ${shard} at epoch ${epoch}: resuming ${fleets.length} fleet(s) from the store`);
    this.opts.changed?.(fleets);
    for (const f of fleets) {
      this.fenced.delete(f);
      this.opts.enqueue(f);
    }
  }

  private async lost(shard: number, epoch: number, why: string): Promise<void> {
    const fleets = this.fleetsOf(shard);
    this.log.warn({ event: EVENTS.shardLost, shard, epoch, fleets }, `no longer owner of shard ${shard} (${why}): stopping ${fleets.length} fleet(s); their snapshots stay`);
    this.opts.changed?.(fleets);
    for (const f of fleets) {
      this.fenced.delete(f);
      await this.inner?.release?.(f);
    }
  }
}

function notOwned(): ReconcileOutcome {
  return { requeueAfterMs: NOT_OWNED_REQUEUE_MS, observed: true };
}
