/**
 * Crash-safety harness: run a deployment scenario once to learn its AWS calls and
 * deployment transitions (the kill points), then for each kill point restore the same
 * starting world, run a controller that dies right there, start a fresh controller on the
 * same state directory and account, let it converge, and check the invariants. Reused by
 * the crash-safety test, the daemon's SIGTERM tests and the chaos soak.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { localSnapshotStore } from '../../src/deploy/record-snapshot-store';
import type { FleetMemory } from '../../src/controllers/fleet/fleet-memory';
import type { DesiredFleet } from '../../src/model/fleet';
import { SimAccount, type SimTimings } from '../../src/sim';
import { VirtualClock } from '../../src/util/clock';
import { passVirtualTime } from '../../src/util/virtual-drive';
import { ControllerProcess, type KillPoint, type TracedCall, type TracedTransition } from './controller-process';
import { checkInvariants, type RunFacts } from './crash-invariants';

export interface CrashScenario {
  name: string;
  /** The manifest the controllers run with. */
  fleet: DesiredFleet;
  /** The starting world: `SimAccount.toJSON()` of a converged account. */
  world: unknown;
  /** Serving capacity at the start (the least InService count allowed on any tick). */
  desiredAtStart: number;
  /** What the first process does before its first pass (e.g. record a bake request). */
  begin?(proc: ControllerProcess): void;
  /** What the end state must be; one sentence per difference. */
  expectEnd(end: EndState): string[];
  /** Virtual time allowed per process run. */
  maxVirtualMs: number;
}

export interface EndState {
  sim: SimAccount;
  memory: FleetMemory;
  fleet: DesiredFleet;
  stateDir: string;
}

export interface RunReport {
  violations: string[];
  calls: TracedCall[];
  transitions: TracedTransition[];
  /** Whether the first process died (false: the kill point was never reached). */
  killed: boolean;
  /** Whether a deployment record was on disk when it died (if not, deleting it changes nothing). */
  snapshotAtKill: boolean;
  restartCalls: number;
}

const SETTLE_MS = 10 * 60_000;

/** Short simulated-account timings for crash runs (the machine's logic, not AWS's pace, is under test). */
export const FAST_TIMINGS: Partial<SimTimings> = {
  bootMs: 30_000,
  builderBootMs: 10_000,
  defaultBuildMs: 40_000,
  imageCreateMs: 20_000,
  terminateMs: 10_000,
  efsCreateMs: 5_000,
  mountTargetCreateMs: 10_000,
};

