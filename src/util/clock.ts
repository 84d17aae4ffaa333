/**
 * Time comes from an injected clock. The virtual clock only moves when told to, and runs
 * timers in due order as it moves, so tests and the simulated account never sleep.
 */

export interface Clock {
  now(): Date;
  /** Milliseconds since the epoch. */
  nowMs(): number;
  /** Resolve after `ms` of this clock's time. On a virtual clock, resolves when advanced past it. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
  nowMs(): number {
    return Date.now();
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(t);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
}

/** A clock that moves only by `advance`/`set`. Listeners run on every move (the sim ticks on them). */
export class VirtualClock implements Clock {
  private ms: number;
  private timers: Timer[] = [];
  private seq = 0;
  private listeners: Array<(nowMs: number) => void> = [];

  constructor(start: Date | number = Date.UTC(2026, 0, 1)) {
    this.ms = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }
  nowMs(): number {
    return this.ms;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(signal?.reason);
      };
      // A fired timer drops its abort listener, so a long-lived signal does not collect them.
      const fire = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const timer: Timer = { at: this.ms + Math.max(0, ms), seq: this.seq++, fire };
      this.timers.push(timer);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Called after every move with the new time. Returns an unsubscribe function. */
  onAdvance(listener: (nowMs: number) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Earliest pending sleep, if any (lets a driver jump straight to the next due timer). */
  nextTimerAt(): number | undefined {
    return this.timers.length ? Math.min(...this.timers.map((t) => t.at)) : undefined;
  }

  /** Move time forward by `ms`, firing due timers in order, stepping listeners at each timer. */
  advance(ms: number): void {
    this.set(this.ms + ms);
  }

  set(targetMs: number): void {
    if (targetMs < this.ms) throw new Error(`moving virtual clock backwards: ${new Date(targetMs).toISOString()}`);
    for (;;) {
      const due = this.timers.filter((t) => t.at <= targetMs).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.ms = Math.max(this.ms, due.at);
      this.emit();
      due.fire();
    }
    this.ms = targetMs;
    this.emit();
  }

  private emit(): void {
    for (const l of this.listeners) l(this.ms);
  }
}

/** Parse `30s`, `5m`, `1h`, `1h30m`, `2d` into seconds. Returns undefined if malformed. */
export function parseDuration(text: string): number | undefined {
  const s = String(text).trim();
  if (!/^(\d+(d|h|m|s|ms))+$/.test(s)) return undefined;
  const units: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 };
  let total = 0;
  for (const m of s.matchAll(/(\d+)(ms|d|h|m|s)/g)) total += Number(m[1]) * units[m[2]];
  return total;
}

/** Format seconds like kubectl: `45s`, `5m12s`, `2h3m`, `3d4h`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? `${Math.floor((s % 3600) / 60)}m` : ''}`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600) ? `${Math.floor((s % 86400) / 3600)}h` : ''}`;
}
