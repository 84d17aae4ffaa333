/**
 * The bake queues as the intake uses them (issue 13), over either home:
 *
 * - `localBakeQueues(register)`: one process holds the state directory (its lock), so the
 *   in-memory register (BakeRegisterStore, group-committed) is the truth and every fleet is
 *   this process's.
 * - `SharedBakeQueues`: replicas share one table and any of them may receive a fleet's merge.
 *   The fleet's record is the truth: every change is a read-change-write of its `bakes`
 *   section, redone on a VersionConflict, so two replicas never overwrite each other's facts.
 *   A request is a fact any replica records (fence `'intake'`); moving a commit in flight or
 *   finishing it is the owner's work, fenced with the epoch of the shard it holds, so a
 *   replica that lost the shard fails instead of writing.
 */
import { updateRecord, type SectionShapes, type StateStore } from '../../state/port';
import { recordWhere, storeOf, type FenceFor, type StateSource } from '../../state/store-of';
import { finishBake, requestBake, startBake, type BakeCommitRequest, type BakeRegister, type BakeRequestInput, type BakeRequestOutcome, type FleetBakeQueue } from './bake-requests';
import type { BakeRegisterStore } from './bake-register-store';

export interface BakeQueues {
  /** Count a requested commit; resolves once it is recorded (group commit: once held for the poller's commit). */
  request(fleet: string, input: BakeRequestInput): Promise<{ outcome: BakeRequestOutcome; reason: string }>;
  /** The fleet's queue as recorded now. */
  queueOf(fleet: string): Promise<FleetBakeQueue | undefined>;
  /** `handed` was given to the reconciler: record it in flight (unless a bake is in flight already). */
  start(fleet: string, handed: BakeCommitRequest): Promise<BakeCommitRequest | undefined>;
  /** The in-flight bake of `commit` ended. False when it was not the one in flight. */
  finish(fleet: string, commit: string): Promise<boolean>;
  /** Fleets whose queues to look at when the process starts (shared: none; each owner's passes pick theirs up). */
  resumable(): Promise<string[]>;
}

/** The lone process's register (the state directory is locked): memory is the truth. */
export function localBakeQueues(register: BakeRegisterStore): BakeQueues {
  return {
    request: async (fleet, input) => {
      const { outcome, reason, saved } = register.request(fleet, input);
      await saved;
      return { outcome, reason };
    },
    queueOf: async (fleet) => register.current().fleets[fleet],
    start: (fleet) => register.start(fleet),
    finish: (fleet, commit) => register.finish(fleet, commit),
    resumable: async () => Object.keys(register.current().fleets),
  };
}

interface BakesSection {
  seq: number;
  queue: FleetBakeQueue;
}

export interface SharedBakeQueuesOptions {
  nowMs: () => number;
  /** The fence of the owner's writes (the shard epoch held); throws LeaseLost when not held. */
  fence: FenceFor;
}

export class SharedBakeQueues implements BakeQueues {
  private readonly store: StateStore<SectionShapes>;
  /** Record writes made (requests, starts, finishes). */
  writes = 0;

  constructor(
    state: StateSource,
    private readonly opts: SharedBakeQueuesOptions,
  ) {
    this.store = storeOf(state);
  }

  async request(fleet: string, input: BakeRequestInput): Promise<{ outcome: BakeRequestOutcome; reason: string }> {
    let result: { outcome: BakeRequestOutcome; reason: string } = { outcome: 'duplicate', reason: '' };
    await this.change(fleet, 'intake', (register) => {
      const r = requestBake(register, fleet, input);
      result = { outcome: r.outcome, reason: r.reason };
      return r.register;
    });
    return result;
  }

  async queueOf(fleet: string): Promise<FleetBakeQueue | undefined> {
    return this.registerOf(fleet, (await this.store.read(fleet)).sections.bakes).fleets[fleet];
  }

  async start(fleet: string, handed: BakeCommitRequest): Promise<BakeCommitRequest | undefined> {
    let started: BakeCommitRequest | undefined;
    await this.change(fleet, this.opts.fence(fleet), (register) => {
      const queue = register.fleets[fleet] ?? { seenMessageIds: [] };
      started = undefined;
      if (queue.inFlight) return register;
      if (queue.pending?.commit === handed.commit) {
        const r = startBake(register, fleet);
        started = r.started;
        return r.register;
      }
      // Another replica recorded a newer request since `handed` was read: that one stays pending.
      started = handed;
      return { ...register, fleets: { ...register.fleets, [fleet]: { ...queue, inFlight: handed } } };
    });
    return started;
  }

  async finish(fleet: string, commit: string): Promise<boolean> {
    let finished = false;
    await this.change(fleet, this.opts.fence(fleet), (register) => {
      const next = finishBake(register, fleet, commit);
      finished = next !== register;
      return next;
    });
    return finished;
  }

  async resumable(): Promise<string[]> {
    return [];
  }

  /** Read the fleet's queue, change it, write it back; redone on a VersionConflict with the fresh record. */
  private async change(fleet: string, fence: ReturnType<FenceFor>, fn: (register: BakeRegister) => BakeRegister): Promise<void> {
    let wrote = false;
    await updateRecord(this.store, fleet, fence, this.opts.nowMs, (r) => {
      const register = this.registerOf(fleet, r.sections.bakes);
      const next = fn(register);
      wrote = next !== register;
      if (!wrote) return undefined;
      const queue = next.fleets[fleet];
      return { bakes: queue ? ({ seq: next.seq, queue: JSON.parse(JSON.stringify(queue)) as FleetBakeQueue } satisfies BakesSection) : null };
    });
    if (wrote) this.writes++;
  }

  private registerOf(fleet: string, section: unknown): BakeRegister {
    if (section === undefined) return { seq: 0, fleets: {} };
    const s = section as Partial<BakesSection>;
    if (typeof s?.seq !== 'number' || !s.queue || typeof s.queue !== 'object') throw new Error(`the bake queue of fleet ${fleet} in ${recordWhere(this.store, fleet)} is not { seq, queue }`);
    return { seq: s.seq, fleets: { [fleet]: s.queue } };
  }
}
