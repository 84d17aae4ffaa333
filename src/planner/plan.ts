/**
 * plan(desired, observed): the pure heart of drover. Creations and updates come in dependency
 * order (storage, load balancer, launch template, group, policies, alarms), deletions after
 * them in reverse order (alarms, policies, mount targets, file system, security group), then
 * expired baked images (plan-images.ts).
 * Only resources that carry drover's tags are touched; a wanted name held by anything else
 * becomes a `nameTaken` step, and nothing that would use that name is planned. Steady state
 * plans zero steps.
 */
import type { DesiredFleet } from '../model/fleet';
import { groupName } from '../model/names';
import type { ObservedFleet } from '../model/observed';
import type { Plan } from '../model/plan';
import { activeGroup } from './active-group';
import { dropBlockedSteps } from './blocked';
import { planGroup } from './plan-group';
import { planHooks } from './plan-hooks';
import { planImages } from './plan-images';
import { planLaunchTemplate } from './plan-launch-template';
import { planLoadBalancer } from './plan-load-balancer';
import { planTargetGroups } from './plan-target-group';
import { planScaling } from './plan-scaling';
import { planStorage } from './plan-storage';

export function plan(desired: DesiredFleet, observed: ObservedFleet): Plan {
  const active = activeGroup(observed, desired.loadBalancer.name);
  const storage = planStorage(desired, observed);
  const template = planLaunchTemplate(desired, observed, active);
  const scaling = planScaling(desired, observed, active?.name ?? groupName(desired.name, 1));
  const steps = [
    ...storage.ensure,
    ...(desired.loadBalancer.elbv2 ? planTargetGroups(desired, observed) : planLoadBalancer(desired, observed)),
    ...template.steps,
    ...planGroup(desired, observed, active),
    ...planHooks(desired, active),
    ...scaling.ensure,
    ...scaling.remove,
    ...storage.remove,
    ...planImages(desired, observed),
  ];
  return { fleet: desired.name, steps: dropBlockedSteps(steps) };
}
