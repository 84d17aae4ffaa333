/**
 * The simulated AWS account. Calls go through four steps in order: a queued fault, recording
 * the call, a canned override, then the semantic handler. Time moves only with the clock.
 */
import { readFileSync } from 'fs';
import { AtomicFs, writeFileAtomic } from '../util/atomic-file';
import { VirtualClock } from '../util/clock';
import { ChaosState, ChaosStats, emptyChaos, hideRecent, noteCreated } from './chaos';
import { clone } from './clone';
import { SimCore } from './core';
import { defaultState } from './defaults';
import { awsError, isSimService, SimNotImplemented, SimService } from './errors';
import { breakAmi, drawFault, emptyFaults, FaultState } from './faults';
import * as view from './inspect';
import { runUntil, settle } from './lifecycle/tick';
import { isReadOnly, ROUTES } from './router';
import { normalize } from './service-names';
import { SimState } from './state';
import { SimTimings } from './timings';

export interface RecordedCall {
  service: string;
  operation: string;
  input: unknown;
  atMs: number;
  error?: string;
}

export interface SimAccountOptions {
  clock?: VirtualClock;
  seed?: number;
  timings?: Partial<SimTimings>;
}

interface SavedAccount {
  format: 'drover-sim/v1';
  nowMs: number;
  rng: number;
  faultRng: number;
  timings: SimTimings;
  state: SimState;
  faults: FaultState;
  chaos?: ChaosState;
  calls: RecordedCall[];
}

const MAX_SAVED_CALLS = 500;

export class SimAccount {
  readonly clock: VirtualClock;
  readonly calls: RecordedCall[] = [];
  private readonly core: SimCore;
  private faults: FaultState = emptyFaults();
  private overrides = new Map<string, (input: any) => unknown>();
  private tickListeners: Array<(nowMs: number) => void> = [];
  /** Write-through file (persistTo): every mutating call and every clock move is saved before returning. */
  private persistFile?: string;
  private writes = 0;
  private settledListeners: Array<() => void> = [];

  constructor(opts: SimAccountOptions = {}) {
    this.clock = opts.clock ?? new VirtualClock();
    this.core = new SimCore(defaultState(this.clock.nowMs()), this.clock, opts.timings ?? {}, opts.seed ?? 1);
    this.clock.onAdvance((ms) => this.catchUp(ms));
  }

  /** Advance the clock; the lifecycle is processed in order, event by event. */
  advance(ms: number): void {
    this.clock.advance(ms);
  }

  private catchUp(targetMs: number): void {
    if (targetMs <= this.core.cursor) return;
    runUntil(this.core, targetMs, (now) => this.tickListeners.forEach((l) => l(now)));
    this.persist();
  }

  /**
   * Make the account durable, as AWS is: from now on every mutating call is saved (atomically,
   * fsynced) before it returns, and so is every move of the virtual clock. Killing the process
   * at any instant then never undoes what the account already answered.
   */
  persistTo(file: string): void {
    this.persistFile = file;
    this.persist();
  }

  /** How many write-through saves persistTo has made (to keep an eye on their cost). */
  persistWrites(): number {
    return this.writes;
  }

  /** Called whenever the account may have changed: after a mutating call, after the clock moved. */
  onSettled(listener: () => void): void {
    this.settledListeners.push(listener);
  }

  private persist(): void {
    this.settledListeners.forEach((l) => l());
    if (!this.persistFile) return;
    this.writes++;
    this.save(this.persistFile);
  }

  /** Called after every lifecycle step with the virtual time (for capacity timelines). */
  onTick(listener: (nowMs: number) => void): () => void {
    this.tickListeners.push(listener);
    return () => {
      this.tickListeners = this.tickListeners.filter((l) => l !== listener);
    };
  }

  async dispatch(service: string, operation: string, input: unknown): Promise<any> {
    const n = normalize(service, operation);
    if (!isSimService(n.service)) throw new SimNotImplemented(n.service, n.operation);
    this.catchUp(this.clock.nowMs());
    const svc: SimService = n.service;
    const requestId = this.core.requestId();
    const call: RecordedCall = { service: svc, operation: n.operation, input: clone(input ?? {}), atMs: this.core.now() };
    const fault = drawFault(this.faults, this.core.faultRng, svc, n.operation);
    this.calls.push(call);
    if (fault) {
      call.error = fault;
      throw awsError(svc, fault, undefined, {}, requestId);
    }
    const mutating = !isReadOnly(n.operation);
    try {
      const raw = await this.handle(svc, n.operation, clone(input ?? {}) as any);
      noteCreated(this.core, svc, n.operation, input, raw);
      const output = hideRecent(this.core, svc, n.operation, input ?? {}, raw);
      return { ...clone(output as object), $metadata: { httpStatusCode: 200, requestId, attempts: 1, totalRetryDelay: 0 } };
    } catch (err: any) {
      call.error = err?.name ?? String(err);
      if (err?.$metadata) err.$metadata.requestId = requestId;
      throw err;
    } finally {
      if (mutating) this.core.indexes.invalidate(); // it may have created or re-tagged records (indexes.ts)
      if (mutating) this.persist();
    }
  }

  private handle(service: SimService, operation: string, input: any): unknown {
    const override = this.overrides.get(`${service}:${operation}`);
    if (override) return override(input);
    const handler = ROUTES[service][operation];
    if (!handler) throw new SimNotImplemented(service, operation);
    const result = handler(this.core, input);
    if (!isReadOnly(operation)) settle(this.core);
    return result;
  }

  failNext(service: string, operation: string, code: string, times = 1): void {
    const n = normalize(service, operation);
    this.faults.next.push({ ...n, code, times });
  }

