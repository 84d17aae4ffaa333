/**
 * The daemon in-process over the simulated account, for benchmarks: manifests in a temp dir,
 * the production reconciler (deployments included), AWS's usual rate budget, no HTTP, and a
 * driver that lets virtual time pass while the daemon's promises keep up (as the demo does).
 * Every reconcile pass is recorded with the AWS calls it made.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAwsPort, type AwsPort } from '../aws/clients';
import type { CallSnapshot } from '../aws/call-counter';
import type { Logger } from '../log/logger';
import { createDaemon, type Daemon } from '../main/daemon';
import type { FleetReconciler } from '../controllers/fleet/reconciler';
import type { Reconciler } from '../controllers/queue/loop';
import { fleetReconciler } from '../main/fleet-reconciler';
import { SimAccount, createSimPlugin } from '../sim';
import { seededRandom } from '../util/backoff';
import { VirtualClock } from '../util/clock';
import { flush, passVirtualTime } from '../util/virtual-drive';
import { timeSim, type SimCpu } from './sim-cpu';
import { localStatusNow } from '../status/status-store';

export interface PassRecord {
  fleet: string;
  startMs: number;
  endMs: number;
  /** AWS calls made inside the pass (observe, plan, apply, status), by CallCounter.measure. */
  calls: CallSnapshot;
}

export interface BenchWorld {
  sim: SimAccount;
  clock: VirtualClock;
  daemon: Daemon;
  /** The daemon's clients (their CallCounter sees every call the daemon made). */
  clients: AwsPort;
  /** The bench's own clients (not under the daemon's rate budget): to send messages. */
  testClients: AwsPort;
  stateDir: string;
  passes: PassRecord[];
  reconciler(): FleetReconciler;
  /** Let `ms` of virtual time pass in steps of at most `stepMs`, stopping early once `until` holds. */
  drive(ms: number, until?: () => boolean, stepMs?: number): Promise<boolean>;
  /** CPU ms spent so far inside the simulated account: its handlers (synchronous part) and its clock-driven lifecycle. */
  simCpuMs(): number;
  /** The fleet's last written status phase (Ready, Progressing, ...). */
  phase(fleet: string): string | undefined;
  /** No key is queued or being reconciled, and no lifecycle action is being answered. */
  idle(): boolean;
  stop(): Promise<void>;
}

export interface BenchWorldOptions {
  /** File name → manifest text. */
  manifests: Record<string, string>;
  logger: Logger;
  seed?: number;
  workers?: number;
  /** Called on every drive step (e.g. to sample memory). */
  onStep?: () => void;
}

export const BENCH_START_MS = Date.UTC(2026, 10, 26, 9, 0, 0);
export const BENCH_QUEUE = 'drover-events';

export async function createBenchWorld(opts: BenchWorldOptions): Promise<BenchWorld> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-bench-manifests-'));
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-bench-state-'));
  for (const [file, text] of Object.entries(opts.manifests)) fs.writeFileSync(path.join(dir, file), text);
  const clock = new VirtualClock(BENCH_START_MS);
  const sim = new SimAccount({ clock, seed: opts.seed ?? 7 });
  const simCpu = timeSim(sim);
  const clients = createAwsPort({ region: 'eu-west-1', plugin: createSimPlugin(sim) });
  const passes: PassRecord[] = [];
  let reconciler: FleetReconciler | undefined;
  const daemon = createDaemon({
    dir,
    stateDir,
    clients,
    clock,
    sleep: (ms) => clock.sleep(ms),
    logger: opts.logger,
    listen: false,
    manifestRepo: 'git@gitlab.example.com:shop/fleet-manifests.git',
    manifestPollMs: false,
    workers: opts.workers,
    random: seededRandom(opts.seed ?? 7),
    sim,
    git: async () => ({ stdout: '', stderr: '' }),
    reconcilerFactory: (ctx) => recordingPasses((reconciler = fleetReconciler(ctx)), clients, clock, passes),
  });
  await daemon.start();
  const drive = driver(sim, simCpu, () => reconciler, opts.onStep);
  return {
    sim,
    clock,
    daemon,
    clients,
    testClients: createAwsPort({ region: 'eu-west-1', plugin: createSimPlugin(sim) }),
    stateDir,
    passes,
    reconciler: () => reconciler!,
    drive,
    simCpuMs: () => simCpu.ms,
    phase: (fleet) => localStatusNow(stateDir, fleet)?.phase,
    idle: () => {
      const q = daemon.loop.queue.metrics();
      return q.depth === 0 && q.processing === 0 && daemon.lifecycle.active() === 0;
    },
    stop: async () => {
      await stopWhileDriving(daemon, drive);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** The production reconciler, each pass recorded with the AWS calls made inside it. */
function recordingPasses(inner: FleetReconciler, clients: AwsPort, clock: VirtualClock, passes: PassRecord[]): Reconciler {
  return {
    requestBake: (fleet, commit) => inner.requestBake(fleet, commit),
    alarmChanged: (fleet, alarm) => inner.alarmChanged(fleet, alarm),
    close: () => inner.close(),
    reconcile: async (fleet) => {
      const startMs = clock.nowMs();
      const { result, calls } = await clients.calls.measure(() => inner.reconcile(fleet));
      passes.push({ fleet: fleet.name, startMs, endMs: clock.nowMs(), calls });
      return result;
    },
  };
}

/** Let virtual time pass as the demo does, waiting for deployment saves and file I/O at every step. */
function driver(sim: SimAccount, simCpu: SimCpu, reconciler: () => FleetReconciler | undefined, onStep?: () => void): BenchWorld['drive'] {
  const clock = sim.clock;
  const settle = async () => {
    await flush();
    await reconciler()?.runner.quiesce(flush);
    await fileIoDone();
  };
  return async (ms, until, stepMs = 1_000) => {
    const end = clock.nowMs() + ms;
    for (;;) {
      await settle();
      onStep?.();
      if (until?.()) return true;
      if (clock.nowMs() >= end) return false;
      await passVirtualTime(clock, (d) => simCpu.time(() => sim.advance(d)), Math.min(stepMs, end - clock.nowMs()), settle);
    }
  };
}

/** daemon.stop() while virtual time keeps moving (its last passes and the poller wait on it). */
async function stopWhileDriving(daemon: Daemon, drive: BenchWorld['drive']): Promise<void> {
  const stopping = daemon.stop();
  let done = false;
  stopping.then(
    () => (done = true),
    () => (done = true),
  );
  await drive(10 * 60_000, () => done, 1_000);
  await stopping;
}

/**
 * Virtual time must not move while drover awaits real file I/O (a snapshot read, a status
 * write): in production that takes a millisecond, here the clock would jump ahead meanwhile.
 */
async function fileIoDone(): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    if (!process.getActiveResourcesInfo().some((r) => FILE_IO.test(r))) return;
    await flush(1);
  }
}

const FILE_IO = /^(FSReq|CloseReq|StatWatcher)/;
