/**
 * The launch template. Instance settings that drift get a new template version (the active
 * group is repointed to it); a new AMI on a running fleet is never an in-place edit: it is
 * one `startDeployment` step, and the deployment carries every other template change.
 */
import type { DesiredFleet } from '../model/fleet';
import { resourceNames } from '../model/names';
import type { ObservedFleet, ObservedGroup, ObservedLaunchTemplate } from '../model/observed';
import type { PlanStep } from '../model/plan';
import type { TemplateParams } from '../model/plan-params';
import { FILE_SYSTEM_ID_SLOT } from '../model/user-data';
import { activeAmi, desiredAmi } from './active-group';
import { drift, nameTaken, sameSet, show, step } from './steps';
import { renderUserData } from './user-data';

export interface LaunchTemplatePlan {
  steps: PlanStep[];
  /** True when the AMI change is left to a deployment. */
  deploying: boolean;
}

export function planLaunchTemplate(desired: DesiredFleet, observed: ObservedFleet, active: ObservedGroup | undefined): LaunchTemplatePlan {
  const name = resourceNames(desired.name).launchTemplate;
  const resource = `launchTemplate/${name}`;
  const lt = observed.launchTemplate;
  if (!lt) {
    if (observed.conflicts.some((c) => c.resourceType === 'launchTemplate' && c.name === name)) {
      return { steps: [nameTaken('launch template', resource, name)], deploying: false };
    }
    const params = templateData(desired, observed, desiredAmi(desired));
    return { steps: [step('createLaunchTemplate', resource, 'launch template is missing', params)], deploying: false };
  }
  const running = active ? activeAmi(observed, active) : undefined;
  const pinned = desired.image.ami;
  if (active && pinned && running !== pinned) {
    const reason = `${drift('AMI', running, pinned)}: a blue/green deployment replaces group ${active.name}`;
    const params = { fleet: desired.name, fromAmi: running ?? '', toAmi: pinned, group: active.name, generation: active.generation + 1, launchTemplateId: lt.id };
    return { steps: [step('startDeployment', `deployment/${desired.name}`, reason, params)], deploying: true };
  }
  // A running fleet keeps the AMI it runs (a baked image for bake fleets); a new one starts from the manifest's.
  const imageId = running ?? desiredAmi(desired);
  const reasons = templateDrift(desired, observed, lt, imageId);
  // A template deleted and re-created leaves the group pinned to one that no longer exists: repoint it.
  if (active && active.launchTemplate?.id !== lt.id) reasons.push(`group ${active.name} launches from template ${show(active.launchTemplate?.id)}, not ${lt.id}`);
  if (!reasons.length) return { steps: [], deploying: false };
  const params = { ...templateData(desired, observed, imageId), launchTemplateId: lt.id, ...(active ? { groupName: active.name } : {}) };
  return { steps: [step('createLaunchTemplateVersion', resource, reasons.join('; '), params)], deploying: false };
}

/**
 * JSON parameters of a template version. `userData` is rendered here, mount preamble included;
 * `storage` lets the provider fill in a file system this plan creates (FILE_SYSTEM_ID_SLOT).
 */
export function templateData(desired: DesiredFleet, observed: ObservedFleet, imageId: string): TemplateParams {
  const names = resourceNames(desired.name);
  const efs = desired.storage?.efs;
  const fs = observed.fileSystem;
  const mount = efs ? { fileSystemId: fs ? fs.id : FILE_SYSTEM_ID_SLOT, region: desired.region, mountPath: efs.mountPath } : undefined;
  return {
    fleet: desired.name,
    name: names.launchTemplate,
    imageId,
    instanceType: desired.instances.type,
    ...(desired.instances.keyName ? { keyName: desired.instances.keyName } : {}),
    securityGroups: desired.network.securityGroups,
    userData: renderUserData(desired.instances.userData, mount),
    ...(efs
      ? {
          storage: {
            creationToken: names.efsCreationToken,
            mountPath: efs.mountPath,
            region: desired.region,
            ...(fs ? { fileSystemId: fs.id } : {}),
          },
        }
      : {}),
  };
}

function templateDrift(desired: DesiredFleet, observed: ObservedFleet, lt: ObservedLaunchTemplate, imageId: string): string[] {
  const reasons: string[] = [];
  if (lt.imageId !== imageId) reasons.push(drift('AMI', lt.imageId, imageId));
  if (lt.instanceType !== desired.instances.type) reasons.push(drift('instance type', lt.instanceType, desired.instances.type));
  if ((lt.keyName ?? '') !== (desired.instances.keyName ?? '')) reasons.push(drift('key pair', lt.keyName, desired.instances.keyName));
  if (!sameSet(lt.securityGroups, desired.network.securityGroups)) {
    reasons.push(drift('security groups', lt.securityGroups, desired.network.securityGroups));
  }
  const efs = desired.storage?.efs;
  const fs = observed.fileSystem;
  if (efs && !fs) reasons.push('user-data lacks the mount of the new file system');
  else {
    const mount = efs && fs ? { fileSystemId: fs.id, region: desired.region, mountPath: efs.mountPath } : undefined;
    if (lt.userData !== renderUserData(desired.instances.userData, mount)) {
      reasons.push(`user-data differs from the manifest's${mount ? ` (with the mount of ${fs!.id} at ${show(efs!.mountPath)})` : ''}`);
    }
  }
  return reasons;
}
