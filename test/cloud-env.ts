/** Wiring for the cloud adapter's end-to-end tests: a virtual clock, a simulated account and real clients. */
import { converge as convergePass, type ConvergeResult } from '../src/controllers/fleet/converge';
import { createMemoryLogger } from '../src/log/logger';
import { createSimEnv } from '../src/main/sim-env';
import type { DesiredFleet } from '../src/model/fleet';

export function createCloudEnv() {
  const logger = createMemoryLogger();
  const { clock, sim, clients, sleep, ownershipCache } = createSimEnv({ logger, startMs: Date.UTC(2026, 0, 1) });
  const deps = { clients, logger, sleep, calls: clients.calls, ownershipCache };
  const reconcile = (d: DesiredFleet, opts?: { dryRun?: boolean }) => convergePass(d, deps, opts);
  /** Reconcile, wait as asked, repeat until ready (or a failure, or `rounds` passes). */
  const converge = async (d: DesiredFleet, rounds = 40): Promise<ConvergeResult[]> => {
    const results: ConvergeResult[] = [];
    for (let i = 0; i < rounds; i++) {
      const r = await reconcile(d);
      results.push(r);
      if (r.failed || r.readiness.ready) return results;
      sim.advance(r.requeueAfterMs);
    }
    return results;
  };
  return { clock, sim, clients, logger, deps, reconcile, converge };
}
