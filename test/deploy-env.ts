/**
 * Wiring for the deploy end-to-end tests: the simulated account (createSimEnv), the real
 * deploy ports over its clients, a converge loop for the fleet, and a runner that drives a
 * real machine to its end on the virtual clock while sampling serving capacity every tick.
 */
import type { AnyStateMachine, InputFrom } from 'xstate';
import { createDeployPorts } from '../src/deploy/actors';
import { converge as convergePass, type ConvergeResult } from '../src/controllers/fleet/converge';
import { runPersistedActor, type DeploymentResult } from '../src/deploy/persisted-actor';
import { MemorySnapshotStore, type DeploymentKind } from '../src/deploy/snapshot-store';
import { driveUntil } from './support/deploy/drive';
import { createSimEnv } from '../src/main/sim-env';
import type { DesiredFleet } from '../src/model/fleet';

export const AMI = { base: 'ami-0a1b2c3d4e5f60001', r2: 'ami-0a1b2c3d4e5f60002', r3: 'ami-0a1b2c3d4e5f60003' };
export const LB = 'magento-elb';

export function createDeployEnv(fleet: DesiredFleet) {
  const env = createSimEnv();
  const { clients, logger, sleep, clock, sim } = env;
  const deps = { clients, logger, sleep, calls: clients.calls, ownershipCache: env.ownershipCache };
  const ports = createDeployPorts(clients, { logger, sleep, fleet, clock });
  const reconcile = (d: DesiredFleet, opts?: { dryRun?: boolean }) => convergePass(d, deps, opts);

  /** Reconcile until ready, advancing the sim as each pass asks. */
  const converge = async (d: DesiredFleet = fleet, rounds = 40): Promise<ConvergeResult> => {
    for (let i = 0; i < rounds; i++) {
      const r = await reconcile(d);
      if (r.failed) throw new Error(`converging fleet ${d.name}: ${r.failed.error.message}`);
      if (r.readiness.ready) return r;
      sim.advance(r.requeueAfterMs);
    }
    throw new Error(`converging fleet ${d.name}: not ready after ${rounds} rounds`);
  };

  /** Advance in small steps until `done()` holds. */
  const advanceUntil = (done: () => boolean, stepMs = 5_000, maxMs = 3_600_000) => {
    for (let t = 0; t < maxMs && !done(); t += stepMs) sim.advance(stepMs);
    if (!done()) throw new Error('advancing the simulated account: condition never held');
  };

  /** Least InService count on the load balancer seen on any sim tick since the last call. */
  let minServing = Infinity;
  sim.onTick(() => (minServing = Math.min(minServing, sim.inServiceCount(LB))));
  const resetServing = () => (minServing = sim.inServiceCount(LB));

  const run = async <M extends AnyStateMachine>(
    machine: M,
    kind: DeploymentKind,
    input: InputFrom<M>,
    onTransition?: (snapshot: any) => void,
  ): Promise<DeploymentResult & { minServing: number }> => {
    resetServing();
    const meta = { fleet: fleet.name, kind, id: `${kind}-${clock.nowMs()}`, startedAt: clock.now().toISOString() };
    const done = runPersistedActor(machine, { store: new MemorySnapshotStore(), key: fleet.name, meta, clock, input, onTransition });
    const result = await driveUntil(clock, done, { maxMs: 3 * 24 * 3600 * 1000 });
    return { ...result, minServing };
  };

  const groupDesired = async (name: string): Promise<number> => {
    const out = await clients.autoScaling.DescribeAutoScalingGroups({ AutoScalingGroupNames: [name] });
    return out.AutoScalingGroups?.[0]?.DesiredCapacity ?? 0;
  };

  /** Calls the sim recorded for `operation` (optionally only those whose input matches). */
  const callsOf = (operation: string, match: (input: any) => boolean = () => true) =>
    sim.calls.filter((c) => c.operation === operation && !c.error && match(c.input));

  return { ...env, ports, reconcile, converge, advanceUntil, run, groupDesired, callsOf, minServingNow: () => minServing };
}

export type DeployEnv = ReturnType<typeof createDeployEnv>;
