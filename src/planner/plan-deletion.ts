/**
 * planDeletion(observed): the steps that take a deleted fleet's resources away, pure and
 * level-triggered. Run it, apply it, observe again, repeat until it plans nothing. Each pass
 * plans only what the world allows now, in reverse dependency order:
 *   1. the lifecycle hooks (so instances leave without waiting on drover), then each group
 *      scaled to 0/0: Auto Scaling deregisters its instances from the ELB, draining honoured;
 *   2. a group with no instances left is deleted;
 *   3. with no group left: the launch template, the alarms and policies, the load balancer (on an
 *      ALB/NLB fleet also its listener and target groups: plan-deletion-elbv2.ts);
 *   4. with the load balancer gone: the mount targets, then the file system once none is
 *      left, then the security group;
 *   5. with `images` set and nothing else left: the fleet's baked images and their snapshots
 *      (nothing can refer to them any more; apply re-checks references and tags anyway).
 *      Without it they are kept, and the plan says so in a note.
 * Only resources carrying drover's tags for the fleet are planned (observe already drops
 * anything else as a conflict; the tags are checked again here).
 */
import { isOwnedBy, resourceNames } from '../model/names';
import type { ObservedFleet, ObservedGroup, ObservedImage } from '../model/observed';
import type { Plan, PlanStep } from '../model/plan';
import type { Readiness } from './readiness';
import { step } from './steps';
import { elbV2Left, planElbV2Deletion } from './plan-deletion-elbv2';

const WHY = 'the fleet is being deleted';
const GONE = new Set(['deleting', 'deleted']);

function planGroup(g: ObservedGroup): PlanStep[] {
  const steps: PlanStep[] = (g.lifecycleHooks ?? []).map((h) =>
    step('deleteLifecycleHook', `lifecycleHook/${g.name}/${h.name}`, `${WHY}: instances must not wait on drover`, { groupName: g.name, name: h.name }),
  );
  if (g.min > 0 || g.desired > 0) {
    const reason = `${WHY}: size is ${g.min}/${g.desired}, instances are drained from the load balancer first`;
    steps.push(step('updateAutoScalingGroup', `autoScalingGroup/${g.name}`, reason, { name: g.name, min: 0, desired: 0 }));
  } else if (!g.instances.length && g.lifecycle !== 'deleting') {
    steps.push(step('deleteAutoScalingGroup', `autoScalingGroup/${g.name}`, `${WHY}: no instances left`, { name: g.name }));
  }
  return steps;
}

function planStorage(fleet: string, observed: ObservedFleet): PlanStep[] {
  const names = resourceNames(fleet);
  const steps: PlanStep[] = [];
  const fs = observed.fileSystem;
  const fsOwned = !!fs && isOwnedBy(fs.tags, fleet);
  const targets = fsOwned ? fs.mountTargets.filter((m) => !GONE.has(m.lifeCycleState)) : [];
  for (const m of targets) {
    steps.push(step('deleteMountTarget', `mountTarget/${names.efsCreationToken}/${m.subnetId}`, WHY, { mountTargetId: m.id }));
  }
  // EFS refuses (FileSystemInUse) while any mount target exists, deleting ones included.
  if (fsOwned && !fs.mountTargets.length && !GONE.has(fs.lifeCycleState)) {
    steps.push(step('deleteFileSystem', `fileSystem/${names.efsCreationToken}`, `${WHY}: no mount targets left`, { fileSystemId: fs.id }));
  }
  const sg = observed.efsSecurityGroup;
  if (sg && isOwnedBy(sg.tags, fleet) && !(fsOwned && !GONE.has(fs.lifeCycleState))) {
    steps.push(step('deleteSecurityGroup', `securityGroup/${sg.name}`, `${WHY}: no file system uses it`, { groupId: sg.id }));
  }
  return steps;
}

function planAfterGroups(fleet: string, observed: ObservedFleet): PlanStep[] {
  const steps: PlanStep[] = [];
  const lt = observed.launchTemplate;
  if (lt && isOwnedBy(lt.tags, fleet)) {
    steps.push(step('deleteLaunchTemplate', `launchTemplate/${lt.name}`, `${WHY}: no group uses it`, { launchTemplateId: lt.id }));
  }
  for (const a of observed.alarms.filter((x) => isOwnedBy(x.tags, fleet))) {
    steps.push(step('deleteAlarm', `alarm/${a.name}`, WHY, { name: a.name }));
  }
  const lb = observed.loadBalancer;
  if (lb && isOwnedBy(lb.tags, fleet)) {
    steps.push(step('deleteLoadBalancer', `loadBalancer/${lb.name}`, `${WHY}: no group is attached`, { name: lb.name }));
  }
  return steps;
}

