/**
 * One daemon, N fleets of M instances, in-process on the simulated account: converge them all,
 * then time one resync pass (every key reconciled once, plus the resync's lifecycle sweep) and
 * count its AWS calls. Peak RSS is sampled throughout. Meant to run in a child process of its
 * own (fleets-100.bench.ts forks it), so the figure is this world's and no other suite's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CallSnapshot } from '../aws/call-counter';
import { countingLogger } from './bench-logger';
import { createBenchWorld, type BenchWorld, type PassRecord } from './bench-world';
import { fleetManifests } from './fleet-manifests';
import { mb, startMemorySampler } from './memory-sampler';

export interface ConvergeFigures {
  readyFleets: number;
  virtualSeconds: number;
  wallSeconds: number;
  reconciles: number;
  awsCalls: number;
}

export interface PassFigures {
  reconciles: number;
  wallMs: number;
  cpuMs: number;
  virtualMs: number;
  /** CPU spent inside the simulated account's handlers (the part AWS would do). */
  simCpuMs: number;
  /** The pass's AWS calls (first reconcile of each fleet, and the sweep), by `Service:Operation`. */
  awsCalls: CallSnapshot & { total: number };
  reconcileCalls: number;
  /** The resync's lifecycle sweep (one DescribeAutoScalingGroups per fleet). */
  sweepCalls: number;
  callsPerFleet: number;
  /** Everything in the time window, including work the pass did not ask for (events, requeue timers). */
  window: { reconciles: number; awsCalls: number; sqsCalls: number };
}

export interface MemoryFigures {
  baselineRssMb: number;
  peakRssMb: number;
  peakHeapUsedMb: number;
  goalMb: number;
  metGoal: boolean;
  /** After a full GC, before the world was made (modules loaded): the floor. */
  heapAtStartMb?: number;
  /** After a full GC, at the end: heap in use, and what dropping the recordings frees. */
  heapUsedMb?: number;
  /** Size of the simulated account's state as JSON (what AWS would hold, not drover). */
  simStateJsonMb: number;
  simRecordedCalls: number;
  callCounterRecords: number;
  freedByDroppingRecordingsMb?: number;
  logRecords: number;
  logMb: number;
  statusFilesMb: number;
}

export interface FleetsRunResult {
  fleets: number;
  instancesPerFleet: number;
  workers: number;
  converge: ConvergeFigures;
  pass: PassFigures;
  memory: MemoryFigures;
}

export interface FleetsRunOptions {
  root: string;
  fleets: number;
  instances: number;
  workers?: number;
  progress?: (line: string) => void;
}

const RSS_GOAL_MB = 150;

export async function runFleets(o: FleetsRunOptions): Promise<FleetsRunResult> {
  const heapAtStartMb = fullGc() ? mb(process.memoryUsage().heapUsed) : undefined;
  const memory = startMemorySampler();
  const log = countingLogger();
  const example = fs.readFileSync(path.join(o.root, 'manifests/examples/magento-marketplace.yaml'), 'utf8');
  const world = await createBenchWorld({ manifests: fleetManifests(example, o.fleets, o.instances), logger: log.logger, workers: o.workers, onStep: memory.sample });
  const names = world.daemon.loop.fleetList().map((f) => f.name);
  if (names.length !== o.fleets) throw new Error(`loading bench manifests: ${names.length} fleets loaded, ${o.fleets} written`);
  const converge = await convergeAll(world, names, o.progress);
  const pass = await resyncPass(world, names, o.progress);
  const statusFilesMb = mb(dirBytes(path.join(world.stateDir)));
  const mem = memory.stop();
  const memoryFigures: MemoryFigures = {
    ...mem,
    goalMb: RSS_GOAL_MB,
    metGoal: mem.peakRssMb < RSS_GOAL_MB,
    ...(heapAtStartMb !== undefined ? { heapAtStartMb } : {}),
    simStateJsonMb: mb(JSON.stringify(world.sim.snapshot()).length),
    ...retainedByRecordings(world),
    logRecords: log.stats.records,
    logMb: mb(log.stats.bytes),
    statusFilesMb,
  };
  await world.stop();
  return { fleets: o.fleets, instancesPerFleet: o.instances, workers: o.workers ?? 4, converge, pass, memory: memoryFigures };
}

