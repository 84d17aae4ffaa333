/**
 * The relay's memory of deliveries it already queued, keyed by GitLab's `Idempotency-Key`
 * (the same across retries of one delivery) or `X-Gitlab-Event-UUID`. A port, so a store
 * shared by relay replicas can back it later; the in-memory window is bounded by count (LRU)
 * and by age on the injected clock.
 */
import type { Clock } from '../../util/clock';

export type DeliveryClaim = { fresh: true } | { fresh: false; messageId?: string };

export interface DeliveryWindow {
  /** Reserve `key` for one delivery. Not fresh when it was queued (or is being queued) within the window. */
  claim(key: string): Promise<DeliveryClaim>;
  /** The delivery holding `key` reached the queue as `messageId`. */
  confirm(key: string, messageId: string | undefined): Promise<void>;
  /** The delivery holding `key` did not reach the queue: a retry must go through. */
  release(key: string): Promise<void>;
}

export interface MemoryDeliveryWindowOptions {
  clock: Clock;
  /** How long a key is remembered. Default 1 h. */
  ttlMs?: number;
  /** How many keys are remembered. Default 10,000. */
  maxKeys?: number;
}

interface Entry {
  atMs: number;
  messageId?: string;
}

export class MemoryDeliveryWindow implements DeliveryWindow {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxKeys: number;

  constructor(private readonly opts: MemoryDeliveryWindowOptions) {
    this.ttlMs = opts.ttlMs ?? 60 * 60_000;
    this.maxKeys = Math.max(1, opts.maxKeys ?? 10_000);
  }

  async claim(key: string): Promise<DeliveryClaim> {
    const now = this.opts.clock.nowMs();
    this.expire(now);
    const entry = this.entries.get(key);
    if (entry) return { fresh: false, ...(entry.messageId ? { messageId: entry.messageId } : {}) };
    this.entries.set(key, { atMs: now });
    while (this.entries.size > this.maxKeys) this.entries.delete(this.entries.keys().next().value as string);
    return { fresh: true };
  }

  async confirm(key: string, messageId: string | undefined): Promise<void> {
    const entry = this.entries.get(key);
    if (entry) entry.messageId = messageId;
  }

  async release(key: string): Promise<void> {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Entries are in claim order, so the expired ones are at the front. */
  private expire(now: number): void {
    for (const [key, entry] of this.entries) {
      if (now - entry.atMs < this.ttlMs) return;
      this.entries.delete(key);
    }
  }
}