export interface DeletionOptions {
  /** Also deregister the fleet's baked images and delete their snapshots (`--images`). */
  images?: boolean;
}

/** The fleet's baked images carrying drover's tags for it, as observed. */
function ownedImages(observed: ObservedFleet): ObservedImage[] {
  return (observed.images ?? []).filter((i) => isOwnedBy(i.tags, observed.name));
}

function planImages(observed: ObservedFleet): PlanStep[] {
  // A pending image cannot be deregistered yet; it is planned once it is available (or failed).
  return ownedImages(observed)
    .filter((i) => i.state !== 'pending')
    .map((i) =>
      step('deregisterImage', `image/${i.id}`, `${WHY}: --images, and no group, launch template or instance of the fleet is left`, {
        imageId: i.id,
        imageName: i.name,
        snapshotIds: i.snapshotIds,
      }),
    );
}

function imagesKept(observed: ObservedFleet): string[] {
  const n = ownedImages(observed).length;
  return n ? [`${n} baked image${n === 1 ? '' : 's'} kept; add --images to delete them`] : [];
}

/** The next deletion steps for `observed`; empty when nothing drover owns for the fleet is left. */
export function planDeletion(observed: ObservedFleet, opts: DeletionOptions = {}): Plan {
  const fleet = observed.name;
  const groups = observed.groups.filter((g) => isOwnedBy(g.tags, fleet));
  // Policies go with their group; alarms would fire into nothing, so they go with it too.
  const policies = observed.policies
    .filter((p) => groups.some((g) => g.name === p.groupName))
    .map((p) => step('deleteScalingPolicy', `policy/${p.name}`, WHY, { groupName: p.groupName, name: p.name }));
  const lbLeft = (!!observed.loadBalancer && isOwnedBy(observed.loadBalancer.tags, fleet)) || elbV2Left(observed);
  // Storage goes last: instances mount it until their group is gone, and the order is the reverse of creation.
  const later = groups.length ? [] : [...planAfterGroups(fleet, observed), ...(lbLeft ? [] : planStorage(fleet, observed))];
  const steps = [...groups.flatMap(planGroup), ...policies, ...later, ...planElbV2Deletion(observed, groups.length > 0)];
  if (!opts.images) {
    const notes = imagesKept(observed);
    return { fleet, steps, ...(notes.length ? { notes } : {}) };
  }
  // Images go last of all, once nothing that could launch from them is left.
  return { fleet, steps: steps.length || !isFleetGone(observed) ? steps : planImages(observed) };
}

/**
 * True when the observation holds nothing drover owns for the fleet (deletion is complete).
 * Baked images count only with `images` set: otherwise they are kept on purpose.
 */
export function isFleetGone(observed: ObservedFleet, opts: DeletionOptions = {}): boolean {
  const fleet = observed.name;
  if (opts.images && ownedImages(observed).length) return false;
  const owned = (tags: Record<string, string> | undefined) => isOwnedBy(tags, fleet);
  return (
    !observed.groups.some((g) => owned(g.tags)) &&
    !(observed.launchTemplate && owned(observed.launchTemplate.tags)) &&
    !(observed.loadBalancer && owned(observed.loadBalancer.tags)) &&
    !elbV2Left(observed) &&
    !observed.alarms.some((a) => owned(a.tags)) &&
    !(observed.fileSystem && owned(observed.fileSystem.tags) && observed.fileSystem.lifeCycleState !== 'deleted') &&
    !(observed.efsSecurityGroup && owned(observed.efsSecurityGroup.tags))
  );
}

/** A fleet marked `spec.deletion: true` is "ready" once nothing drover owns for it is left. */
export function deletionReadiness(observed: ObservedFleet): Readiness {
  const gone = isFleetGone(observed);
  const n = ownedImages(observed).length;
  const left = n ? ` but ${n} baked image(s), kept (drover delete fleet ${observed.name} --images deletes them)` : '';
  const message = gone ? `fleet ${observed.name} is deleted: nothing drover owns for it is left${left}` : `deleting fleet ${observed.name} (spec.deletion: true)`;
  return { ready: gone, inService: 0, desired: 0, reason: gone ? 'Deleted' : 'Deleting', message };
}
