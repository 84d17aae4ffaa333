/**
 * The chaos soak: the real daemon on the simulated account for hours of virtual time, with
 * faults, merges, load waves and kill -9 throughout, invariants checked after every step
 * (capacity on every tick), and a verdict after a quiet period with every fault off.
 *
 * Like main/, this is a composition root: it wires the daemon (main/daemon.ts and its
 * deploying reconciler) to the simulated account, so it may import main/ and sim/.
 *
 * Reproducible by seed: the soak's own choices come from a seeded generator, and so does
 * Math.random while it runs (drover's retry jitter draws from it).
 */
import { nullLogger, type Logger } from '../log/logger';
import { seededRandom } from '../util/backoff';
import { CapacityWatch } from './capacity';
import { createFileLogger } from './file-logger';
import { soakFleets, type SoakFleet } from './fleets';
import { StepInvariants, type Violation } from './invariants';
import { imagesBeyondRetention } from './image-retention';
import { MergeLedger } from './merges';
import { ChaosSchedule } from './schedule';
import type { SoakFailure, SoakSummary } from './summary';
import { DeploymentLedger, FINAL_CHECKS_PER_FLEET, finalVerdict } from './verdict';
import { SoakWorld } from './world';

export interface SoakOptions {
  hours: number;
  seed: number;
  fleets: number;
  /** The last part of the run with every fault off (default: 2 h; half the run when shorter than 6 h). */
  quietHours?: number;
  logger?: Logger;
  /** Write the daemons' log (info and up, virtual timestamps) to this file. */
  logFile?: string;
  /** Called after each step (progress lines). */
  onStep?(p: { step: number; virtualMs: number; kills: number; deployments: number }): void;
}

const WARMUP_MS = 15 * 60_000;

class Stop extends Error {
  constructor(readonly failure: Omit<SoakFailure, 'seed'>) {
    super(failure.detail);
  }
}

interface Run {
  world: SoakWorld;
  fleets: SoakFleet[];
  capacity: CapacityWatch;
  step: StepInvariants;
  merges: MergeLedger;
  deployments: DeploymentLedger;
  schedule: ChaosSchedule;
  startMs: number;
  kills: number;
  /** Kills after which the next process passed a step's checks. */
  survived: number;
  restarted: boolean;
  steps: number;
  finalChecks: number;
  counted: { throttling: number; serverErrors: number; awsCalls: number };
  unhandled: string[];
}

