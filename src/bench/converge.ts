import { converge, type ConvergeResult } from '../controllers/fleet/converge';
import type { DesiredFleet } from '../model/fleet';
import type { SimEnv } from '../main/sim-env';

/** Reconcile in virtual time until the fleet is Ready; throws if it fails or takes too many passes. */
export async function convergeFleet(env: SimEnv, fleet: DesiredFleet, maxPasses = 200): Promise<ConvergeResult> {
  for (let i = 0; i < maxPasses; i++) {
    const r = await reconcileOnce(env, fleet, false);
    if (r.failed) throw new Error(`converging fleet ${fleet.name}: ${r.failed.error.message}`);
    if (r.readiness.ready) return r;
    env.sim.advance(r.requeueAfterMs);
  }
  throw new Error(`converging fleet ${fleet.name}: not Ready after ${maxPasses} passes`);
}

export function reconcileOnce(env: SimEnv, fleet: DesiredFleet, dryRun: boolean): Promise<ConvergeResult> {
  const deps = { clients: env.clients, logger: env.logger, sleep: env.sleep, calls: env.clients.calls, ownershipCache: env.ownershipCache };
  return converge(fleet, deps, { dryRun });
}

/** A copy of `fleet` with a fixed instance count (benchmarks go past the example's max). */
export function withCapacity(fleet: DesiredFleet, n: number, name = fleet.name): DesiredFleet {
  return {
    ...fleet,
    name,
    capacity: { min: n, max: n, desired: n },
    loadBalancer: { ...fleet.loadBalancer, name },
  };
}
