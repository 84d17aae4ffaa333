/**
 * One drover controller "process" over a shared simulated account and state directory, as
 * the crash tests need it: every AWS call and deployment transition is traced, and a kill
 * switch can end the process right after a chosen call (its effect landed in the world, the
 * answer never arrives) or a chosen transition. A dead process makes no further AWS calls
 * (they never resolve), writes no more files, and its deployment actors are stopped.
 */
import type { Pluggable } from '@smithy/types';
import { CallCounter } from '../../src/aws/call-counter';
import { createAwsPort, type AwsPort } from '../../src/aws/clients';
import { isReadOnlyCommand } from '../../src/aws/commands';
import { OwnershipCache } from '../../src/providers/observe';
import { FleetReconciler, type FleetPass } from '../../src/controllers/fleet/reconciler';
import { type SnapshotStore } from '../../src/deploy/snapshot-store';
import { localSnapshotStore } from '../../src/deploy/record-snapshot-store';
import { nullLogger, type Logger } from '../../src/log/logger';
import type { DesiredFleet } from '../../src/model/fleet';
import { isReportOnly } from '../../src/model/plan';
import { createSimPlugin, type SimAccount } from '../../src/sim';
import { FileStatusStore, type StatusStore } from '../../src/status/status-store';
import { flush, passVirtualTime } from '../../src/util/virtual-drive';
import { localMemoryNow } from '../../src/controllers/fleet/fleet-memory';

export interface TracedCall {
  /** 1-based, in the order the process sent them. */
  index: number;
  service: string;
  operation: string;
  readOnly: boolean;
  /**
   * Who sent it: a deployment actor in its phase (`bake:waitBuilderStopped`), a reconcile pass
   * (`pass:converge`, or `pass:watch` while a deployment runs), or `idle` before any pass.
   */
  phase: string;
}

export interface TracedTransition {
  /** 1-based. */
  index: number;
  kind: string;
  phase: string;
  /** Calls sent before this transition was saved. */
  afterCalls: number;
}

/** Where to die: right after AWS call #n returned in the world, or right after transition #n was saved. */
export type KillPoint = { at: 'call'; index: number } | { at: 'transition'; index: number };

class Killed extends Error {
  constructor() {
    super('the controller process was killed');
  }
}

/**
 * One call counter for every process: each counter owns an AsyncLocalStorage, and Node 20
 * keeps every storage ever run on its propagation list, so hundreds of processes would make
 * each new promise slower. Its records are cleared whenever a process starts.
 */
const SHARED_CALLS = new CallCounter();

const hang = <T>(): Promise<T> => new Promise<T>(() => undefined);

export interface ProcessOptions {
  kill?: KillPoint;
  logger?: Logger;
  /** Called after every AWS call that reached the world (capacity sampling). */
  afterCall?: () => void;
}

export class ControllerProcess {
  readonly reconciler: FleetReconciler;
  readonly clients: AwsPort;
  readonly calls: TracedCall[] = [];
  readonly transitions: TracedTransition[] = [];
  dead = false;
  readonly death: Promise<void>;
  private stopped: Promise<void> = Promise.resolve();
  private phase = 'idle';
  private inPass: 'converge' | 'watch' | undefined;
  private die!: () => void;

  constructor(
    readonly sim: SimAccount,
    readonly stateDir: string,
    private opts: ProcessOptions = {},
  ) {
    this.death = new Promise<void>((resolve) => (this.die = resolve));
    SHARED_CALLS.reset();
    this.clients = createAwsPort({ region: 'eu-west-1', plugin: this.plugin(), calls: SHARED_CALLS });
    const files = localSnapshotStore(stateDir, () => sim.clock.nowMs());
    const statuses = new FileStatusStore(stateDir, { warn: () => undefined });
    this.reconciler = new FleetReconciler({
      clients: this.clients,
      logger: opts.logger ?? nullLogger,
      clock: sim.clock,
      sleep: (ms) => passVirtualTime(sim.clock, (d) => sim.advance(d), ms, () => this.settle()),
      stateDir,
      ownershipCache: new OwnershipCache(),
      snapshots: this.deadable(files),
      statuses: this.deadableStatuses(statuses),
      onDeploymentTransition: (_fleet, kind, phase) => this.transitioned(kind, phase),
    });
    // A dead process writes nothing more: its memory writes are dropped like its other files.
    const memory = this.reconciler.memory;
    const save = memory.save.bind(memory);
    const update = memory.update.bind(memory);
    memory.save = (m) => (this.dead ? Promise.resolve() : save(m));
    memory.update = (fleet, change) => (this.dead ? memory.load(fleet) : update(fleet, change));
  }

  /** No kill from now on (the run the kill point belonged to is over). */
  disarm(): void {
    this.opts.kill = undefined;
  }

  /** Kill now: later AWS calls hang, files are not written, actors stop where they are. */
  kill(): void {
    if (this.dead) return;
    this.dead = true;
    this.die();
    this.stopped = this.reconciler.runner.stopAll();
  }

