/**
 * One persisted deployment actor: what the DeploymentRunner (runner.ts, the one runner) runs
 * each deployment on. It starts the actor fresh (`input`) or from a persisted snapshot, saves
 * `getPersistedSnapshot()` after every transition (in order, never two saves at once), and
 * resolves with how it ended. `after` delays run on the injected clock. Restoring sends one
 * `POLL`, because xstate does not persist pending delays: a waiting step re-polls at once.
 */
import { createActor, type Actor, type AnyStateMachine, type InputFrom, type Snapshot } from 'xstate';
import type { Clock } from '../util/clock';
import { withContext } from '../util/errors';
import { setPersistenceBarrier } from './machines/persistence-barrier';
import type { DeploymentKind, DeploymentRecord, SnapshotStore } from './snapshot-store';
import { toXStateClock } from './xstate-clock';

export interface DeploymentMeta {
  fleet: string;
  kind: DeploymentKind;
  id: string;
  /** ISO time. */
  startedAt: string;
}

export interface PersistedActorOptions<M extends AnyStateMachine> {
  store: SnapshotStore;
  key: string;
  meta: DeploymentMeta;
  clock: Clock;
  /** Start fresh with this input… */
  input?: InputFrom<M>;
  /** …or restore from a persisted snapshot (it wins over `input`). */
  snapshot?: unknown;
  /** Called after each new snapshot has been saved. */
  onTransition?: (persisted: unknown, record: DeploymentRecord) => void;
  /**
   * Checked right before each deploy step touches the world (after its snapshot is saved):
   * throws when this process may no longer act on the fleet (its shard lease is lost).
   */
  guard?: () => void;
}

export interface DeploymentResult {
  /** `done`: reached a final state; `error`: the actor or a save failed; `stopped`: stopped early. */
  status: 'done' | 'error' | 'stopped';
  /** Set when it stopped because another replica owns the fleet now (LeaseLost, FencedOut): its snapshot stays for the owner. */
  fenced?: string;
  output?: unknown;
  error?: string;
  /** The last persisted snapshot. */
  snapshot?: unknown;
}

export interface PersistedActor<M extends AnyStateMachine> {
  actor: Actor<M>;
  done: Promise<DeploymentResult>;
  /**
   * Stop the actor where it is. Resolves once saves already queued have landed, so a new
   * actor restored in the same process is never overwritten by an older snapshot.
   */
  stop(): Promise<void>;
  /** True while snapshot saves are queued or being written (the next step waits for them). */
  saving(): boolean;
  /** Resolves once the saves queued so far have landed. */
  idle(): Promise<void>;
}

export function runPersistedActor<M extends AnyStateMachine>(machine: M, options: PersistedActorOptions<M>): Promise<DeploymentResult> {
  return startPersistedActor(machine, options).done;
}

export function startPersistedActor<M extends AnyStateMachine>(machine: M, options: PersistedActorOptions<M>): PersistedActor<M> {
  const { meta } = options;
  const restoring = options.snapshot !== undefined;
  const actor = createDeploymentActor(machine, options, restoring);
  const saver = new SnapshotSaver(options, actor);
  setPersistenceBarrier(actor.system, async () => {
    await saver.idle();
    try {
      options.guard?.();
    } catch (err) {
      fencedStop(err);
      throw err;
    }
  });
  let settle!: (r: DeploymentResult) => void;
  let finishing = false;
  let resolved = false;
  const done = new Promise<DeploymentResult>((resolve) => (settle = resolve));
  const resolveNow = (result: DeploymentResult) => {
    if (resolved) return;
    resolved = true;
    settle({ ...result, snapshot: saver.lastPersisted });
  };
  /** Resolve once the final snapshot is saved. */
  const finish = (result: DeploymentResult) => {
    if (finishing) return;
    finishing = true;
    void saver.idle().then(() => resolveNow(result));
  };
  /** The lease is gone: stop where it is, with no further AWS call and no failure recorded. */
  const fencedStop = (err: unknown) => {
    resolveNow({ status: 'stopped', fenced: withContext(`deployment ${meta.id} of fleet ${meta.fleet}`, err).message });
    actor.stop();
  };
  saver.onSaveError = (err) => {
    if (isFenceError(err)) return fencedStop(err);
    actor.stop();
    resolveNow({ status: 'error', error: withContext(`saving deployment snapshot for fleet ${meta.fleet}`, err).message });
  };

  actor.subscribe({
    next: (snapshot) => {
      saver.persist();
      if (snapshot.status === 'done') finish({ status: 'done', output: snapshot.output });
    },
    error: (err) => {
      saver.persist();
      finish({ status: 'error', error: err instanceof Error ? err.message : String(err) });
    },
    complete: () => finish({ status: 'stopped' }),
  });
  actor.start();
  const started = actor.getSnapshot();
  if (started.status === 'done') finish({ status: 'done', output: started.output });
  else if (restoring && started.status === 'active') actor.send({ type: 'POLL' });

  return {
    actor: actor as Actor<M>,
    done,
    stop: () => {
      resolveNow({ status: 'stopped' });
      actor.stop();
      return saver.idle();
    },
    saving: () => saver.pending > 0,
    idle: () => saver.idle(),
  };
}

function createDeploymentActor(machine: AnyStateMachine, options: PersistedActorOptions<AnyStateMachine>, restoring: boolean): Actor<AnyStateMachine> {
  const clock = toXStateClock(options.clock);
  try {
    return restoring
      ? createActor(machine, { snapshot: options.snapshot as Snapshot<unknown>, clock })
      : createActor(machine, { input: options.input, clock });
  } catch (err) {
    throw withContext(`${restoring ? 'restoring' : 'starting'} deployment ${options.meta.id} for fleet ${options.meta.fleet}`, err);
  }
}

/** Saves each new persisted snapshot in order, one save at a time; skips unchanged ones. */
class SnapshotSaver {
  lastPersisted: unknown;
  onSaveError: (err: unknown) => void = () => undefined;
  private lastText: string | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: PersistedActorOptions<AnyStateMachine>,
    private readonly actor: Actor<AnyStateMachine>,
  ) {}

  persist(): void {
    const text = JSON.stringify(this.actor.getPersistedSnapshot());
    if (text === this.lastText) return;
    this.lastText = text;
    const snapshot: unknown = JSON.parse(text);
    this.lastPersisted = snapshot;
    const { store, key, meta, clock, onTransition } = this.options;
    const record: DeploymentRecord = { ...meta, updatedAt: clock.now().toISOString(), snapshot };
    this.pending++;
    this.chain = this.chain.then(async () => {
      try {
        await store.save(key, record);
      } catch (err) {
        this.onSaveError(err);
        return;
      } finally {
        this.pending--;
      }
      try {
        onTransition?.(snapshot, record);
      } catch {
        // An observer's bug must not stop persistence; the next save still runs.
      }
    });
  }

  idle(): Promise<void> {
    return this.chain;
  }

  /** Saves queued or being written. */
  pending = 0;
}

/** This replica lost the fleet: a lease that ran out or a newer owner's epoch (state/errors.ts codes). */
export function isFenceError(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (code === 'LeaseLost' || code === 'FencedOut') return true;
  }
  return false;
}
