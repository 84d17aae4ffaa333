/**
 * A cache of the records of the fleets this replica owns (the component stores, status-store
 * and fleet-memory, read the StateStore on each call): the owner of a fleet keeps the fleet's
 * record in memory, read once when its shard is gained, and every change goes through `update`:
 * fenced with the epoch this replica holds (LeaseLost before anything is sent when it holds
 * none), retried on a VersionConflict with a fresh read (a fact another replica recorded),
 * and skipped when it changes nothing (steady state must cost no writes).
 */
import type { Clock } from '../util/clock';
import { VersionConflict } from './errors';
import type { ShardOwnership } from './leases';
import type { FleetRecord, SectionChanges, SectionShapes, StateStore } from './port';

export class FleetRecords<S extends SectionShapes = SectionShapes> {
  private readonly cache = new Map<string, FleetRecord<S>>();
  /** Writes sent (tests and metrics: steady state should add none). */
  writes = 0;

  constructor(
    private readonly store: StateStore<S>,
    private readonly ownership: ShardOwnership,
    private readonly clock: Clock,
  ) {}

  /** The record as last read or written here; undefined before `load`. */
  get(fleet: string): FleetRecord<S> | undefined {
    return this.cache.get(fleet);
  }

  /** Read the record from the store (on gaining the fleet's shard, or to see facts others recorded). */
  async load(fleet: string): Promise<FleetRecord<S>> {
    const r = await this.store.read(fleet);
    this.cache.set(fleet, r);
    return r;
  }

  /**
   * Change the record: `change` sees the current record and returns the sections to set
   * (undefined or no difference: nothing is written). FencedOut and LeaseLost propagate: the
   * caller stops acting on the fleet.
   */
  async update(fleet: string, change: (r: FleetRecord<S>) => SectionChanges<S> | undefined, attempts = 5): Promise<FleetRecord<S>> {
    let current = this.cache.get(fleet) ?? (await this.load(fleet));
    for (let i = 1; ; i++) {
      const fence = this.ownership.fenceFor(fleet);
      const changes = change(current);
      if (!changes || !differs(current, changes)) return current;
      try {
        const next = await this.store.write(current, changes, fence, this.clock.nowMs());
        this.writes++;
        this.cache.set(fleet, next);
        return next;
      } catch (err) {
        if (!(err instanceof VersionConflict) || i >= attempts) throw err;
        current = await this.load(fleet);
      }
    }
  }

  /** Drop a fleet whose shard was lost (its record stays in the store for the new owner). */
  forget(fleet: string): void {
    this.cache.delete(fleet);
  }
}

function differs<S extends SectionShapes>(r: FleetRecord<S>, changes: SectionChanges<S>): boolean {
  return Object.entries(changes).some(([name, value]) => {
    if (value === undefined) return false;
    const now = r.sections[name as keyof S];
    return value === null ? now !== undefined : JSON.stringify(value) !== JSON.stringify(now);
  });
}
