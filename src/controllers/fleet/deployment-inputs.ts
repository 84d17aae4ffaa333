/**
 * Inputs for the deploy machines, derived from the manifest and the observed world. Pure.
 * Blue is the group serving now and green's capacity is blue's *current* desired capacity
 * (scaling may have grown it), never only the manifest's number.
 */
import type { DesiredFleet } from '../../model/fleet';
import type { ObservedFleet } from '../../model/observed';
import type { PlanStep } from '../../model/plan';
import type { BakeInput } from '../../deploy/machines/bake.machine';
import type { SwapInput } from '../../deploy/machines/swap.machine';
import type { CanaryInput } from '../../deploy/machines/canary.machine';
import { activeAmi, activeGroup } from '../../planner/active-group';

export function swapInput(desired: DesiredFleet, observed: ObservedFleet, step: PlanStep<'startDeployment'>): SwapInput | undefined {
  const blue = activeGroup(observed, desired.loadBalancer.name);
  if (!blue) return undefined;
  const newest = observed.groups.reduce((n, g) => Math.max(n, g.generation), 0);
  return {
    fleet: desired.name,
    generation: newest + 1,
    blueGroup: blue.name,
    amiId: String(step.params.toAmi),
    desiredAtStart: blue.desired,
    healthyTimeoutSeconds: desired.deploy.healthyTimeoutSeconds,
    soakSeconds: desired.deploy.soakSeconds,
    keepPreviousSeconds: desired.deploy.keepPreviousSeconds,
    drainingSeconds: desired.loadBalancer.connectionDrainingSeconds,
    rollbackOnAlarms: desired.deploy.rollbackOnAlarms,
  };
}

/** What a canary adds to the swap's input: its steps (ending at 100), abort policy and analysis interval. */
export function canaryInput(desired: DesiredFleet, swap: SwapInput): CanaryInput | undefined {
  const c = desired.deploy.canary;
  return c ? { ...swap, steps: c.steps, onAbort: c.onAbort, analysisIntervalSeconds: c.analysisIntervalSeconds } : undefined;
}

export function bakeInput(desired: DesiredFleet, observed: ObservedFleet | undefined, commit: string, deploymentId: string): BakeInput | undefined {
  const recipe = desired.image.bake;
  if (!recipe) return undefined;
  const running = observed ? activeAmi(observed, activeGroup(observed, desired.loadBalancer.name)) : undefined;
  return {
    fleet: desired.name,
    commit,
    repository: recipe.repository,
    branch: recipe.branch,
    baseAmi: recipe.from === 'current' && running ? running : recipe.baseAmi,
    builderInstanceType: recipe.builderInstanceType,
    timeoutSeconds: recipe.timeoutSeconds,
    deploymentId,
  };
}

/** A deployment id that sorts by time and says what it is: `swap-20261126t0612-v002`. */
export function deploymentId(kind: string, now: Date, suffix: string): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 13).toLowerCase();
  return `${kind}-${stamp}-${suffix}`.replace(/[^a-z0-9-]/g, '-');
}
