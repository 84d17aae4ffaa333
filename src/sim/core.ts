/**
 * The simulated account's shared core: state, time cursor, seeded ids and error helper.
 * Handlers and lifecycle functions receive a SimCore; SimAccount adds the dispatch
 * pipeline, faults and persistence on top.
 */
import { VirtualClock } from '../util/clock';
import { ChaosState, emptyChaos } from './chaos-state';
import { awsError, SimService } from './errors';
import { SimIndexes } from './indexes';
import { Prng } from './prng';
import { SimState, Tags } from './state';
import { DEFAULT_TIMINGS, SimTimings } from './timings';

/** A pending long poll (in memory only): settles when it can, says when it next might. */
export interface Waiter {
  settle(): boolean;
  due(add: (t: number) => void): void;
}

export class SimCore {
  state: SimState;
  readonly clock: VirtualClock;
  timings: SimTimings;
  /** Resource ids and other random choices. */
  rng: Prng;
  /** Fault-rate draws, kept apart so injecting faults does not change resource ids. */
  faultRng: Prng;
  /** The time the lifecycle has been processed up to; handlers see this as "now". */
  cursor: number;
  /** Set by lifecycle steps that want another pass at the same instant. */
  dirty = false;
  /** Long polls waiting on virtual time; not persisted (a process exit ends them anyway). */
  waiters: Waiter[] = [];
  /** Eventual consistency, SQS duplicates and reordering, capacity shortages (see chaos.ts). */
  chaos: ChaosState = emptyChaos();
  /** Lookup indexes derived from the state (indexes.ts); in memory only. */
  readonly indexes = new SimIndexes();
  /** After a settle with `skipQuietSteps`: when it ran, the next due event then, and what it saw (tick.ts). */
  quiet?: { at: number; due: number; generation: number; waiters: Waiter[]; count: number };

  constructor(state: SimState, clock: VirtualClock, timings: Partial<SimTimings>, seed: number) {
    this.state = state;
    this.clock = clock;
    this.timings = { ...DEFAULT_TIMINGS, ...timings };
    this.rng = new Prng(seed);
    this.faultRng = new Prng(seed ^ 0x5bd1e995);
    this.cursor = clock.nowMs();
  }

  now(): number {
    return this.cursor;
  }

  date(ms: number = this.cursor): Date {
    return new Date(ms);
  }

  iso(ms: number = this.cursor): string {
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** `prefix-` + hex, e.g. id('i', 17). */
  id(prefix: string, hexLen = 17): string {
    return `${prefix}-${this.rng.hex(hexLen)}`;
  }

  uuid(): string {
    return this.rng.uuid();
  }

  /** Request ids come from a counter so read-only calls do not shift resource ids. */
  requestId(): string {
    const seq = this.state.requestSeq ?? 0;
    this.state.requestSeq = seq + 1;
    const n = (seq >>> 0).toString(16).padStart(12, '0');
    return `5a1c0de0-${n.slice(0, 4)}-4${n.slice(5, 8)}-8${n.slice(9, 12)}-${n.padStart(12, '0')}`;
  }

  nextSeq(): number {
    return this.state.seq++;
  }

  error(service: SimService, code: string, message?: string, extra?: Record<string, unknown>): Error {
    return awsError(service, code, message, extra);
  }

  arn(service: string, resource: string): string {
    return `arn:aws:${service}:${this.state.region}:${this.state.accountId}:${resource}`;
  }
}

export function tagList(tags: Tags | undefined): Array<{ Key: string; Value: string }> {
  return Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
}

export function tagRecord(list: Array<{ Key?: string; Value?: string }> | undefined): Tags {
  const out: Tags = {};
  for (const t of list ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

export function decodeBase64(s: string | undefined): string {
  return s ? Buffer.from(s, 'base64').toString('utf8') : '';
}
