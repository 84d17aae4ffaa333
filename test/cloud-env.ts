/** Wiring for the cloud adapter's end-to-end tests: a virtual clock, a simulated account and real clients. */
import { createAwsClients } from '../src/cloud/clients';
import { OwnershipCache } from '../src/cloud/observe';
import { reconcileFleet, type ReconcileResult } from '../src/controller/reconcile';
import { createMemoryLogger } from '../src/log/logger';
import type { DesiredFleet } from '../src/model/fleet';
import { createSimPlugin, SimAccount } from '../src/sim';
import { VirtualClock } from '../src/util/clock';

export function createCloudEnv() {
  const clock = new VirtualClock();
  const sim = new SimAccount({ clock });
  const clients = createAwsClients({ region: 'eu-west-1', plugin: createSimPlugin(sim) });
  const logger = createMemoryLogger();
  const deps = {
    clients,
    logger,
    sleep: async (ms: number) => sim.advance(ms),
    calls: clients.calls,
    ownershipCache: new OwnershipCache(),
  };
  const reconcile = (d: DesiredFleet, opts?: { dryRun?: boolean }) => reconcileFleet(d, deps, opts);
  /** Reconcile, wait as asked, repeat until ready (or a failure, or `rounds` passes). */
  const converge = async (d: DesiredFleet, rounds = 40): Promise<ReconcileResult[]> => {
    const results: ReconcileResult[] = [];
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
