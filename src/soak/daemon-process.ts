/**
 * One drover daemon "process" in the soak: the real daemon (intake, lifecycle hooks,
 * deployments) in-process on the shared simulated account, behind a kill switch.
 *
 * kill -9: from the kill on, every AWS call of this process hangs (a call that was in flight
 * landed in the world, but its answer never arrives), every sleep on its clock hangs and
 * leaves the virtual clock's timer list, and its deployment actors stop where they are. No
 * graceful shutdown runs: what it had received from SQS comes back after the visibility
 * timeout, what it had persisted is what the next process finds.
 *
 * The process also watches for the daemon exiting on its own: `stop()` called by anything
 * but the soak, or `start()` failing.
 */
import type { Pluggable } from '@smithy/types';
import type { CallCounter } from '../aws/call-counter';
import { createAwsPort } from '../aws/clients';
import type { Logger } from '../log/logger';
import { type SnapshotStore } from '../deploy/snapshot-store';
import { localSnapshotStore } from '../deploy/record-snapshot-store';
import { createDaemon, type Daemon } from '../main/daemon';
import type { FleetReconciler } from '../controllers/fleet/reconciler';
import type { Reconciler } from '../controllers/queue/loop';
import { fleetReconciler } from '../main/fleet-reconciler';
import { createSimPlugin, type SimAccount } from '../sim';
import type { Clock, VirtualClock } from '../util/clock';
import { flush } from '../util/virtual-drive';
import { SOAK_QUEUE } from './fleets';

const hang = <T>(): Promise<T> => new Promise<T>(() => undefined);

export interface ProcessWorld {
  sim: SimAccount;
  clock: VirtualClock;
  stateDir: string;
  manifestDir: string;
  /** One counter for every process (each counter owns an AsyncLocalStorage; Node keeps them all). */
  calls: CallCounter;
  logger: Logger;
  random: () => number;
}

export class DaemonProcess {
  readonly daemon: Daemon;
  dead = false;
  /** Why the daemon ended without the soak asking, if it did. */
  exitedOnItsOwn?: string;
  /** Last virtual time each fleet's reconcile pass returned. */
  readonly lastReconcile = new Map<string, number>();
  readonly startedAtMs: number;
  private reconciler?: FleetReconciler;
  private readonly killSwitch = new AbortController();
  private readonly death: Promise<void>;
  private die!: () => void;
  private stopping = false;
  private killAfterCalls?: number;
  private callsSeen = 0;
  private stopped: Promise<void> = Promise.resolve();
  /** Deployment record reads and writes in flight (real file I/O: virtual time waits for them). */
  private readonly io = new Set<Promise<unknown>>();
  private ioTail: Promise<void> = Promise.resolve();

  constructor(
    private readonly world: ProcessWorld,
    readonly generation: number,
  ) {
    this.startedAtMs = world.clock.nowMs();
    this.death = new Promise<void>((resolve) => (this.die = resolve));
    const clock = killableClock(world.clock, this.killSwitch.signal);
    const clients = createAwsPort({ region: 'eu-west-1', plugin: this.plugin(), calls: world.calls });
    this.daemon = createDaemon({
      dir: world.manifestDir,
      stateDir: world.stateDir,
      clients,
      clock,
      sleep: (ms) => clock.sleep(ms),
      logger: world.logger.child({ process: generation }),
      queue: SOAK_QUEUE,
      listen: false,
      manifestRepo: 'git@gitlab.example.com:shop/fleet-manifests.git',
      manifestPollMs: false,
      sim: world.sim,
      random: world.random,
      git: async () => ({ stdout: '', stderr: '' }),
      reconcilerFactory: (ctx) => this.wrap(fleetReconciler(ctx, { snapshots: this.tracked(localSnapshotStore(world.stateDir, () => world.clock.nowMs())) })),
    });
    const stop = this.daemon.stop.bind(this.daemon);
    this.daemon.stop = () => {
      if (!this.stopping && !this.dead) this.exitedOnItsOwn ??= 'the daemon called stop() on itself';
      return stop();
    };
  }

  /** Start the daemon (its AWS calls wait on virtual time: drive the clock meanwhile). */
  async start(): Promise<void> {
    try {
      await this.daemon.start();
    } catch (err) {
      if (this.dead) return hang();
      this.exitedOnItsOwn ??= `starting failed: ${(err as Error).message}`;
    }
  }

  /** Die right after the `n`-th AWS call from now has landed in the world. */
  armKill(n: number): void {
    this.killAfterCalls = this.callsSeen + Math.max(1, n);
  }

