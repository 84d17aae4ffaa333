/**
 * In `drover daemon --sim`, virtual time moves in step with real time × speed: every tick
 * (100 ms real) the account advances tick × speed virtual ms. The daemon opens the account
 * write-through (SimAccount.persistTo), so every call and clock move is already on disk; the
 * periodic save and the one at stop are a belt over those braces.
 * While the daemon runs it owns the account: other processes should only read it.
 */
import type { Logger } from '../log/logger';
import { EVENTS } from '../log/events';
import type { SimAccount } from '../sim';

export interface SimDriverOptions {
  sim: SimAccount;
  file: string;
  logger: Logger;
  /** Virtual seconds per real second. */
  speed: number;
  tickMs?: number;
  saveEveryMs?: number;
}

export interface SimDriver {
  /** Stop advancing, then save one last time. */
  stop(): void;
  save(): void;
}

export function startSimDriver(opts: SimDriverOptions): SimDriver {
  const tickMs = opts.tickMs ?? 100;
  const save = () => {
    try {
      opts.sim.save(opts.file);
    } catch (err) {
      opts.logger.error({ event: EVENTS.daemonSimSaveFailed, component: 'sim', file: opts.file, err: String(err) }, `saving the simulated account to ${opts.file}: ${(err as Error).message}`);
    }
  };
  let last = Date.now();
  const ticker = setInterval(() => {
    const now = Date.now();
    opts.sim.advance(Math.max(0, now - last) * opts.speed);
    last = now;
  }, tickMs);
  const saver = setInterval(save, opts.saveEveryMs ?? 5_000);
  return {
    save,
    stop() {
      clearInterval(ticker);
      clearInterval(saver);
      save();
    },
  };
}
