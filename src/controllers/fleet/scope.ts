/** What the fleet reconciler shares with its sub-reconcilers (rollout, bake), and the machine each deployment kind runs. */
import { createDeployPorts } from '../../deploy/actors';
import { createAnalyzer } from '../../deploy/actors/analysis';
import { createBakeMachine, createCanaryMachine, createRollingMachine, createSwapMachine } from '../../deploy/machines';
import type { DeploymentRunner } from '../../deploy/runner';
import type { DeploymentKind } from '../../deploy/snapshot-store';
import type { DesiredFleet } from '../../model/fleet';
import type { FleetMemoryStore } from './fleet-memory';
import type { FleetReconcilerDeps } from './reconciler-types';

export interface FleetScope {
  deps: FleetReconcilerDeps;
  memory: FleetMemoryStore;
  runner: DeploymentRunner;
}

export function deploymentMachine(deps: FleetReconcilerDeps, fleet: DesiredFleet, kind: DeploymentKind) {
  const { clients, logger, sleep, clock, lifecycleHooks } = deps;
  const ctx = { logger: logger.child({ fleet: fleet.name, component: 'deploy' }), sleep, fleet, clock, lifecycleHooks: lifecycleHooks ?? false };
  // A canary's analysis runs for real: the manifest's checks (or the load balancer's defaults) over CloudWatch.
  const ports = createDeployPorts(clients, ctx, kind === 'canary' ? createAnalyzer(clients, ctx) : undefined);
  if (kind === 'canary') return createCanaryMachine(ports.canary);
  return kind === 'bake' ? createBakeMachine(ports.bake) : kind === 'swap' ? createSwapMachine(ports.swap) : createRollingMachine(ports.rolling);
}