/** Converge `fleet` from an empty account and return the account as JSON (the scenario's start). */
export async function convergedWorld(fleet: DesiredFleet, timings: Partial<SimTimings> = FAST_TIMINGS, arrange?: (sim: SimAccount) => void): Promise<unknown> {
  const sim = new SimAccount({ clock: new VirtualClock(Date.UTC(2026, 10, 26, 9, 0, 0)), seed: 7, timings });
  const dir = tempStateDir();
  try {
    const proc = new ControllerProcess(sim, dir);
    await proc.drive(fleet, 3 * 3600_000);
    await proc.reconciler.close();
    arrange?.(sim);
    return sim.toJSON();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Run the scenario with one controller to its end: the trace every kill point comes from. */
export function runReference(scenario: CrashScenario): Promise<RunReport> {
  return runScenario(scenario, undefined, false);
}

/** Run the scenario killing the first controller at `kill`, then converge with a fresh one. */
export function runWithCrash(scenario: CrashScenario, kill: KillPoint, opts: { deleteSnapshot: boolean }): Promise<RunReport> {
  return runScenario(scenario, kill, opts.deleteSnapshot);
}

async function runScenario(scenario: CrashScenario, kill: KillPoint | undefined, deleteSnapshot: boolean): Promise<RunReport> {
  const sim = SimAccount.fromJSON(scenario.world);
  const stateDir = tempStateDir();
  const lb = scenario.fleet.loadBalancer.name;
  const facts: RunFacts = {
    sim, fleet: scenario.fleet, stateDir, desiredAtStart: scenario.desiredAtStart,
    startGroups: sim.groups().map((g) => g.name), startCall: sim.calls.length, minInService: sim.inServiceCount(lb),
  };
  const sample = () => (facts.minInService = Math.min(facts.minInService, sim.inServiceCount(lb)));
  const unsubscribe = sim.onTick(sample);
  try {
    const first = new ControllerProcess(sim, stateDir, { ...(kill ? { kill } : {}), afterCall: sample });
    scenario.begin?.(first);
    const run = await first.drive(scenario.fleet, scenario.maxVirtualMs);
    const calls = [...first.calls];
    const transitions = [...first.transitions];
    let last = first;
    const records = localSnapshotStore(stateDir, () => sim.clock.nowMs());
    let snapshotAtKill = false;
    if (run.killed) {
      await first.buried();
      snapshotAtKill = (await records.load(scenario.fleet.name)) !== undefined;
      if (deleteSnapshot) await records.delete(scenario.fleet.name);
      last = new ControllerProcess(sim, stateDir, { afterCall: sample });
      await last.drive(scenario.fleet, scenario.maxVirtualMs);
    }
    const violations = [...(await settleAndRecheck(last, scenario)), ...checkInvariants(facts)];
    const memory = await last.reconciler.memory.load(scenario.fleet.name);
    violations.push(...scenario.expectEnd({ sim, memory, fleet: scenario.fleet, stateDir }));
    await last.reconciler.close();
    return { violations, calls, transitions, killed: run.killed, snapshotAtKill, restartCalls: last === first ? 0 : last.calls.length };
  } finally {
    unsubscribe();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

/** Let terminations finish, then one more pass must find nothing to do. */
async function settleAndRecheck(proc: ControllerProcess, scenario: CrashScenario): Promise<string[]> {
  const { sim } = proc;
  await passVirtualTime(sim.clock, (d) => sim.advance(d), SETTLE_MS, () => proc.settle());
  const pass = await proc.reconciler.reconcile(scenario.fleet);
  if (proc.converged(scenario.fleet, pass)) return [];
  const steps = pass.result.plan.steps.map((s) => `${s.kind} ${s.resource}`).join(', ');
  return [`not converged after settling: ${pass.deployment?.message ?? pass.error?.message ?? pass.result.readiness.message}${steps ? ` (plan: ${steps})` : ''}`];
}

export interface KillPlan {
  points: Array<KillPoint & { label: string }>;
  mutating: number;
  transitions: number;
  reads: number;
  /** Reads skipped because an earlier read had the same operation in the same phase. */
  skippedReads: number;
}

/** Every mutating call and transition, and each read whose (operation, phase) is new. */
export function planKillPoints(ref: Pick<RunReport, 'calls' | 'transitions'>): KillPlan {
  const seen = new Set<string>();
  const plan: KillPlan = { points: [], mutating: 0, transitions: 0, reads: 0, skippedReads: 0 };
  for (const c of ref.calls) {
    const label = `after call #${c.index} ${c.service}:${c.operation} in ${c.phase}`;
    if (!c.readOnly) {
      plan.mutating++;
      plan.points.push({ at: 'call', index: c.index, label });
      continue;
    }
    const key = `${c.operation}@${c.phase}`;
    if (seen.has(key)) {
      plan.skippedReads++;
      continue;
    }
    seen.add(key);
    plan.reads++;
    plan.points.push({ at: 'call', index: c.index, label });
  }
  for (const t of ref.transitions) {
    plan.transitions++;
    plan.points.push({ at: 'transition', index: t.index, label: `at transition #${t.index} ${t.kind}:${t.phase}` });
  }
  return plan;
}

export interface KillPlanResult {
  /** Runs made: every point with the record kept, and with it deleted where one existed. */
  runs: number;
  /** Points where no record was on disk at the kill, so deleting it would repeat the first run. */
  identicalVariants: number;
  failures: string[];
}

/** Kill at every point of `plan`, once keeping the deployment record and once deleting it. */
export async function runKillPlan(scenario: CrashScenario, plan: KillPlan): Promise<KillPlanResult> {
  const out: KillPlanResult = { runs: 0, identicalVariants: 0, failures: [] };
  for (const point of plan.points) {
    const kept = await runWithCrash(scenario, point, { deleteSnapshot: false });
    out.runs++;
    out.failures.push(...describeFailures(point.label, 'record kept', kept));
    if (!kept.snapshotAtKill) {
      out.identicalVariants++;
      continue;
    }
    const deleted = await runWithCrash(scenario, point, { deleteSnapshot: true });
    out.runs++;
    out.failures.push(...describeFailures(point.label, 'record deleted', deleted));
  }
  return out;
}

function describeFailures(label: string, variant: string, run: RunReport): string[] {
  const problems = [...(run.killed ? [] : ['the kill point was never reached']), ...run.violations];
  return problems.map((p) => `${label} (${variant}): ${p}`);
}

/** State directories live in memory when the machine has a tmpfs: hundreds of runs fsync every transition. */
function tempStateDir(): string {
  const base = process.env.DROVER_CRASH_TMP ?? (fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());
  return fs.mkdtempSync(path.join(base, 'drover-crash-'));
}