async function convergeAll(world: BenchWorld, names: string[], progress?: (line: string) => void): Promise<ConvergeFigures> {
  const t0 = world.clock.nowMs();
  const wall0 = Date.now();
  let ready = 0;
  for (let minute = 1; minute <= 180 && ready < names.length; minute++) {
    await world.drive(60_000);
    ready = names.filter((n) => world.phase(n) === 'Ready').length;
    if (minute % 5 === 0 || ready === names.length) progress?.(`converge: ${ready}/${names.length} fleets Ready after ${minute} virtual min (${((Date.now() - wall0) / 1000).toFixed(1)} s real)`);
  }
  if (ready < names.length) throw new Error(`converging ${names.length} fleets: only ${ready} Ready after 3 virtual hours`);
  // Let alarms reach their first verdicts (their events re-enqueue fleets) and the last
  // lifecycle answers and passes finish, so the pass below starts from rest.
  await world.drive(10 * 60_000);
  await world.drive(30 * 60_000, () => world.idle());
  return { readyFleets: ready, virtualSeconds: (world.clock.nowMs() - t0) / 1000, wallSeconds: (Date.now() - wall0) / 1000, reconciles: world.passes.length, awsCalls: world.sim.calls.length };
}

/**
 * What the loop's resync does: enqueue every key and sweep lifecycle actions (measured here,
 * as the daemon's sweepLifecycle would run it), then wait until each key was reconciled once.
 * A pass's calls are those of each fleet's first reconcile plus the sweep; anything else in
 * the window (an alarm event re-enqueueing a fleet, a requeue timer) is reported apart.
 */
async function resyncPass(world: BenchWorld, names: string[], progress?: (line: string) => void): Promise<PassFigures> {
  const fromPass = world.passes.length;
  const fromCall = world.sim.calls.length;
  const t0 = world.clock.nowMs();
  const cpu0 = process.cpuUsage();
  const sim0 = world.simCpuMs();
  const wall0 = process.hrtime.bigint();
  for (const n of names) world.daemon.loop.enqueue(n);
  const fleets = world.daemon.loop.fleetList();
  const sweep = world.clients.calls.measure(() => Promise.all(fleets.map((f) => world.daemon.lifecycle.sweep(f))));
  let swept: CallSnapshot | undefined;
  void sweep.then((s) => (swept = s.calls));
  const firstPasses = () => {
    const seen = new Map<string, PassRecord>();
    for (const p of world.passes.slice(fromPass)) if (!seen.has(p.fleet)) seen.set(p.fleet, p);
    return seen;
  };
  const done = await world.drive(30 * 60_000, () => firstPasses().size === names.length && !!swept, 100);
  if (!done || !swept) throw new Error(`timing a resync pass: ${firstPasses().size}/${names.length} fleets reconciled after 30 virtual minutes`);
  const wallMs = Number(process.hrtime.bigint() - wall0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const first = [...firstPasses().values()];
  const reconcileCalls = sumSnapshots(first.map((p) => p.calls));
  const awsCalls = sumSnapshots([reconcileCalls, swept]);
  const window = world.sim.calls.slice(fromCall);
  const pass: PassFigures = {
    reconciles: first.length,
    wallMs: Math.round(wallMs),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    simCpuMs: Math.round(world.simCpuMs() - sim0),
    virtualMs: world.clock.nowMs() - t0,
    awsCalls,
    reconcileCalls: reconcileCalls.total,
    sweepCalls: swept.read + swept.mutating,
    callsPerFleet: round(awsCalls.total / names.length),
    window: { reconciles: world.passes.length - fromPass, awsCalls: window.length, sqsCalls: window.filter((c) => c.service === 'SQS').length },
  };
  progress?.(`resync pass: ${pass.reconciles} reconciles + sweep, ${awsCalls.total} AWS calls, ${pass.virtualMs / 1000} virtual s, ${pass.wallMs} ms real`);
  return pass;
}

function sumSnapshots(all: CallSnapshot[]): CallSnapshot & { total: number } {
  const byOperation: Record<string, number> = {};
  let read = 0;
  let mutating = 0;
  let errors = 0;
  for (const s of all) {
    read += s.read;
    mutating += s.mutating;
    errors += s.errors;
    for (const [k, v] of Object.entries(s.byOperation)) byOperation[k] = (byOperation[k] ?? 0) + v;
  }
  return { read, mutating, errors, byOperation, total: read + mutating };
}

/** With --expose-gc: heap in use after a full GC, and how much of it the call recordings held. */
function retainedByRecordings(world: BenchWorld): Pick<MemoryFigures, 'heapUsedMb' | 'simRecordedCalls' | 'callCounterRecords' | 'freedByDroppingRecordingsMb'> {
  const simRecordedCalls = world.sim.calls.length;
  const callCounterRecords = world.clients.calls.list().length;
  if (!fullGc()) return { simRecordedCalls, callCounterRecords };
  const before = process.memoryUsage().heapUsed;
  world.sim.calls.length = 0;
  world.clients.calls.reset();
  fullGc();
  const after = process.memoryUsage().heapUsed;
  return { heapUsedMb: mb(before), simRecordedCalls, callCounterRecords, freedByDroppingRecordingsMb: mb(before - after) };
}

/** A full GC when the process runs with --expose-gc; false otherwise. */
function fullGc(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  return !!gc;
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? dirBytes(p) : fs.statSync(p).size;
  }
  return total;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