export async function runSoak(opts: SoakOptions): Promise<SoakSummary> {
  const realStart = Date.now();
  const random = seededRandom(opts.seed);
  const restoreRandom = seedMathRandom(opts.seed ^ 0x9e3779b9);
  const fleets = soakFleets(opts.fleets);
  const clock = { now: () => world.clock.now() };
  const fileLogger = opts.logFile ? createFileLogger(opts.logFile, clock) : undefined;
  const world: SoakWorld = new SoakWorld({ fleets, seed: opts.seed, logger: fileLogger ?? opts.logger ?? nullLogger, random: seededRandom(opts.seed + 1) });
  const capacity = new CapacityWatch(world.sim, fleets);
  const merges = new MergeLedger(world.sim, random);
  const run: Run = {
    world, fleets, capacity, merges,
    step: new StepInvariants(world.sim, fleets, world.stateDir),
    deployments: new DeploymentLedger(world.stateDir),
    schedule: new ChaosSchedule({ sim: world.sim, fleets, merges, capacity, random, armKill: (n) => world.proc.armKill(n), pass: (ms) => world.pass(ms) }),
    startMs: world.clock.nowMs(), kills: 0, survived: 0, restarted: false, steps: 0, finalChecks: 0,
    counted: { throttling: 0, serverErrors: 0, awsCalls: 0 }, unhandled: [],
  };
  const onUnhandled = (err: unknown) => run.unhandled.push(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  const detach = capacity.attach();
  let failure: SoakFailure | undefined;
  try {
    await drive(run, opts, random);
  } catch (err) {
    if (!(err instanceof Stop)) {
      world.dispose();
      throw err;
    }
    failure = { seed: opts.seed, ...err.failure };
  } finally {
    detach();
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
    restoreRandom();
  }
  const summary = summarize(run, opts, failure, (Date.now() - realStart) / 1000);
  await world.stop().catch(() => undefined);
  await fileLogger?.close();
  world.dispose();
  return summary;
}

/** Long enough for a bake and a swap (with its soak and keep-previous waits) to finish after the last merge. */
function quietMs(opts: SoakOptions): number {
  return (opts.quietHours ?? (opts.hours >= 6 ? 2 : opts.hours / 2)) * 3_600_000;
}

async function drive(run: Run, opts: SoakOptions, random: () => number): Promise<void> {
  const { world, schedule } = run;
  const endMs = run.startMs + opts.hours * 3_600_000;
  const quietAt = endMs - quietMs(opts);
  schedule.begin();
  await world.startProcess();
  let quiet = false;
  while (world.clock.nowMs() < endMs) {
    run.steps++;
    const stepMs = Math.min(30_000 + Math.floor(random() * 30_000), endMs - world.clock.nowMs());
    if (!quiet && world.clock.nowMs() >= quietAt) {
      quiet = true;
      schedule.end();
    }
    if (!quiet) await schedule.step(stepMs, world.clock.nowMs() >= run.startMs + WARMUP_MS);
    await world.pass(stepMs);
    if (world.proc.dead) await restart(run, random);
    checkStep(run);
    opts.onStep?.({ step: run.steps, virtualMs: world.clock.nowMs() - run.startMs, kills: run.kills, deployments: run.deployments.done.size });
  }
  const before = run.step.checks;
  const retention = imagesBeyondRetention(world.sim, run.fleets).details.map((detail): Violation => ({ invariant: 'image-retention', detail }));
  const final = [...run.step.check(true), ...(await finalVerdict(world.sim, run.fleets, world.stateDir, run.merges, run.deployments)), ...retention];
  run.finalChecks = run.step.checks - before + run.fleets.length * (FINAL_CHECKS_PER_FLEET + 1);
  fail(run, final);
}

/** The process died (kill -9): after a short while, systemd would start the next one. */
async function restart(run: Run, random: () => number): Promise<void> {
  run.kills++;
  await run.world.pass(5_000 + Math.floor(random() * 25_000));
  await run.world.killAndRestart();
  run.restarted = true;
}

function checkStep(run: Run): void {
  const { world } = run;
  countCalls(run);
  run.deployments.harvest(run.fleets);
  const b = run.capacity.breach;
  const violations: Violation[] = [];
  if (b) violations.push({ invariant: 'capacity', detail: `fleet ${b.fleet} had ${b.inService} InService at ${new Date(b.atMs).toISOString()}, below its minimum ${b.min}${b.excused ? ` less ${b.excused} failed by the account` : ''}` });
  for (const e of world.exits()) violations.push({ invariant: 'daemon-alive', detail: `process ${e.generation} exited on its own: ${e.why}` });
  for (const u of run.unhandled) violations.push({ invariant: 'daemon-alive', detail: `an unhandled error would have crashed the daemon: ${u}` });
  if (!world.proc.dead) violations.push(...run.step.liveness(world.proc.lastReconcile, world.proc.startedAtMs));
  violations.push(...run.step.check());
  fail(run, violations);
  if (run.restarted && !world.proc.dead) run.survived++;
  run.restarted = false;
}

function fail(run: Run, violations: Violation[]): void {
  const v = violations[0];
  if (!v) return;
  throw new Stop({ step: run.steps, atVirtual: run.world.clock.now().toISOString(), invariant: v.invariant, detail: violations.map((x) => `${x.invariant}: ${x.detail}`).join('; ') });
}

/** Count injected faults in the calls the account recorded, then let the record go (memory). */
function countCalls(run: Run): void {
  const calls = run.world.sim.calls;
  for (const c of calls) {
    run.counted.awsCalls++;
    if (!c.error) continue;
    if (/^(RequestLimitExceeded|Throttling|ThrottlingException)$/.test(c.error)) run.counted.throttling++;
    else if (/^(InternalError|InternalFailure|ServiceUnavailable)$/.test(c.error)) run.counted.serverErrors++;
  }
  calls.splice(0, calls.length);
}

function summarize(run: Run, opts: SoakOptions, failure: SoakFailure | undefined, realSeconds: number): SoakSummary {
  const chaos = run.world.sim.chaosStats();
  const c = run.schedule.counts;
  const lowest = run.capacity.lowestSeen();
  const capacityChecks = run.capacity.checks;
  const stepChecks = run.step.checks - run.finalChecks;
  return {
    result: failure ? 'failed' : 'passed',
    seed: opts.seed,
    fleets: run.fleets.map((f) => f.name),
    virtualHours: opts.hours,
    quietHours: quietMs(opts) / 3_600_000,
    steps: run.steps,
    realSeconds,
    faults: {
      throttling: run.counted.throttling,
      serverErrors: run.counted.serverErrors,
      serverErrorBursts: c.serverErrorBursts,
      eventualConsistency: chaos.hidden,
      insufficientCapacity: chaos.launchesRefused,
      capacityShortages: c.capacityShortages,
      instanceFailures: c.instanceFailures,
      sqsDuplicates: chaos.duplicated,
      sqsReordering: true,
      kills: run.kills,
    },
    deployments: run.deployments.byResult(),
    merges: { ...c.merges, total: run.merges.merges.length, resentAfterThrottle: run.merges.resent },
    killsSurvived: run.survived,
    invariantChecks: { capacity: capacityChecks, step: stepChecks, final: run.finalChecks, total: capacityChecks + stepChecks + run.finalChecks },
    unreferencedImages: run.step.unreferencedImages(),
    imagesBeyondRetention: imagesBeyondRetention(run.world.sim, run.fleets).count,
    lowestInServiceVsMin: Object.fromEntries(run.fleets.map((f) => [f.name, `${lowest.get(f.name) ?? '-'}/${f.min}`])),
    awsCalls: run.counted.awsCalls,
    ...(failure ? { failure } : {}),
  };
}

/** Math.random from a seed while the soak runs; returns the restore function. */
function seedMathRandom(seed: number): () => void {
  const original = Math.random;
  Math.random = seededRandom(seed);
  return () => {
    Math.random = original;
  };
}
