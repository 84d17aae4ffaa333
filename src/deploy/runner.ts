/**
 * The deployment runner (the only one): owns the deployment actors running in this process, one per fleet at most. Starting
 * persists a record before the first step runs; restoring picks up a saved snapshot; when
 * an actor ends, `onFinished` runs before its record is deleted, so a crash in between
 * replays the ending on the next start rather than losing it. Each actor is a persisted actor
 * (persisted-actor.ts): its snapshot is saved after every transition, and a deploy step touches
 * the world only once the snapshot that invoked it is saved (the write-ahead barrier).
 */
import type { AnyStateMachine } from 'xstate';
import type { Logger } from '../log/logger';
import { EVENTS } from '../log/events';
import { describePhase, type PhaseDescription } from './machines/phase';
import { startPersistedActor, type PersistedActor, type DeploymentResult } from './persisted-actor';
import type { DeploymentKind, DeploymentRecord, SnapshotStore } from './snapshot-store';
import type { Clock } from '../util/clock';

export interface RunningDeployment {
  fleet: string;
  kind: DeploymentKind;
  id: string;
  startedAt: string;
  /** The machine's input, for status (generation, AMIs, commit). */
  input: Record<string, unknown>;
  handle: PersistedActor<AnyStateMachine>;
  lastSnapshot: unknown;
  /** Set when the actor has ended and its ending has been handled. */
  result?: DeploymentResult;
}

export interface FinishedDeployment {
  fleet: string;
  kind: DeploymentKind;
  id: string;
  startedAt: string;
  input: Record<string, unknown>;
  result: DeploymentResult;
  phase: PhaseDescription;
}

export interface DeploymentRunnerOptions {
  store: SnapshotStore;
  clock: Clock;
  logger: Logger;
  /** Handle the end of a deployment (memory, status, history). Must be idempotent. */
  onFinished(done: FinishedDeployment): Promise<void>;
  /** Called after every saved transition (progress lines, metrics). */
  onTransition?(fleet: string, kind: DeploymentKind, phase: PhaseDescription): void;
  /** Throws when this process may no longer act on `fleet` (shard leases); checked before each deploy step. */
  guard?(fleet: string): void;
}

export class DeploymentRunner {
  private readonly running = new Map<string, RunningDeployment>();
  private readonly endings = new Set<Promise<void>>();

  constructor(private readonly opts: DeploymentRunnerOptions) {}

  get(fleet: string): RunningDeployment | undefined {
    return this.running.get(fleet);
  }

  phase(fleet: string): PhaseDescription | undefined {
    const r = this.running.get(fleet);
    return r ? describePhase(r.lastSnapshot) : undefined;
  }

  /** Start a new deployment. */
  start(machine: AnyStateMachine, meta: { fleet: string; kind: DeploymentKind; id: string; input: Record<string, unknown> }): RunningDeployment {
    const startedAt = this.opts.clock.now().toISOString();
    return this.launch(machine, { ...meta, startedAt }, { input: { ...meta.input, deploymentId: meta.input.deploymentId ?? meta.id } });
  }

  /** Continue a deployment from its saved record. */
  resume(machine: AnyStateMachine, record: DeploymentRecord & { input?: Record<string, unknown> }): RunningDeployment {
    const input = inputOf(record.snapshot);
    return this.launch(machine, { fleet: record.fleet, kind: record.kind, id: record.id, startedAt: record.startedAt, input }, { snapshot: record.snapshot });
  }

  send(fleet: string, event: { type: string; [k: string]: unknown }): boolean {
    const r = this.running.get(fleet);
    if (!r || r.result) return false;
    r.handle.actor.send(event as never);
    return true;
  }

  /** Stop every actor where it is (snapshots already saved); used on shutdown and by crash tests. */
  async stopAll(): Promise<void> {
    const all = [...this.running.values()];
    this.running.clear();
    await Promise.all(all.map((r) => r.handle.stop()));
  }

