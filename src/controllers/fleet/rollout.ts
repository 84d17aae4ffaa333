/**
 * Rollout, a sub-reconciler of the fleet reconciler: takes a fleet to a new AMI by a blue/green
 * swap or a rolling refresh, as the plan's deployment step asks; rebuilds a swap from the
 * world (group tags) when its record was lost; and remembers an AMI as failed as soon as its
 * rollback begins, so a restart that lost the record does not roll the same AMI out again.
 */
import type { PhaseDescription } from '../../deploy/machines/phase';
import { recoverSwap } from '../../deploy/recover';
import type { RunningDeployment } from '../../deploy/runner';
import type { DeploymentKind } from '../../deploy/snapshot-store';
import { EVENTS } from '../../log/events';
import type { DesiredFleet } from '../../model/fleet';
import type { ObservedFleet } from '../../model/observed';
import type { PlanStep } from '../../model/plan';
import { withFailure } from './deployment-finish';
import { recoveryAmi } from './deployment-decision';
import { canaryInput, deploymentId, swapInput } from './deployment-inputs';
import { blockingFailure, specHash } from './fleet-memory';
import { rollingInput } from './rolling-start';
import { deploymentMachine, type FleetScope } from './scope';

export class Rollout {
  constructor(private readonly scope: FleetScope) {}

  async start(fleet: DesiredFleet, observed: ObservedFleet, step: PlanStep<'startDeployment'>, kind: 'swap' | 'rolling' | 'canary'): Promise<RunningDeployment | undefined> {
    const { deps, memory, runner } = this.scope;
    const toAmi = String(step.params.toAmi);
    const input = swapInput(fleet, observed, step);
    if (!input) return undefined;
    const target = (await memory.load(fleet.name)).target;
    const commit = target?.ami === toAmi ? target.commit : undefined;
    const fromAmi = step.params.fromAmi ? String(step.params.fromAmi) : undefined;
    const id = deploymentId(kind, deps.clock.now(), `v${String(input.generation).padStart(3, '0')}`);
    if (kind === 'rolling') {
      const rolling = rollingInput(fleet, observed, toAmi, id);
      return rolling ? runner.start(deploymentMachine(deps, fleet, 'rolling'), { fleet: fleet.name, kind, id, input: { ...rolling, ...(commit ? { commit } : {}), ...(fromAmi ? { fromAmi } : {}) } }) : undefined;
    }
    const canary = kind === 'canary' ? canaryInput(fleet, input) : undefined;
    return runner.start(deploymentMachine(deps, fleet, kind), { fleet: fleet.name, kind, id, input: { ...input, ...canary, ...(commit ? { commit } : {}), ...(fromAmi ? { fromAmi } : {}) } });
  }

  /** Resume a swap from the world: two owned groups and no record. */
  async recover(fleet: DesiredFleet, observed: ObservedFleet): Promise<RunningDeployment | undefined> {
    const { deps, memory, runner } = this.scope;
    const amiId = recoveryAmi(fleet, await memory.load(fleet.name));
    const recovery = recoverSwap(observed, fleet.deploy, { amiId, drainingSeconds: fleet.loadBalancer.connectionDrainingSeconds });
    if (recovery.action !== 'resume') return undefined;
    deps.logger.warn({ event: EVENTS.deployRecovered, fleet: fleet.name }, recovery.reason);
    const id = deploymentId('swap', deps.clock.now(), `v${String(recovery.input.generation).padStart(3, '0')}-recovered`);
    return runner.start(deploymentMachine(deps, fleet, 'swap'), { fleet: fleet.name, kind: 'swap', id, input: { ...recovery.input } });
  }

  /** A rollback has begun: remember the AMI as failed now, not only when the rollback ends. */
  async noteRollback(fleet: DesiredFleet | undefined, kind: DeploymentKind, phase: PhaseDescription): Promise<void> {
    if (kind === 'bake' || phase.final || !phase.reason || !fleet) return;
    const { deps, memory, runner } = this.scope;
    const ami = runner.get(fleet.name)?.input.amiId;
    if (typeof ami !== 'string' || blockingFailure(await memory.load(fleet.name), ami, specHash(fleet))) return;
    await memory.update(fleet.name, (m) => withFailure(m, fleet, ami, { reason: phase.reason!, message: phase.message }, deps.clock.now()));
  }
}
