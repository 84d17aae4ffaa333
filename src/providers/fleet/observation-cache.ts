/**
 * The short-lived observation cache of a resync pass (issue 14, item 1). At the start of a pass
 * the daemon names the fleets it is about to reconcile; the first reconcile that finds its fleet
 * without a fresh slice reads one batch for itself and the next pending fleets (a chunk), and
 * every fleet of the chunk then observes from its slice. A slice is used once and only within
 * `ttlMs` of the clock; the fleet's own writes (its next reconcile reads unbatched) and events
 * for it (`invalidate`) drop it, so a reconcile after either sees the world itself.
 */
import type { CallContext } from '../../aws/call';
import type { AwsPort } from '../../aws/port';
import type { DesiredFleet } from '../../model/fleet';
import { readBatch, type FleetSlice } from './batch-observe';
import type { FleetMemo } from './batched-port';

export interface ObservationCacheOptions {
  nowMs: () => number;
  /** Reads the slices of a chunk of fleets (readBatch over the daemon's port). */
  read: (fleets: DesiredFleet[]) => Promise<Map<string, FleetSlice>>;
  ttlMs?: number;
  chunk?: number;
  memoMaxAgeMs?: number;
}

export const OBSERVATION_TTL_MS = 10_000;
/** Fleets per batch: a multiple of 20 (DescribeLoadBalancers takes 20 names), and 100 fleet names fill one Auto Scaling tag filter. */
export const OBSERVATION_CHUNK = 100;
/** Remembered answers (batched-port.ts) are read again after 30 to 60 minutes, spread by fleet. */
export const MEMO_MAX_AGE_MS = 30 * 60_000;

/**
 * `base` to `2 × base`, fixed per fleet name and spread evenly even over names that differ only
 * in their last digits (FNV-1a, then a murmur3 finish: `h * 31 + c` put fleet-00000..00199 all
 * within 52..54 minutes, so their re-reads came in one pass).
 */
export function spread(fleet: string, base: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < fleet.length; i++) h = Math.imul(h ^ fleet.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = (h ^ (h >>> 16)) >>> 0;
  return base + Math.round(((h % 1000) / 1000) * base);
}

export class ObservationCache {
  private readonly slices = new Map<string, FleetSlice>();
  private readonly pending = new Map<string, DesiredFleet>();
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly memos = new Map<string, FleetMemo>();
  /** Fleets of chunks being read that no event has invalidated since. */
  private readonly wanted = new Set<string>();
  /** Chunks read, slices used, slices dropped unused (expired or invalidated): for benches and metrics. */
  readonly stats = { batches: 0, served: 0, expired: 0, invalidated: 0 };

  constructor(private readonly o: ObservationCacheOptions) {}

  /** A resync pass is starting over these fleets (in the order they will most likely be reconciled). */
  startPass(fleets: DesiredFleet[]): void {
    this.pending.clear();
    for (const f of fleets) this.pending.set(f.name, f);
  }

  /** The fleet's slice when one is fresh (read in a batch now if it is pending in the pass); else undefined. */
  async take(fleet: string): Promise<FleetSlice | undefined> {
    if (!this.slices.has(fleet) && this.pending.has(fleet)) await this.fill(fleet);
    else if (this.inflight.has(fleet)) await this.inflight.get(fleet);
    const s = this.slices.get(fleet);
    if (!s) {
      // Outside a pass this reconcile follows a write or an event: forget what was remembered.
      this.memos.delete(fleet);
      return undefined;
    }
    this.slices.delete(fleet);
    if (this.o.nowMs() - s.atMs > (this.o.ttlMs ?? OBSERVATION_TTL_MS)) {
      this.stats.expired++;
      return undefined;
    }
    this.stats.served++;
    return s;
  }

  /** Remembered answers of the fleet (batched-port.ts). */
  memo(fleet: string): FleetMemo {
    let m = this.memos.get(fleet);
    if (!m) this.memos.set(fleet, (m = { fingerprint: '', answers: new Map(), maxAgeMs: spread(fleet, this.o.memoMaxAgeMs ?? MEMO_MAX_AGE_MS) }));
    return m;
  }

  /** An event for the fleet, or its manifest changed: its next reconcile reads the world. */
  invalidate(fleet: string): void {
    if (this.slices.delete(fleet)) this.stats.invalidated++;
    this.pending.delete(fleet);
    this.wanted.delete(fleet);
    this.memos.delete(fleet);
  }

  /** Forget fleets no longer managed. */
  retain(alive: Set<string>): void {
    for (const k of [...this.memos.keys()]) if (!alive.has(k)) this.memos.delete(k);
  }

  private async fill(first: string): Promise<void> {
    const chunk: DesiredFleet[] = [this.pending.get(first)!];
    this.pending.delete(first);
    for (const [name, f] of this.pending) {
      if (chunk.length >= (this.o.chunk ?? OBSERVATION_CHUNK)) break;
      chunk.push(f);
      this.pending.delete(name);
    }
    for (const f of chunk) this.wanted.add(f.name);
    const reading = this.o.read(chunk).then(
      (slices) => {
        this.stats.batches++;
        for (const [name, s] of slices) if (this.wanted.delete(name)) this.slices.set(name, s);
      },
      // A failed batch costs nothing but the calls: every fleet of the chunk reads per fleet.
      () => {
        for (const f of chunk) this.wanted.delete(f.name);
      },
    );
    for (const f of chunk) this.inflight.set(f.name, reading);
    try {
      await reading;
    } finally {
      for (const f of chunk) if (this.inflight.get(f.name) === reading) this.inflight.delete(f.name);
    }
  }
}

/** The daemon's cache: batches read over `aws` (under its rate budget), retried like any call. */
export function resyncObservations(
  aws: AwsPort,
  o: CallContext & { nowMs: () => number; knownTags?: (key: string) => boolean; ttlMs?: number; chunk?: number },
): ObservationCache {
  return new ObservationCache({ nowMs: o.nowMs, ttlMs: o.ttlMs, chunk: o.chunk, read: (fleets) => readBatch(aws, fleets, o) });
}
