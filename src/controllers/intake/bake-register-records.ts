/**
 * The bake register kept in the state store (issue 13): each fleet's queue is the `bakes`
 * section of its record, as `{ seq, queue }` (seq is the register's when the queue was
 * written, so the order of requests keeps increasing across fleets). The register is the
 * union of the fleets' queues, its seq the highest stored. A write touches only the fleets
 * whose queue changed. Local backend, synchronous like the file it replaces.
 */
import { soloOwnership } from '../../state/leases';
import { LocalStateStore } from '../../state/local/local-store';
import { emptyBakeRegister, type BakeRegister, type FleetBakeQueue } from './bake-requests';

export interface RegisterPersistence {
  /** Where the register lives, for messages. */
  readonly where: string;
  read(): BakeRegister;
  /** Persist `next`; `prev` is what is stored now. */
  write(next: BakeRegister, prev: BakeRegister): void;
}

interface BakesSection {
  seq: number;
  queue: FleetBakeQueue;
}

export class RecordRegisterPersistence implements RegisterPersistence {
  private readonly store: LocalStateStore;
  private readonly fence = soloOwnership();
  readonly where: string;

  constructor(stateDir: string, private readonly nowMs: () => number = Date.now) {
    this.store = new LocalStateStore(stateDir);
    this.where = `the bake queues in ${this.store.where}`;
  }

  /** A record that cannot be read throws (the store names it); the caller starts empty. */
  read(): BakeRegister {
    const register = emptyBakeRegister();
    for (const fleet of this.store.listNow()) {
      const section = this.store.readNow(fleet).sections.bakes as BakesSection | undefined;
      if (!section) continue;
      if (typeof section.seq !== 'number' || !section.queue || typeof section.queue !== 'object') throw new Error(`the bake queue of fleet ${fleet} in ${this.store.fleetFile(fleet)} is not { seq, queue }`);
      register.fleets[fleet] = section.queue;
      register.seq = Math.max(register.seq, section.seq);
    }
    return register;
  }

  write(next: BakeRegister, prev: BakeRegister): void {
    const names = new Set([...Object.keys(next.fleets), ...Object.keys(prev.fleets)]);
    for (const fleet of [...names].sort()) {
      const queue = next.fleets[fleet];
      if (JSON.stringify(queue) === JSON.stringify(prev.fleets[fleet])) continue;
      const bakes = queue ? ({ seq: next.seq, queue: JSON.parse(JSON.stringify(queue)) as FleetBakeQueue } satisfies BakesSection) : null;
      this.store.writeNow(this.store.readNow(fleet), { bakes }, this.fence.fenceFor(fleet), this.nowMs());
    }
  }
}
