/**
 * Set-up and tear-down shared by the in-process daemon tests (test/daemon-env.ts makes the
 * env): the daemon holding the state directory's lock, as `drover daemon` does, so the CLI a
 * test runs hands its facts over through `<state-dir>/inbox/`; and stopping whatever daemon a
 * test made.
 */
import type { DaemonOptions } from '../../src/main/daemon';
import { fleetReconciler } from '../../src/main/fleet-reconciler';
import { runInvocation } from '../../src/main/state-lock';

/** Daemon options that deploy: the full FleetReconciler, manifests re-read every 2 s. */
export const DEPLOYING: Partial<DaemonOptions> = { reconcilerFactory: (ctx) => fleetReconciler(ctx), manifestPollMs: 2_000 };

/** The parts of a DaemonEnv these hooks use. */
interface StoppableEnv {
  stop(): Promise<void>;
  cleanup(): void;
}
interface LockingEnv extends StoppableEnv {
  daemon: { start(): Promise<void> };
  drive(ms: number, until?: () => boolean): Promise<boolean>;
}

/**
 * Starts the daemon inside an invocation of its own (which takes the state directory's lock);
 * the function returned stops it, ends the invocation and removes the env's directories.
 */
async function startHoldingLock(env: LockingEnv): Promise<() => Promise<void>> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const up = new Promise<void>((resolve) => (started = resolve));
  const ran = runInvocation('daemon', async () => {
    await env.daemon.start();
    started();
    await held;
  });
  await up;
  return async () => {
    await env.stop();
    release();
    await ran;
    env.cleanup();
  };
}

/**
 * Before each test: the env `make` returns, its daemon started holding the lock and driven
 * (up to 30 virtual minutes) until `ready`; after each: stopped, lock released, directories removed.
 */
export function daemonHoldingLockPerTest(make: () => LockingEnv, ready: () => boolean): void {
  let stop: (() => Promise<void>) | undefined;
  beforeEach(async () => {
    const env = make();
    stop = await startHoldingLock(env);
    expect(await env.drive(30 * 60_000, ready)).toBe(true);
  });
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });
}

/** After each test: stop the daemon env it made, if any, and remove its directories. */
export function stopAfterEach(current: () => StoppableEnv | undefined): void {
  afterEach(async () => {
    const env = current();
    await env?.stop();
    env?.cleanup();
  });
}