  failRate(service: string, operation: string, code: string, rate: number): void {
    const n = normalize(service, operation);
    this.faults.rates.push({ ...n, code, rate });
  }

  /** Clears queued and rate faults and every kind of chaos (chaos.ts). */
  clearFaults(): void {
    this.faults = emptyFaults();
    this.core.chaos = { ...emptyChaos(), stats: this.core.chaos.stats };
  }

  /** What the chaos (chaos.ts) has done so far. */
  chaosStats(): ChaosStats {
    return { ...this.core.chaos.stats };
  }

  /** Describe* leaves out (or does not find) what was created less than `describeNotFoundMs` ago. */
  setEventualConsistency(opts: { describeNotFoundMs: number }): void {
    this.core.chaos.describeNotFoundMs = Math.max(0, opts.describeNotFoundMs);
  }

  /** SQS at-least-once delivery: duplicate a fraction of deliveries, and shuffle receive order. */
  setQueueChaos(opts: { duplicateRate?: number; reorder?: boolean }): void {
    this.core.chaos.sqs = { duplicateRate: opts.duplicateRate ?? 0, reorder: opts.reorder ?? false };
  }

  /** Every launch (RunInstances, Auto Scaling) fails with UnauthorizedOperation for `forMs`. */
  denyLaunches(forMs: number): void {
    this.core.chaos.launchesDeniedUntil = this.core.now() + forMs;
  }

  /** Launches of `instanceType` (`*`: any) fail with InsufficientInstanceCapacity for `forMs`. */
  setCapacityShortage(instanceType: string, forMs: number): void {
    this.core.chaos.shortages.push({ instanceType, until: this.core.now() + forMs });
  }

  override(service: string, operation: string, fn: (input: any) => unknown): void {
    const n = normalize(service, operation);
    this.overrides.set(`${n.service}:${n.operation}`, fn);
  }

  implementedCommands(): Array<{ service: string; operation: string }> {
    return (Object.keys(ROUTES) as SimService[]).flatMap((service) => Object.keys(ROUTES[service]).map((operation) => ({ service, operation })));
  }

  // ---- scenario controls ----
  /** Broken: never passes health checks. With `errorRate`: passes them, but answers that share of requests with 5xx (0 clears). */
  markAmiBroken(imageId: string, opts: { errorRate?: number } = {}): void {
    breakAmi(this.core.state, imageId, opts.errorRate);
  }

  setLoad(loadBalancerName: string, totalLoad: number): void {
    this.core.state.loads[loadBalancerName] = totalLoad;
  }

  setBuildResult(commit: string, result: { ok: boolean; durationMs?: number; message?: string; brokenImage?: boolean; errorRate?: number }): void {
    this.core.state.buildResults[commit] = { ...result };
  }

  /** Put EventBridge-shaped events (alarm state changes, lifecycle actions) on this queue. */
  setEventQueue(queueName: string | undefined): void {
    this.core.state.eventQueue = queueName;
  }

  // ---- read-only views ----
  nowMs(): number {
    return this.core.now();
  }
  instances() {
    return view.viewInstances(this.core);
  }
  groups() {
    return view.viewGroups(this.core);
  }
  group(name: string) {
    return this.groups().find((g) => g.name === name);
  }
  loadBalancer(name: string) {
    return view.viewLoadBalancer(this.core, name);
  }
  inServiceCount(loadBalancerName: string): number {
    return view.inServiceCount(this.core, loadBalancerName);
  }
  drainingCount(loadBalancerName: string): number {
    return view.drainingCount(this.core, loadBalancerName);
  }
  peekQueue(queueName: string) {
    return view.peekQueue(this.core, queueName);
  }
  /** A deep copy of the whole state (for assertions and debugging). */
  snapshot(): SimState {
    return clone(this.core.state);
  }

  // ---- persistence ----
  toJSON(): SavedAccount {
    return {
      format: 'drover-sim/v1',
      nowMs: this.core.cursor,
      rng: this.core.rng.state,
      faultRng: this.core.faultRng.state,
      timings: { ...this.core.timings },
      state: clone(this.core.state),
      faults: clone(this.faults),
      chaos: clone(this.core.chaos),
      calls: JSON.parse(JSON.stringify(this.calls.slice(-MAX_SAVED_CALLS))),
    };
  }

  static fromJSON(json: unknown, opts: { clock?: VirtualClock } = {}): SimAccount {
    const saved = json as SavedAccount;
    if (saved?.format !== 'drover-sim/v1') throw new Error('loading simulated account: unknown format');
    const clock = opts.clock ?? new VirtualClock(saved.nowMs);
    if (clock.nowMs() < saved.nowMs) clock.set(saved.nowMs);
    const account = new SimAccount({ clock, timings: saved.timings });
    const core = account.core;
    core.state = clone(saved.state);
    core.rng.state = saved.rng;
    core.faultRng.state = saved.faultRng;
    core.cursor = saved.nowMs;
    account.faults = clone(saved.faults);
    core.chaos = saved.chaos ? { ...emptyChaos(), ...clone(saved.chaos) } : emptyChaos();
    account.calls.push(...saved.calls);
    account.catchUp(clock.nowMs());
    return account;
  }

  /** Atomic, file and directory fsynced: a reader (or the next process after a kill) sees the old file or the new one. */
  save(file: string, fs?: AtomicFs): void {
    writeFileAtomic(file, JSON.stringify(this.toJSON()), fs);
  }

  static load(file: string, opts: { clock?: VirtualClock } = {}): SimAccount {
    const text = readFileSync(file, 'utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new Error(`loading simulated account ${file}: ${(err as Error).message}`, { cause: err });
    }
    return SimAccount.fromJSON(json, opts);
  }
}
