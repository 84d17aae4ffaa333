/**
 * Is the fleet serving as the manifest says? Ready when nothing is left to change and the
 * active group's desired number of instances are InService on the load balancer.
 */
import type { DesiredFleet } from '../model/fleet';
import type { ObservedFleet } from '../model/observed';
import type { Plan } from '../model/plan';
import { activeGroup } from './active-group';
import { plan as computePlan } from './plan';
import { isImageRetentionStep } from './plan-images';
import { loadBalancerInstances } from '../model/target-groups';

export interface Readiness {
  ready: boolean;
  inService: number;
  desired: number;
  /** PascalCase: Ready, NameTaken, DeploymentPending, Converging, WaitingForFileSystem, LaunchFailed, WaitingForHealthyInstances. */
  reason: string;
  message: string;
}

export function assessReadiness(desired: DesiredFleet, observed: ObservedFleet, planned?: Plan): Readiness {
  const steps = (planned ?? computePlan(desired, observed)).steps.filter((s) => !isImageRetentionStep(s));
  const group = activeGroup(observed, desired.loadBalancer.name);
  const lbName = desired.loadBalancer.name;
  const healthy = new Set(loadBalancerInstances(observed).filter((i) => i.state === 'InService').map((i) => i.id));
  const inService = (group?.instances ?? []).filter((i) => i.lifecycle === 'inService' && healthy.has(i.id)).length;
  const want = group?.desired ?? desired.capacity.desired;
  const base = { inService, desired: want };
  const not = (reason: string, message: string): Readiness => ({ ready: false, ...base, reason, message });
  const taken = steps.find((s) => s.kind === 'nameTaken');
  if (taken) return not('NameTaken', taken.reason);
  const deploy = steps.find((s) => s.kind === 'startDeployment');
  if (deploy) return not('DeploymentPending', deploy.reason);
  if (steps.length) return not('Converging', `${steps.length} change(s) pending, first: ${steps[0].resource}: ${steps[0].reason}`);
  const fs = observed.fileSystem;
  if (desired.storage && fs) {
    const pending = [fs.lifeCycleState, ...fs.mountTargets.map((m) => m.lifeCycleState)].filter((s) => s !== 'available');
    if (pending.length) return not('WaitingForFileSystem', `file system ${fs.id} is not available yet (${pending.join(', ')})`);
  }
  if (!group) return not('Converging', 'no auto scaling group yet');
  if (inService < want && group.launchFailure) return not('LaunchFailed', group.launchFailure);
  if (inService < want) {
    return not('WaitingForHealthyInstances', `${inService} of ${want} instances of group ${group.name} are InService on load balancer ${lbName}`);
  }
  return { ready: true, ...base, reason: 'Ready', message: `${inService} of ${want} instances of group ${group.name} are InService on load balancer ${lbName}` };
}
