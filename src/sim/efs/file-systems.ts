/** EFS file systems and mount targets, with creating -> available lifecycles. */
import { SimCore, tagList, tagRecord } from '../core';
import { HandlerMap } from '../handler';
import { paginate } from '../paginate';
import { FileSystemRec, MountTargetRec } from '../state';

function findFs(sim: SimCore, id: string | undefined): FileSystemRec {
  const fs = id ? sim.state.fileSystems[id] : undefined;
  if (!fs) throw sim.error('EFS', 'FileSystemNotFound', `File system '${id}' does not exist.`);
  return fs;
}

function mountTargetsOf(sim: SimCore, fsId: string): MountTargetRec[] {
  return Object.values(sim.state.mountTargets).filter((m) => m.fileSystemId === fsId);
}

function fsOut(sim: SimCore, fs: FileSystemRec) {
  return {
    OwnerId: sim.state.accountId,
    CreationToken: fs.creationToken,
    FileSystemId: fs.id,
    FileSystemArn: fs.arn,
    CreationTime: sim.date(fs.createdAt),
    LifeCycleState: fs.state,
    Name: fs.tags.Name,
    NumberOfMountTargets: mountTargetsOf(sim, fs.id).length,
    SizeInBytes: { Value: 6144, Timestamp: sim.date(), ValueInIA: 0, ValueInStandard: 6144 },
    PerformanceMode: fs.performanceMode,
    Encrypted: fs.encrypted,
    KmsKeyId: fs.kmsKeyId,
    ThroughputMode: fs.throughputMode,
    Tags: tagList(fs.tags),
    FileSystemProtection: { ReplicationOverwriteProtection: 'ENABLED' },
  };
}

function createFileSystem(sim: SimCore, input: any) {
  const token = String(input.CreationToken ?? '');
  if (!token || token.length > 64) throw sim.error('EFS', 'BadRequest', 'CreationToken must be between 1 and 64 characters');
  const prior = Object.values(sim.state.fileSystems).find((f) => f.creationToken === token);
  if (prior) {
    throw sim.error('EFS', 'FileSystemAlreadyExists', `File system '${prior.id}' already exists with creation token '${token}'`, { FileSystemId: prior.id });
  }
  const id = sim.id('fs');
  const fs: FileSystemRec = {
    id,
    arn: sim.arn('elasticfilesystem', `file-system/${id}`),
    creationToken: token,
    createdAt: sim.now(),
    state: 'creating',
    readyAt: sim.now() + sim.timings.efsCreateMs,
    encrypted: !!input.Encrypted,
    kmsKeyId: input.Encrypted ? (input.KmsKeyId ?? sim.arn('kms', `key/${sim.uuid()}`)) : undefined,
    performanceMode: input.PerformanceMode ?? 'generalPurpose',
    throughputMode: input.ThroughputMode ?? 'bursting',
    tags: tagRecord(input.Tags),
  };
  sim.state.fileSystems[id] = fs;
  return fsOut(sim, fs);
}

function describeFileSystems(sim: SimCore, input: any) {
  let all: FileSystemRec[];
  if (input.FileSystemId) all = [findFs(sim, input.FileSystemId)];
  else all = Object.values(sim.state.fileSystems).filter((f) => !input.CreationToken || f.creationToken === input.CreationToken);
  const page = paginate(sim, 'EFS', all, input.Marker, input.MaxItems, { tokenError: 'BadRequest' });
  return { Marker: input.Marker, FileSystems: page.items.map((f) => fsOut(sim, f)), NextMarker: page.next };
}

function deleteFileSystem(sim: SimCore, input: any) {
  const fs = findFs(sim, input.FileSystemId);
  if (mountTargetsOf(sim, fs.id).length) throw sim.error('EFS', 'FileSystemInUse', `File system '${fs.id}' has mount targets and cannot be deleted.`);
  delete sim.state.fileSystems[fs.id];
  return {};
}

function mtOut(sim: SimCore, m: MountTargetRec) {
  const subnet = sim.state.subnets.find((s) => s.id === m.subnetId);
  return {
    OwnerId: sim.state.accountId,
    MountTargetId: m.id,
    FileSystemId: m.fileSystemId,
    SubnetId: m.subnetId,
    LifeCycleState: m.state,
    IpAddress: m.ip,
    NetworkInterfaceId: m.eni,
    AvailabilityZoneId: subnet?.azId,
    AvailabilityZoneName: m.az,
    VpcId: sim.state.vpcId,
  };
}

