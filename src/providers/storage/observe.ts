/** Observe the fleet's EFS file system, its mount targets, drover's NFS security group and subnet zones. */
import { call } from '../../aws/call';
import type { FileSystemDescription, SecurityGroup } from '../../aws/types';
import { isOwnedBy, resourceNames } from '../../model/names';
import type { NameConflict, ObservedFileSystem, ObservedSecurityGroup } from '../../model/observed';
import type { AwsPort } from '../../aws/port';
import { isNotFound } from '../../aws/errors';
import { tagsFromList } from '../../aws/tags';
import type { Reader } from '../observe-context';
import { parseStorageLifecycle } from './states';

export const NFS_PORT = 2049;

export interface FileSystemObservation {
  fileSystem?: ObservedFileSystem;
  conflict?: NameConflict;
}

export async function observeFileSystem(clients: AwsPort, fleet: string, r: Reader): Promise<FileSystemObservation> {
  const token = resourceNames(fleet).efsCreationToken;
  const out = await call(r, `describing file system ${token}`, async () => {
    try {
      return await clients.efs.DescribeFileSystems({ CreationToken: token });
    } catch (err) {
      if (isNotFound(err)) return { FileSystems: [] };
      throw err;
    }
  });
  const fs = (out.FileSystems ?? []).find((f) => f.CreationToken === token && f.LifeCycleState !== 'deleted');
  if (!fs) return {};
  const tags = tagsFromList(fs.Tags);
  if (!isOwnedBy(tags, fleet)) return { conflict: { resourceType: 'fileSystem', name: token } };
  return { fileSystem: { ...toObservedFileSystem(fs, token), tags, mountTargets: await mountTargets(clients, fs, r) } };
}

function toObservedFileSystem(fs: FileSystemDescription, token: string): Omit<ObservedFileSystem, 'tags' | 'mountTargets'> {
  return {
    id: fs.FileSystemId ?? '',
    arn: fs.FileSystemArn ?? '',
    name: fs.Name ?? '',
    creationToken: token,
    lifeCycleState: parseStorageLifecycle(fs.LifeCycleState),
    encrypted: fs.Encrypted ?? false,
    performanceMode: fs.PerformanceMode ?? '',
  };
}

async function mountTargets(clients: AwsPort, fs: FileSystemDescription, r: Reader): Promise<ObservedFileSystem['mountTargets']> {
  const all: ObservedFileSystem['mountTargets'] = [];
  let Marker: string | undefined;
  do {
    const out = await call(r, `describing mount targets of file system ${fs.FileSystemId}`, async () => {
      try {
        return await clients.efs.DescribeMountTargets({ FileSystemId: fs.FileSystemId, Marker });
      } catch (err) {
        if (isNotFound(err)) return { MountTargets: [], NextMarker: undefined };
        throw err;
      }
    });
    for (const m of out.MountTargets ?? []) {
      all.push({
        id: m.MountTargetId ?? '',
        subnetId: m.SubnetId ?? '',
        lifeCycleState: parseStorageLifecycle(m.LifeCycleState),
        ...(m.IpAddress ? { ipAddress: m.IpAddress } : {}),
        ...(m.AvailabilityZoneName ? { availabilityZone: m.AvailabilityZoneName } : {}),
      });
    }
    Marker = out.NextMarker;
  } while (Marker);
  return all;
}

export interface SecurityGroupObservation {
  securityGroup?: ObservedSecurityGroup;
  conflict?: NameConflict;
}

/** The NFS security group `drover-<fleet>-efs`, by name; owned only when tagged. */
export async function observeEfsSecurityGroup(clients: AwsPort, fleet: string, r: Reader): Promise<SecurityGroupObservation> {
  const name = resourceNames(fleet).efsSecurityGroup;
  const out = await call(r, `describing security group ${name}`, () =>
    clients.ec2.DescribeSecurityGroups({ Filters: [{ Name: 'group-name', Values: [name] }] }),
  );
  const groups = out.SecurityGroups ?? [];
  const owned = groups.find((g) => isOwnedBy(tagsFromList(g.Tags), fleet));
  if (owned) return { securityGroup: toObservedSecurityGroup(owned) };
  return groups.length ? { conflict: { resourceType: 'securityGroup', name } } : {};
}

function toObservedSecurityGroup(g: SecurityGroup): ObservedSecurityGroup {
  const nfs = (g.IpPermissions ?? []).filter(
    (p) => p.IpProtocol === 'tcp' && (p.FromPort ?? 0) <= NFS_PORT && (p.ToPort ?? 0) >= NFS_PORT,
  );
  return {
    id: g.GroupId ?? '',
    name: g.GroupName ?? '',
    ...(g.VpcId ? { vpcId: g.VpcId } : {}),
    tags: tagsFromList(g.Tags),
    nfsIngressFrom: [...new Set(nfs.flatMap((p) => (p.UserIdGroupPairs ?? []).map((u) => u.GroupId ?? '')).filter(Boolean))],
  };
}

/** Zone of each subnet; subnets never move, so they are read once into the cache. */
export async function observeSubnetZones(clients: AwsPort, subnets: string[], r: Reader): Promise<Record<string, string>> {
  const cache = r.ctx.cache.subnetZones;
  const missing = subnets.filter((s) => !cache.has(s));
  if (missing.length) {
    const out = await call(r, `describing subnets ${missing.join(', ')}`, () =>
      clients.ec2.DescribeSubnets({ SubnetIds: missing }),
    );
    for (const s of out.Subnets ?? []) if (s.SubnetId && s.AvailabilityZone) cache.set(s.SubnetId, s.AvailabilityZone);
  }
  const zones: Record<string, string> = {};
  for (const s of subnets) {
    const z = cache.get(s);
    if (z) zones[s] = z;
  }
  return zones;
}