  /** Stop one fleet's actor where it is (its shard went to another replica); its snapshot stays. */
  async stop(fleet: string): Promise<boolean> {
    const r = this.running.get(fleet);
    if (!r) return false;
    this.running.delete(fleet);
    await r.handle.stop();
    return true;
  }

  /**
   * Wait until no deployment has a snapshot save in flight. Virtual time must not move on
   * while a step waits for its save (real file I/O), or the deployment falls behind the world.
   */
  async quiesce(flushTurns: () => Promise<void>): Promise<void> {
    for (let i = 0; i < 10_000; i++) {
      await flushTurns();
      const busy = [...this.running.values()].filter((r) => r.handle.saving());
      if (!busy.length && this.endings.size === 0) return;
      await Promise.all([...busy.map((r) => r.handle.idle()), ...this.endings]);
    }
  }

  /** Wait until endings in flight have been handled. */
  async settled(): Promise<void> {
    await Promise.all([...this.endings]);
  }

  private launch(
    machine: AnyStateMachine,
    meta: { fleet: string; kind: DeploymentKind; id: string; startedAt: string; input: Record<string, unknown> },
    from: { input?: Record<string, unknown>; snapshot?: unknown },
  ): RunningDeployment {
    const { fleet, kind, id, startedAt } = meta;
    const logger = this.opts.logger.child({ fleet, component: 'deploy' });
    const handle = startPersistedActor(machine, {
      store: this.opts.store,
      key: fleet,
      meta: { fleet, kind, id, startedAt },
      clock: this.opts.clock,
      ...(this.opts.guard ? { guard: () => this.opts.guard!(fleet) } : {}),
      ...(from.snapshot !== undefined ? { snapshot: from.snapshot } : { input: from.input as never }),
      onTransition: (persisted) => {
        run.lastSnapshot = persisted;
        const phase = describePhase(persisted);
        logger.info({ event: EVENTS.deployTransition, kind, id, phase: phase.phase, waiting: phase.waiting }, phase.message);
        this.opts.onTransition?.(fleet, kind, phase);
      },
    });
    const run: RunningDeployment = { fleet, kind, id, startedAt, input: from.input ?? meta.input, handle, lastSnapshot: from.snapshot };
    this.running.set(fleet, run);
    logger.info({ event: from.snapshot ? EVENTS.deployResumed : EVENTS.deployStarted, kind, id }, `${from.snapshot ? 'resuming' : 'starting'} ${kind} ${id}`);
    void handle.done.then((result) => {
      const ending = this.finish(run, result);
      this.endings.add(ending);
      void ending.finally(() => this.endings.delete(ending));
    });
    return run;
  }

  private async finish(run: RunningDeployment, result: DeploymentResult): Promise<void> {
    if (result.status === 'stopped') {
      // Shutdown, a simulated crash or a lost lease: the record stays for the next start or the shard's new owner.
      if (this.running.get(run.fleet) === run) this.running.delete(run.fleet);
      if (result.fenced) this.opts.logger.warn({ event: EVENTS.deployFenced, fleet: run.fleet, kind: run.kind, id: run.id }, `stopped ${run.kind} ${run.id} of fleet ${run.fleet} before its next AWS call: ${result.fenced}; its snapshot stays for the shard's owner`);
      return;
    }
    run.result = result;
    const phase = describePhase(result.snapshot ?? run.lastSnapshot);
    await this.opts.onFinished({ fleet: run.fleet, kind: run.kind, id: run.id, startedAt: run.startedAt, input: run.input, result, phase });
    await this.opts.store.delete(run.fleet);
    if (this.running.get(run.fleet) === run) this.running.delete(run.fleet);
  }
}

/** The machine input kept in a persisted snapshot's context (all drover machines keep it there). */
export function inputOf(snapshot: unknown): Record<string, unknown> {
  const ctx = (snapshot as { context?: { input?: Record<string, unknown> } } | undefined)?.context;
  return ctx?.input ?? {};
}
