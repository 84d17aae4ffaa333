/**
 * The one place that decides which deployment a pass starts. `apply` (FleetReconciler.reconcile)
 * acts on the decision; `plan` (FleetReconciler.preview) prints it. Both call this with the
 * same inputs (the fleet as memory makes it effective, the world, the recorded deployment),
 * so `plan` shows exactly what `apply` would do next. Pure.
 */
import type { DesiredFleet } from '../../model/fleet';
import { isOwnedBy, TAG_KEPT } from '../../model/names';
import type { ObservedFleet, ObservedGroup } from '../../model/observed';
import type { PlanStep } from '../../model/plan';
import { recoverSwap } from '../../deploy/recover';
import { activeAmi, activeGroup } from '../../planner/active-group';
import { blockingFailure, effectiveDesired, specHash, type FleetMemory } from './fleet-memory';

export type DeploymentDecision =
  /** A deployment recorded by an earlier process (or running) continues; nothing else is applied. */
  | { action: 'continue'; kind: string; id: string; reason: string }
  /** Two owned groups and no record: the swap resumes from what the world shows. */
  | { action: 'recoverSwap'; reason: string }
  | { action: 'bake'; commit: string; reason: string }
  | { action: 'rollout'; strategy: 'swap' | 'rolling' | 'canary'; step: PlanStep<'startDeployment'>; reason: string }
  /** The plan wants a deployment that drover refuses (its AMI was rolled back under this spec). */
  | { action: 'blocked'; step: PlanStep<'startDeployment'>; reason: string }
  | { action: 'none'; reason?: string };

export interface DecisionInputs {
  fleet: DesiredFleet;
  memory: FleetMemory;
  observed: ObservedFleet;
  /** The plan's `startDeployment`, computed for `effectiveDesired(fleet, memory)`. */
  pending?: PlanStep<'startDeployment'>;
  /** A deployment record on disk (or a run in this process), if any. */
  recorded?: { kind: string; id: string };
}

export function decideDeployment(i: DecisionInputs): DeploymentDecision {
  const { fleet, memory, observed } = i;
  if (i.recorded) return { action: 'continue', kind: i.recorded.kind, id: i.recorded.id, reason: `${i.recorded.kind} ${i.recorded.id} continues; nothing else is applied until it ends` };
  const live = observed.groups.filter((g) => isOwnedBy(g.tags, fleet.name) && g.lifecycle !== 'deleting');
  if (live.length > 1) {
    const kept = keptAfterAbort(observed, live);
    if (kept) return { action: 'none', reason: kept };
    const amiId = recoveryAmi(fleet, memory);
    const recovery = recoverSwap(observed, fleet.deploy, { amiId, drainingSeconds: fleet.loadBalancer.connectionDrainingSeconds });
    return recovery.action === 'resume' ? { action: 'recoverSwap', reason: recovery.reason } : { action: 'none', reason: recovery.reason };
  }
  if (memory.pendingBake && fleet.image.bake) return { action: 'bake', commit: memory.pendingBake.commit, reason: `bake of commit ${memory.pendingBake.commit} was requested at ${memory.pendingBake.at}` };
  const step = i.pending;
  if (!step) return { action: 'none', ...servingNote(fleet, memory, observed) };
  const failure = blockingFailure(memory, String(step.params.toAmi), specHash(fleet));
  if (failure) {
    return { action: 'blocked', step, reason: `not rolling out ${failure.ami} again: it was rolled back at ${failure.at} (${failure.reason}: ${failure.message}); change the manifest or push a new commit` };
  }
  return { action: 'rollout', strategy: rolloutKind(fleet), step, reason: step.reason };
}

/** The deployment machine the fleet's strategy runs: blueGreen is the swap. */
function rolloutKind(fleet: DesiredFleet): 'swap' | 'rolling' | 'canary' {
  if (fleet.deploy.strategy === 'canary' && fleet.deploy.canary) return 'canary';
  return fleet.deploy.strategy === 'rolling' ? 'rolling' : 'swap';
}

/**
 * A canary aborted with `onAbort: keep` leaves its green group beside blue for inspection: that
 * is not a swap to resume (it would roll the failed AMI out), so nothing happens until it goes.
 */
function keptAfterAbort(observed: ObservedFleet, live: ObservedGroup[]): string | undefined {
  const kept = live.find((g) => g.tags[TAG_KEPT]);
  if (!kept) return undefined;
  return `group ${kept.name} (${activeAmi(observed, kept) ?? 'its AMI'}) was kept for inspection after its canary was aborted (${kept.tags[TAG_KEPT]}); nothing is deployed until it is deleted`;
}

/** The AMI a swap rebuilt from the world rolls to. */
export function recoveryAmi(fleet: DesiredFleet, memory: FleetMemory): string {
  return effectiveDesired(fleet, memory).image.ami ?? fleet.image.bake?.baseAmi ?? '';
}

/** Why nothing is deployed although the manifest names another AMI: a baked image serves. */
function servingNote(fleet: DesiredFleet, memory: FleetMemory, observed: ObservedFleet): { reason?: string } {
  const serving = activeAmi(observed, activeGroup(observed, fleet.loadBalancer.name));
  const manifestAmi = fleet.image.ami ?? fleet.image.bake?.baseAmi;
  if (!serving || serving === manifestAmi) return {};
  const ref = [memory.deployed, memory.target].find((r) => r?.ami === serving && r.pinnedAmi === fleet.image.ami);
  if (!ref) return {};
  const from = ref.bake ? `bake ${ref.bake}` : 'a bake';
  const commit = ref.commit ? ` of commit ${ref.commit}` : '';
  return { reason: `nothing: the serving AMI ${serving} came from ${from}${commit}, newer than the manifest's ${manifestAmi}` };
}
