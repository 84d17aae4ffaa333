/** Launching EC2 instances: shared by RunInstances and Auto Scaling. */
import { _InstanceType } from '@aws-sdk/client-ec2';
import { checkCapacity, checkLaunchAllowed } from '../chaos';
import { decodeBase64, SimCore } from '../core';
import { InstanceRec, Tags } from '../state';

export interface LaunchSpec {
  imageId?: string;
  instanceType?: string;
  subnetId?: string;
  sgIds?: string[];
  keyName?: string;
  userData?: string;
  tags: Tags;
  launchTemplate?: { id: string; name: string; version: string };
  group?: string;
  reservationId: string;
  shutdownBehavior?: 'stop' | 'terminate';
}

/** The instance types EC2 knows, as the SDK's model lists them. */
const INSTANCE_TYPES = new Set<string>(Object.values(_InstanceType));

/** Throws the error EC2 would give for this launch, before anything is created. */
export function validateLaunch(sim: SimCore, spec: LaunchSpec): void {
  if (!spec.imageId) throw sim.error('EC2', 'MissingParameter', 'The request must contain the parameter ImageId');
  const image = sim.state.images[spec.imageId];
  if (!image) throw sim.error('EC2', 'InvalidAMIID.NotFound', `The image id '[${spec.imageId}]' does not exist`);
  if (image.state !== 'available') throw sim.error('EC2', 'InvalidAMIID.Unavailable', `Image ${spec.imageId} is not available (state: ${image.state})`);
  if (spec.instanceType && !INSTANCE_TYPES.has(spec.instanceType)) {
    throw sim.error('EC2', 'InvalidParameterValue', `Invalid value '${spec.instanceType}' for InstanceType.`);
  }
  if (spec.subnetId && !sim.state.subnets.some((s) => s.id === spec.subnetId)) {
    throw sim.error('EC2', 'InvalidSubnetID.NotFound', `The subnet ID '${spec.subnetId}' does not exist`);
  }
  for (const sg of spec.sgIds ?? []) {
    if (!sim.state.securityGroups[sg]) throw sim.error('EC2', 'InvalidGroup.NotFound', `The security group '${sg}' does not exist in VPC '${sim.state.vpcId}'`);
  }
  checkLaunchAllowed(sim);
  checkCapacity(sim, spec.instanceType, sim.state.subnets.find((s) => s.id === spec.subnetId)?.az ?? sim.state.subnets[0].az);
}

export const BUILD_COMMIT_RE = /^\s*(?:export\s+)?DROVER_COMMIT=["']?([0-9a-zA-Z._-]+)["']?\s*$/m;

/** Create the instance record (state pending). Call validateLaunch first. */
export function launchInstance(sim: SimCore, spec: LaunchSpec): InstanceRec {
  const subnet = sim.state.subnets.find((s) => s.id === spec.subnetId) ?? sim.state.subnets[0];
  const id = sim.id('i');
  const n = sim.nextSeq();
  const subnetIndex = sim.state.subnets.indexOf(subnet);
  const tags: Tags = { ...spec.tags };
  if (spec.launchTemplate) {
    tags['aws:ec2launchtemplate:id'] = spec.launchTemplate.id;
    tags['aws:ec2launchtemplate:version'] = spec.launchTemplate.version;
  }
  if (spec.group) tags['aws:autoscaling:groupName'] = spec.group;
  const inst: InstanceRec = {
    id,
    reservationId: spec.reservationId,
    imageId: spec.imageId!,
    instanceType: spec.instanceType ?? 'm1.small',
    subnetId: subnet.id,
    az: subnet.az,
    sgIds: spec.sgIds?.length ? [...spec.sgIds] : ['sg-0a1b2c3d4e5f60000'],
    keyName: spec.keyName,
    tags,
    userData: spec.userData,
    state: 'pending',
    stateUntil: sim.now() + sim.timings.bootMs,
    launchedAt: sim.now(),
    privateIp: `10.0.${subnetIndex * 16 + ((n >> 8) % 16)}.${(n % 250) + 4}`,
    launchTemplate: spec.launchTemplate,
    transitionReason: '',
    console: '',
    group: spec.group,
    shutdownBehavior: spec.shutdownBehavior ?? 'stop',
  };
  const commit = spec.group ? undefined : BUILD_COMMIT_RE.exec(decodeBase64(spec.userData))?.[1];
  if (commit) {
    const result = sim.state.buildResults[commit];
    inst.stateUntil = sim.now() + sim.timings.builderBootMs;
    inst.build = { commit, doneAt: inst.stateUntil + (result?.durationMs ?? sim.timings.defaultBuildMs), finished: false };
  }
  sim.state.instances[id] = inst;
  sim.indexes.invalidate();
  return inst;
}
