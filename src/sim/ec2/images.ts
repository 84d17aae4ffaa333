/**
 * EC2 images and the EBS snapshots behind them: CreateImage (pending -> available) makes one
 * snapshot of the root volume; DeregisterImage leaves it unless DeleteAssociatedSnapshots;
 * DeleteSnapshot refuses a snapshot a registered image still uses (InvalidSnapshot.InUse).
 */
import { SimCore, tagList } from '../core';
import { HandlerMap } from '../handler';
import { paginate } from '../paginate';
import { ImageRec } from '../state';
import { matchesFilters, tagFilterValues, tagsFromSpecs } from './filters';
import { findInstances } from './instances';

function createImage(sim: SimCore, input: any) {
  const [inst] = findInstances(sim, [input.InstanceId]);
  const name = String(input.Name ?? '');
  if (!/^[a-zA-Z0-9()[\] ./\-'@_]{3,128}$/.test(name)) {
    throw sim.error('EC2', 'InvalidAMIName.Malformed', `AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '.', '-', '/' and '_'`);
  }
  const dup = Object.values(sim.state.images).find((i) => i.name === name);
  if (dup) throw sim.error('EC2', 'InvalidAMIName.Duplicate', `AMI name ${name} is already in use by AMI ${dup.id}`);
  if (inst.state !== 'running' && inst.state !== 'stopped') {
    throw sim.error('EC2', 'IncorrectInstanceState', `The instance '${inst.id}' is not in a state from which it can be imaged.`);
  }
  const id = sim.id('ami');
  const snapshotId = sim.id('snap');
  (sim.state.snapshots ??= {})[snapshotId] = {
    id: snapshotId,
    state: 'completed',
    startedAt: sim.now(),
    volumeSize: 8,
    description: `Created by CreateImage(${inst.id}) for ${id}`,
    tags: tagsFromSpecs(input.TagSpecifications, 'snapshot'),
  };
  sim.state.images[id] = {
    id,
    name,
    description: input.Description,
    state: 'pending',
    createdAt: sim.now(),
    readyAt: sim.now() + sim.timings.imageCreateMs,
    tags: tagsFromSpecs(input.TagSpecifications, 'image'),
    sourceInstanceId: inst.id,
    snapshotId,
  };
  // An image inherits a broken source AMI, or a build marked as producing a broken image.
  const commit = inst.build?.commit;
  if (sim.state.brokenAmis.includes(inst.imageId) || (commit && sim.state.buildResults[commit]?.brokenImage)) sim.state.brokenAmis.push(id);
  const errorRate = (commit && sim.state.buildResults[commit]?.errorRate) || sim.state.amiErrorRates?.[inst.imageId];
  if (errorRate) (sim.state.amiErrorRates ??= {})[id] = errorRate;
  return { ImageId: id };
}

function imageOut(sim: SimCore, i: ImageRec) {
  return {
    ImageId: i.id,
    Name: i.name,
    Description: i.description,
    State: i.state,
    CreationDate: new Date(i.createdAt).toISOString(),
    OwnerId: sim.state.accountId,
    ImageLocation: `${sim.state.accountId}/${i.name}`,
    Public: false,
    Architecture: 'x86_64',
    ImageType: 'machine',
    RootDeviceType: 'ebs',
    RootDeviceName: '/dev/xvda',
    VirtualizationType: 'hvm',
    Hypervisor: 'xen',
    EnaSupport: true,
    BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: i.snapshotId, VolumeSize: 8, VolumeType: 'gp3', DeleteOnTermination: true, Encrypted: false } }],
    Tags: tagList(i.tags),
  };
}

function describeImages(sim: SimCore, input: any) {
  const ids: string[] | undefined = input.ImageIds?.length ? input.ImageIds : undefined;
  for (const id of ids ?? []) if (!sim.state.images[id]) throw sim.error('EC2', 'InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
  const owners: string[] = input.Owners ?? [];
  const ownedBySelf = !owners.length || owners.some((o) => o === 'self' || o === sim.state.accountId);
  const all = Object.values(sim.state.images).filter(
    (i) =>
      ownedBySelf &&
      (!ids || ids.includes(i.id)) &&
      matchesFilters(sim, input.Filters, (n) =>
        n === 'name' ? [i.name] : n === 'state' ? [i.state] : n === 'image-id' ? [i.id] : n === 'owner-id' ? [sim.state.accountId] : tagFilterValues(i.tags, n),
      ),
  );
  const page = paginate(sim, 'EC2', all, input.NextToken, ids ? all.length || 1 : input.MaxResults);
  return { Images: page.items.map((i) => imageOut(sim, i)), NextToken: page.next };
}

function deregisterImage(sim: SimCore, input: any) {
  const image = sim.state.images[input.ImageId];
  if (!image) throw sim.error('EC2', 'InvalidAMIID.NotFound', `The image id '[${input.ImageId}]' does not exist`);
  delete sim.state.images[input.ImageId];
  if (!input.DeleteAssociatedSnapshots) return { Return: true };
  // A snapshot another image still uses stays (AWS: "it won't be deleted even if specified").
  const shared = Object.values(sim.state.images).some((i) => i.snapshotId === image.snapshotId);
  const deleted = !shared && !!sim.state.snapshots?.[image.snapshotId];
  if (deleted) delete sim.state.snapshots![image.snapshotId];
  return {
    Return: true,
    DeleteSnapshotResults: [{ SnapshotId: image.snapshotId, ReturnCode: deleted ? 'success' : 'skipped' }],
  };
}

function deleteSnapshot(sim: SimCore, input: any) {
  const id = String(input.SnapshotId ?? '');
  if (!/^snap-[0-9a-f]{8,17}$/.test(id)) throw sim.error('EC2', 'InvalidSnapshotID.Malformed', `Invalid id: "${id}" (expecting "snap-...")`);
  const user = Object.values(sim.state.images).find((i) => i.snapshotId === id);
  if (user) throw sim.error('EC2', 'InvalidSnapshot.InUse', `The snapshot ${id} is currently in use by ${user.id}`);
  if (!sim.state.snapshots?.[id]) throw sim.error('EC2', 'InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
  delete sim.state.snapshots[id];
  return {};
}

export const IMAGE_HANDLERS: HandlerMap = {
  CreateImage: createImage,
  DescribeImages: describeImages,
  DeregisterImage: deregisterImage,
  DeleteSnapshot: deleteSnapshot,
};
