/** Shared storage: drover's NFS security group, the EFS file system and one mount target per zone. */
import type { DesiredFleet } from '../model/fleet';
import { resourceNames } from '../model/names';
import type { ObservedFleet, ObservedFileSystem } from '../model/observed';
import type { PlanStep } from '../model/plan';
import { nameTaken, step, type PartialPlan } from './steps';

const GONE = new Set(['deleting', 'deleted']);

export function planStorage(desired: DesiredFleet, observed: ObservedFleet): PartialPlan {
  if (!desired.storage) return { ensure: [], remove: removeStorage(desired.name, observed) };
  return { ensure: [...ensureSecurityGroup(desired, observed), ...ensureFileSystem(desired, observed)], remove: [] };
}

function taken(observed: ObservedFleet, type: string, name: string): boolean {
  return observed.conflicts.some((c) => c.resourceType === type && c.name === name);
}

function ensureSecurityGroup(desired: DesiredFleet, observed: ObservedFleet): PlanStep[] {
  const name = resourceNames(desired.name).efsSecurityGroup;
  const resource = `securityGroup/${name}`;
  const sources = desired.network.securityGroups;
  const sg = observed.efsSecurityGroup;
  if (!sg) {
    if (taken(observed, 'securityGroup', name)) return [nameTaken('security group', resource, name)];
    return [
      step('createSecurityGroup', resource, 'NFS security group for the file system is missing', {
        fleet: desired.name,
        name,
        description: `drover: NFS from fleet ${desired.name} to its file system`,
        subnetId: desired.network.subnets[0],
      }),
      step('authorizeNfsIngress', resource, `allow NFS from ${sources.join(', ')}`, { groupName: name, sourceGroups: sources }),
    ];
  }
  const missing = sources.filter((s) => !sg.nfsIngressFrom.includes(s));
  const extra = sg.nfsIngressFrom.filter((s) => !sources.includes(s));
  const steps: PlanStep[] = [];
  if (missing.length) {
    steps.push(
      step('authorizeNfsIngress', resource, `NFS is not allowed from ${missing.join(', ')}, manifest's security groups need it`, {
        groupName: name,
        groupId: sg.id,
        sourceGroups: missing,
      }),
    );
  }
  if (extra.length) {
    steps.push(
      step('revokeNfsIngress', resource, `NFS is allowed from ${extra.join(', ')}, not in the manifest's security groups`, {
        groupId: sg.id,
        sourceGroups: extra,
      }),
    );
  }
  return steps;
}

function ensureFileSystem(desired: DesiredFleet, observed: ObservedFleet): PlanStep[] {
  const efs = desired.storage!.efs;
  const token = resourceNames(desired.name).efsCreationToken;
  const resource = `fileSystem/${token}`;
  const fs = observed.fileSystem;
  const steps: PlanStep[] = [];
  if (!fs) {
    if (taken(observed, 'fileSystem', token)) return [nameTaken('file system', resource, token)];
    steps.push(
      step('createFileSystem', resource, 'file system is missing', {
        fleet: desired.name,
        name: efs.name,
        creationToken: token,
        encrypted: efs.encrypted,
        performanceMode: efs.performanceMode,
      }),
    );
  }
  return [...steps, ...mountTargetSteps(desired, observed, fs)];
}

/** First desired subnet of each zone (a zone takes one mount target). */
function subnetPerZone(desired: DesiredFleet, observed: ObservedFleet): Map<string, string> {
  const zones = new Map<string, string>();
  for (const s of desired.network.subnets) {
    const zone = observed.subnetZones?.[s] ?? s;
    if (!zones.has(zone)) zones.set(zone, s);
  }
  return zones;
}

function zoneOf(observed: ObservedFleet, mt: ObservedFileSystem['mountTargets'][number]): string {
  return mt.availabilityZone ?? observed.subnetZones?.[mt.subnetId] ?? mt.subnetId;
}

function mountTargetSteps(desired: DesiredFleet, observed: ObservedFleet, fs: ObservedFileSystem | undefined): PlanStep[] {
  const names = resourceNames(desired.name);
  const wanted = subnetPerZone(desired, observed);
  const live = (fs?.mountTargets ?? []).filter((m) => !GONE.has(m.lifeCycleState));
  const covered = new Set(live.map((m) => zoneOf(observed, m)));
  const steps: PlanStep[] = [];
  for (const [zone, subnetId] of wanted) {
    if (covered.has(zone)) continue;
    const where = zone === subnetId ? `subnet ${subnetId}` : `zone ${zone}`;
    steps.push(
      step('createMountTarget', `mountTarget/${names.efsCreationToken}/${subnetId}`, `file system has no mount target in ${where}`, {
        creationToken: names.efsCreationToken,
        ...(fs ? { fileSystemId: fs.id } : {}),
        subnetId,
        securityGroupName: names.efsSecurityGroup,
        ...(observed.efsSecurityGroup ? { securityGroupId: observed.efsSecurityGroup.id } : {}),
      }),
    );
  }
  for (const m of live) {
    if (wanted.has(zoneOf(observed, m))) continue;
    steps.push(
      step('deleteMountTarget', `mountTarget/${names.efsCreationToken}/${m.subnetId}`, `mount target in subnet ${m.subnetId} is outside the manifest's subnets`, {
        mountTargetId: m.id,
      }),
    );
  }
  return steps;
}

function removeStorage(fleet: string, observed: ObservedFleet): PlanStep[] {
  const names = resourceNames(fleet);
  const steps: PlanStep[] = [];
  const fs = observed.fileSystem;
  const why = 'manifest has no shared storage';
  if (fs) {
    for (const m of fs.mountTargets.filter((x) => !GONE.has(x.lifeCycleState))) {
      steps.push(step('deleteMountTarget', `mountTarget/${names.efsCreationToken}/${m.subnetId}`, why, { mountTargetId: m.id }));
    }
    if (!GONE.has(fs.lifeCycleState)) {
      steps.push(step('deleteFileSystem', `fileSystem/${names.efsCreationToken}`, why, { fileSystemId: fs.id }));
    }
  }
  const sg = observed.efsSecurityGroup;
  if (sg) steps.push(step('deleteSecurityGroup', `securityGroup/${sg.name}`, why, { groupId: sg.id }));
  return steps;
}
