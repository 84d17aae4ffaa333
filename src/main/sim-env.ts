import { createAwsPort, type AwsPort } from '../aws/clients';
import { OwnershipCache } from '../providers/observe';
import { createMemoryLogger, type Logger, type MemoryLogger } from '../log/logger';
import { SimAccount, createSimPlugin, type SimTimings } from '../sim';
import { VirtualClock } from '../util/clock';

/**
 * A whole drover world in one process: a virtual clock, a simulated account, the real SDK
 * clients wired to it, and a logger. Tests, benchmarks and the demo all start here.
 */
export interface SimEnv {
  clock: VirtualClock;
  sim: SimAccount;
  clients: AwsPort;
  logger: Logger;
  ownershipCache: OwnershipCache;
  /** Backoff in the simulated account lets virtual time pass. */
  sleep(ms: number): Promise<void>;
}

export interface SimEnvOptions {
  seed?: number;
  timings?: Partial<SimTimings>;
  logger?: Logger;
  startMs?: number;
}

export function createSimEnv(opts: SimEnvOptions = {}): SimEnv & { logger: Logger } {
  const clock = new VirtualClock(opts.startMs ?? Date.UTC(2026, 10, 26, 9, 0, 0));
  const sim = new SimAccount({ clock, seed: opts.seed ?? 1, timings: opts.timings });
  return wireSimEnv(sim, opts.logger ?? createMemoryLogger());
}

/** Wire clients and helpers to an existing account (e.g. one loaded from disk). */
export function wireSimEnv(sim: SimAccount, logger: Logger): SimEnv {
  const clients = createAwsPort({ region: 'eu-west-1', plugin: createSimPlugin(sim) });
  return {
    clock: sim.clock,
    sim,
    clients,
    logger,
    ownershipCache: new OwnershipCache(),
    sleep: async (ms) => sim.advance(ms),
  };
}

export type { MemoryLogger };