function createMountTarget(sim: SimCore, input: any) {
  const fs = findFs(sim, input.FileSystemId);
  if (fs.state !== 'available') throw sim.error('EFS', 'IncorrectFileSystemLifeCycleState', `File system '${fs.id}' is in '${fs.state}' state.`);
  const subnet = sim.state.subnets.find((s) => s.id === input.SubnetId);
  if (!subnet) throw sim.error('EFS', 'SubnetNotFound', `The subnet ID '${input.SubnetId}' does not exist`);
  if (mountTargetsOf(sim, fs.id).some((m) => m.az === subnet.az)) {
    throw sim.error('EFS', 'MountTargetConflict', 'mount target already exists in this AZ');
  }
  const groups: string[] = input.SecurityGroups?.length ? input.SecurityGroups : ['sg-0a1b2c3d4e5f60000'];
  if (groups.length > 5) throw sim.error('EFS', 'SecurityGroupLimitExceeded', 'Too many security groups: at most 5 are allowed.');
  for (const g of groups) if (!sim.state.securityGroups[g]) throw sim.error('EFS', 'SecurityGroupNotFound', `Security group '${g}' does not exist.`);
  const n = sim.nextSeq();
  const m: MountTargetRec = {
    id: sim.id('fsmt'),
    fileSystemId: fs.id,
    subnetId: subnet.id,
    az: subnet.az,
    ip: input.IpAddress ?? `${subnet.cidr.split('.').slice(0, 2).join('.')}.${Number(subnet.cidr.split('.')[2]) + 15}.${(n % 200) + 20}`,
    eni: sim.id('eni'),
    securityGroups: groups,
    state: 'creating',
    until: sim.now() + sim.timings.mountTargetCreateMs,
  };
  sim.state.mountTargets[m.id] = m;
  return mtOut(sim, m);
}

function describeMountTargets(sim: SimCore, input: any) {
  let all: MountTargetRec[];
  if (input.MountTargetId) {
    const m = sim.state.mountTargets[input.MountTargetId];
    if (!m) throw sim.error('EFS', 'MountTargetNotFound', `Mount target '${input.MountTargetId}' does not exist.`);
    all = [m];
  } else if (input.FileSystemId) {
    all = mountTargetsOf(sim, findFs(sim, input.FileSystemId).id);
  } else {
    throw sim.error('EFS', 'BadRequest', 'Either FileSystemId, MountTargetId or AccessPointId must be specified.');
  }
  const page = paginate(sim, 'EFS', all, input.Marker, input.MaxItems, { tokenError: 'BadRequest' });
  return { Marker: input.Marker, MountTargets: page.items.map((m) => mtOut(sim, m)), NextMarker: page.next };
}

function deleteMountTarget(sim: SimCore, input: any) {
  const m = sim.state.mountTargets[input.MountTargetId];
  if (!m) throw sim.error('EFS', 'MountTargetNotFound', `Mount target '${input.MountTargetId}' does not exist.`);
  if (m.state !== 'deleting') {
    m.state = 'deleting';
    m.until = sim.now() + sim.timings.mountTargetDeleteMs;
  }
  return {};
}

export function tickEfs(sim: SimCore): void {
  for (const fs of Object.values(sim.state.fileSystems)) {
    if (fs.state === 'creating' && fs.readyAt !== undefined && sim.now() >= fs.readyAt) {
      fs.state = 'available';
      fs.readyAt = undefined;
    }
  }
  for (const m of Object.values(sim.state.mountTargets)) {
    if (m.until === undefined || sim.now() < m.until) continue;
    if (m.state === 'creating') m.state = 'available';
    else if (m.state === 'deleting') delete sim.state.mountTargets[m.id];
    m.until = undefined;
  }
}

export function efsDue(sim: SimCore, add: (t: number) => void): void {
  for (const fs of Object.values(sim.state.fileSystems)) if (fs.readyAt !== undefined) add(fs.readyAt);
  for (const m of Object.values(sim.state.mountTargets)) if (m.until !== undefined) add(m.until);
}

export const EFS_HANDLERS: HandlerMap = {
  CreateFileSystem: createFileSystem,
  DescribeFileSystems: describeFileSystems,
  DeleteFileSystem: deleteFileSystem,
  CreateMountTarget: createMountTarget,
  DescribeMountTargets: describeMountTargets,
  DeleteMountTarget: deleteMountTarget,
};