  /** Resolves once a killed process's actors have stopped. */
  async buried(): Promise<void> {
    await this.stopped;
    await flush();
  }

  /** What virtual time waits for before moving on; throws once the process is dead. */
  async settle(): Promise<void> {
    if (this.dead) throw new Killed();
    await Promise.race([this.reconciler.runner.quiesce(flush), this.death]);
    if (this.dead) throw new Killed();
  }

  /** `work`'s value, or undefined if the process died first. */
  async alive<T>(work: Promise<T>): Promise<{ value: T } | undefined> {
    const guarded = work.then(
      (value) => ({ value }),
      (err: unknown) => {
        if (this.dead) return undefined;
        throw err;
      },
    );
    return Promise.race([guarded, this.death.then(() => undefined)]);
  }

  /** Reconcile, let virtual time pass as asked, repeat until converged, killed or out of time. */
  async drive(fleet: DesiredFleet, maxVirtualMs: number): Promise<{ killed: boolean; passes: number; last?: FleetPass }> {
    const deadline = this.sim.clock.nowMs() + maxVirtualMs;
    for (let passes = 1; ; passes++) {
      this.inPass = this.reconciler.runner.get(fleet.name) ? 'watch' : 'converge';
      const pass = await this.alive(this.reconciler.reconcile(fleet).finally(() => (this.inPass = undefined)));
      if (!pass) return { killed: true, passes };
      if (this.converged(fleet, pass.value)) {
        this.disarm();
        return { killed: false, passes, last: pass.value };
      }
      if (this.sim.clock.nowMs() > deadline) {
        const why = pass.value.deployment?.message ?? pass.value.error?.message ?? pass.value.result.readiness.message;
        throw new Error(`driving fleet ${fleet.name}: not converged after ${maxVirtualMs / 60_000} virtual minutes (${why})`);
      }
      const waited = await this.alive(passVirtualTime(this.sim.clock, (d) => this.sim.advance(d), pass.value.requeueAfterMs, () => this.settle()));
      if (!waited) return { killed: true, passes };
    }
  }

  /** Nothing left to do: ready, nothing applied, no deployment running or due, no bake waiting. */
  converged(fleet: DesiredFleet, pass: FleetPass): boolean {
    const r = pass.result;
    if (pass.error || (!r.readiness.ready && !pass.blocked) || r.applied.length > 0) return false;
    // A pass that reports a deployment watched it (it may have ended during the pass) and did not plan what follows.
    if (pass.deployment || this.reconciler.runner.get(fleet.name)) return false;
    if (r.plan.steps.some((s) => !isReportOnly(s))) return false;
    if (r.pendingDeployment && !pass.blocked) return false;
    return !localMemoryNow(this.stateDir, fleet.name).pendingBake;
  }

  private transitioned(kind: string, phase: string): void {
    if (this.dead) return;
    this.phase = `${kind}:${phase}`;
    const t = { index: this.transitions.length + 1, kind, phase, afterCalls: this.calls.length };
    this.transitions.push(t);
    if (this.opts.kill?.at === 'transition' && this.opts.kill.index === t.index) this.kill();
  }

  private afterCall(index: number): void {
    this.opts.afterCall?.();
    if (this.opts.kill?.at === 'call' && this.opts.kill.index === index) this.kill();
  }

  /** The kill switch sits between drover's call recorder and the simulated account. */
  private plugin(): Pluggable<any, any> {
    const sim = createSimPlugin(this.sim);
    const middleware = (next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) => async (args: unknown) => {
      if (this.dead) return hang();
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      const index = this.calls.length + 1;
      this.calls.push({ index, service: (context.clientName ?? '').replace(/Client$/, ''), operation, readOnly: isReadOnlyCommand(operation), phase: this.inPass ? `pass:${this.inPass}` : this.phase });
      try {
        const out = await next(args);
        this.afterCall(index);
        return this.dead ? hang() : out;
      } catch (err) {
        this.afterCall(index);
        if (this.dead) return hang();
        throw err;
      }
    };
    return {
      applyToStack: (stack: any) => {
        stack.add(middleware, { step: 'initialize', name: 'crashKillSwitch', priority: 'high' });
        sim.applyToStack(stack);
      },
    };
  }

  private deadable(store: SnapshotStore): SnapshotStore {
    return {
      save: (key, record) => (this.dead ? Promise.resolve() : store.save(key, record)),
      load: (key) => store.load(key),
      list: () => store.list(),
      delete: (key) => (this.dead ? Promise.resolve() : store.delete(key)),
    };
  }

  private deadableStatuses(store: StatusStore): StatusStore {
    return {
      load: (fleet) => store.load(fleet),
      list: () => store.list(),
      save: (status) => (this.dead ? Promise.resolve() : store.save(status)),
      update: (fleet, change) => (this.dead ? store.load(fleet) : store.update(fleet, change)),
    };
  }
}