  /** kill -9 now. */
  kill(): void {
    if (this.dead) return;
    this.dead = true;
    this.die();
    this.killSwitch.abort();
    this.stopped = this.reconciler?.runner.stopAll() ?? Promise.resolve();
  }

  /** Resolves once a killed process's deployment actors have stopped (or wait on I/O that never returns). */
  async buried(): Promise<void> {
    await Promise.race([this.stopped, flush(20)]);
    await flush();
  }

  /**
   * What virtual time waits for before moving on: deployment record I/O and saves in flight.
   * Without it a reconcile waiting on a file read would see the clock jump past its next step,
   * and the same seed would not make the same run.
   */
  async settle(): Promise<void> {
    for (let i = 0; i < 1_000; i++) {
      await flush();
      if (this.dead) return;
      // A kill inside (an armed kill lands on a call) leaves saves hanging: stop waiting then.
      await Promise.race([this.reconciler?.runner.quiesce(flush), this.death]);
      if (this.dead || !this.io.size) return;
      await Promise.race([Promise.allSettled([...this.io]), this.death]);
    }
  }

  /** Graceful stop at the end of the soak (the soak keeps virtual time moving meanwhile). */
  stop(): Promise<void> {
    this.stopping = true;
    return this.daemon.stop();
  }

  /**
   * The deployment record store, with its I/O tracked for `settle`. A dead process starts no
   * more I/O, and what it had in flight completes on disk but never returns to its code.
   */
  private tracked(store: SnapshotStore): SnapshotStore {
    const track = <T>(op: () => Promise<T>): Promise<T> => {
      if (this.dead) return hang();
      const p = op();
      // Answers go back in the order asked: the disk's completion order would make runs differ.
      const turn = this.ioTail.then(() => p.then((value) => ({ value }), (error: unknown) => ({ error })));
      this.ioTail = turn.then(() => undefined);
      this.io.add(turn);
      void turn.then(() => this.io.delete(turn));
      return turn.then((r) => (this.dead ? hang<T>() : 'error' in r ? Promise.reject(r.error) : r.value));
    };
    return {
      save: (key, record) => track(() => store.save(key, record)),
      load: (key) => track(() => store.load(key)),
      list: () => track(() => store.list()),
      delete: (key) => track(() => store.delete(key)),
    };
  }

  private wrap(r: FleetReconciler): Reconciler {
    this.reconciler = r;
    return {
      requestBake: (fleet, commit) => r.requestBake(fleet, commit),
      alarmChanged: (fleet, alarm) => r.alarmChanged(fleet, alarm),
      close: () => r.close(),
      reconcile: async (fleet) => {
        const out = await r.reconcile(fleet);
        if (!this.dead) this.lastReconcile.set(fleet.name, this.world.clock.nowMs());
        return out;
      },
    };
  }

  /** The kill switch sits between drover's call recorder and the simulated account. */
  private plugin(): Pluggable<any, any> {
    const sim = createSimPlugin(this.world.sim);
    const middleware = (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      if (this.dead) return hang();
      try {
        const out = await next(args);
        this.counted();
        return this.dead ? hang() : out;
      } catch (err) {
        this.counted();
        if (this.dead) return hang();
        throw err;
      }
    };
    return {
      applyToStack: (stack: any) => {
        stack.add(middleware, { step: 'initialize', name: 'soakKillSwitch', priority: 'high' });
        sim.applyToStack(stack);
      },
    };
  }

  private counted(): void {
    this.callsSeen++;
    if (this.killAfterCalls !== undefined && this.callsSeen >= this.killAfterCalls) this.kill();
  }
}

/** The process's view of the shared clock: once killed, its sleeps never end and leave the timer list. */
export function killableClock(inner: VirtualClock, killed: AbortSignal): Clock {
  const sleeping = new Set<AbortController>();
  killed.addEventListener('abort', () => sleeping.forEach((s) => s.abort()), { once: true });
  return {
    now: () => inner.now(),
    nowMs: () => inner.nowMs(),
    sleep(ms: number, signal?: AbortSignal): Promise<void> {
      if (killed.aborted) return hang();
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise<void>((resolve, reject) => {
        const link = new AbortController();
        const onAbort = () => link.abort(signal?.reason);
        sleeping.add(link);
        signal?.addEventListener('abort', onAbort, { once: true });
        const done = () => {
          sleeping.delete(link);
          signal?.removeEventListener('abort', onAbort);
        };
        inner.sleep(ms, link.signal).then(
          () => (done(), resolve()),
          (err: unknown) => {
            done();
            if (!killed.aborted) reject(err);
          },
        );
      });
    },
  };
}
