/**
 * The bake register kept in the state store (issue 13): each fleet's queue is the `bakes`
 * section of its record, as `{ seq, queue }` (seq is the register's when the queue was
 * written, so the order of requests keeps increasing across fleets). The register is the
 * union of the fleets' queues, its seq the highest stored. A write touches only the fleets
 * whose queue changed, each fenced and retried on a VersionConflict.
 */
import { readAllRecords, updateRecord, type SectionShapes, type StateStore } from '../../state/port';
import { recordWhere, soloFence, storeOf, type FenceFor, type StateSource } from '../../state/store-of';
import { emptyBakeRegister, type BakeRegister, type FleetBakeQueue } from './bake-requests';

export interface RegisterPersistence {
  /** Where the register lives, for messages. */
  readonly where: string;
  read(): Promise<BakeRegister>;
  /** Persist `next`; `prev` is what is stored now. */
  write(next: BakeRegister, prev: BakeRegister): Promise<void>;
}

interface BakesSection {
  seq: number;
  queue: FleetBakeQueue;
}

export interface RecordRegisterOptions {
  nowMs?: () => number;
  /** The fence of a write about a fleet; default every shard (a lone process). */
  fence?: FenceFor;
}

export class RecordRegisterPersistence implements RegisterPersistence {
  readonly store: StateStore<SectionShapes>;
  private readonly fence: FenceFor;
  private readonly nowMs: () => number;
  readonly where: string;

  constructor(state: StateSource, opts: RecordRegisterOptions | (() => number) = {}) {
    const o = typeof opts === 'function' ? { nowMs: opts } : opts;
    this.store = storeOf(state);
    this.nowMs = o.nowMs ?? Date.now;
    this.fence = o.fence ?? soloFence();
    this.where = `the bake queues in ${this.store.where}`;
  }

  /** A record that cannot be read throws (the store names it); the caller starts empty. */
  async read(): Promise<BakeRegister> {
    const register = emptyBakeRegister();
    for (const record of await readAllRecords(this.store)) {
      const fleet = record.fleet;
      const section = record.sections.bakes as BakesSection | undefined;
      if (!section) continue;
      if (typeof section.seq !== 'number' || !section.queue || typeof section.queue !== 'object') throw new Error(`the bake queue of fleet ${fleet} in ${recordWhere(this.store, fleet)} is not { seq, queue }`);
      register.fleets[fleet] = section.queue;
      register.seq = Math.max(register.seq, section.seq);
    }
    return register;
  }

  async write(next: BakeRegister, prev: BakeRegister): Promise<void> {
    const names = new Set([...Object.keys(next.fleets), ...Object.keys(prev.fleets)]);
    for (const fleet of [...names].sort()) {
      const queue = next.fleets[fleet];
      if (JSON.stringify(queue) === JSON.stringify(prev.fleets[fleet])) continue;
      const bakes = queue ? ({ seq: next.seq, queue: JSON.parse(JSON.stringify(queue)) as FleetBakeQueue } satisfies BakesSection) : null;
      await updateRecord(this.store, fleet, this.fence(fleet), this.nowMs, (r) => (bakes === null && r.sections.bakes === undefined ? undefined : { bakes }));
    }
  }
}
