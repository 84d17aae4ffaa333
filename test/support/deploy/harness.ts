/**
 * Test harness for deploy machines: run one to the end on a VirtualClock, or run it until
 * its n-th saved snapshot, "crash" (stop the actor, drop later saves) and restore a new
 * actor from what the store holds, the way the controller does after `kill -9`.
 */
import type { AnyStateMachine, InputFrom } from 'xstate';
import type { VirtualClock } from '../../../src/util/clock';
import { startPersistedActor, type PersistedActor, type DeploymentMeta, type DeploymentResult } from '../../../src/deploy/persisted-actor';
import { MemorySnapshotStore, isCorrupt, type DeploymentRecord, type LoadedRecord, type SnapshotStore } from '../../../src/deploy/snapshot-store';
import { driveUntil, flush } from './drive';

export interface HarnessOptions<M extends AnyStateMachine> {
  clock: VirtualClock;
  input: InputFrom<M>;
  kind: DeploymentMeta['kind'];
  fleet?: string;
  /** Called after each saved transition with the handle (to send events). */
  onTransition?: (snapshot: any, handle: PersistedActor<M>) => void;
}

export function metaFor(kind: DeploymentMeta['kind'], fleet: string, clock: VirtualClock): DeploymentMeta {
  return { fleet, kind, id: `${kind}-1`, startedAt: clock.now().toISOString() };
}

export async function runToEnd<M extends AnyStateMachine>(
  machine: M,
  opts: HarnessOptions<M>,
  store: MemorySnapshotStore = new MemorySnapshotStore(),
): Promise<{ result: DeploymentResult; store: MemorySnapshotStore; handle: PersistedActor<M> }> {
  const fleet = opts.fleet ?? 'shop';
  const handle: PersistedActor<M> = startPersistedActor(machine, {
    store,
    key: fleet,
    meta: metaFor(opts.kind, fleet, opts.clock),
    clock: opts.clock,
    input: opts.input,
    onTransition: (s) => opts.onTransition?.(s, handle),
  });
  const result = await driveUntil(opts.clock, handle.done);
  return { result, store, handle };
}

/** Calls `onCrash` right after the n-th save lands; later saves never complete (the process is gone). */
class CrashingStore implements SnapshotStore {
  private saves = 0;
  constructor(
    private readonly inner: SnapshotStore,
    private readonly crashAfter: number,
    private readonly onCrash: () => void,
  ) {}
  async save(key: string, record: DeploymentRecord): Promise<void> {
    if (this.saves >= this.crashAfter) return new Promise<void>(() => undefined);
    await this.inner.save(key, record);
    if (++this.saves === this.crashAfter) this.onCrash();
  }
  load(key: string): Promise<LoadedRecord> {
    return this.inner.load(key);
  }
  list(): Promise<string[]> {
    return this.inner.list();
  }
  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
}

/**
 * `beforeEffect`: the process dies as soon as the n-th snapshot is saved, before the step it
 * invoked touches the world. `afterEffect`: that step's effect lands but its result is never
 * saved. Restoring must cope with both.
 */
export type CrashMode = 'beforeEffect' | 'afterEffect';

/** Run until the `crashAfter`-th save, crash, then restore from the store and run to the end (`onTransition` sees both actors). */
export async function crashAndRestore<M extends AnyStateMachine>(
  machine: M,
  opts: HarnessOptions<M>,
  crashAfter: number,
  mode: CrashMode = 'beforeEffect',
): Promise<{ result: DeploymentResult; crashedAt: unknown }> {
  const fleet = opts.fleet ?? 'shop';
  const inner = new MemorySnapshotStore();
  const meta = metaFor(opts.kind, fleet, opts.clock);
  const ref: { handle?: PersistedActor<M> } = {};
  const crash = () => void ref.handle?.stop();
  const store = new CrashingStore(inner, crashAfter, mode === 'beforeEffect' ? crash : () => setImmediate(crash));
  const onTransition = (h: () => PersistedActor<M> | undefined) => (s: any) => { const x = h(); if (x) opts.onTransition?.(s, x); };
  const handle = (ref.handle = startPersistedActor(machine, { store, key: fleet, meta, clock: opts.clock, input: opts.input, onTransition: onTransition(() => ref.handle) }));
  const first = await driveUntil(opts.clock, handle.done);
  await flush();
  const loaded = await inner.load(fleet);
  if (!loaded || isCorrupt(loaded)) throw new Error(`restoring deployment: no record after crash at save ${crashAfter}`);
  if (first.status === 'done') return { result: first, crashedAt: loaded.snapshot };
  const after: { handle?: PersistedActor<M> } = {};
  const restored = (after.handle = startPersistedActor(machine, { store: inner, key: fleet, meta, clock: opts.clock, snapshot: loaded.snapshot, onTransition: onTransition(() => after.handle) }));
  const result = await driveUntil(opts.clock, restored.done);
  return { result, crashedAt: loaded.snapshot };
}
