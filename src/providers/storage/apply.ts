/** Apply handlers for shared storage: the NFS security group, the file system and mount targets. */
import { call } from '../../aws/call';
import type { FileSystemDescription } from '../../aws/types';
import { TAG_FLEET } from '../../model/names';
import type { AwsPort } from '../../aws/port';
import type {
  AuthorizeNfsParams,
  CreateFileSystemParams,
  CreateMountTargetParams,
  CreateSecurityGroupParams,
  FileSystemIdParams,
  MountTargetIdParams,
  RevokeNfsParams,
  SecurityGroupIdParams,
} from '../../model/plan-params';
import { CloudError, isAlreadyExists } from '../../aws/errors';
import { ownedTagList, tagsFromList } from '../../aws/tags';
import { createOwned, DONE, tolerateNotFound, waiting, type ApplyContext, type StepHandler, tagsIfFound } from '../apply-context';

const NFS_PORT = 2049;

async function findSecurityGroup(clients: AwsPort, name: string, ctx: ApplyContext, vpcId?: string) {
  const out = await call(ctx, `describing security group ${name}`, () =>
    clients.ec2.DescribeSecurityGroups({
      Filters: [{ Name: 'group-name', Values: [name] }, ...(vpcId ? [{ Name: 'vpc-id', Values: [vpcId] }] : [])],
    }),
  );
  const groups = out.SecurityGroups ?? [];
  return groups.find((g) => tagsFromList(g.Tags)[TAG_FLEET] === ctx.fleet) ?? groups[0];
}

async function securityGroupId(clients: AwsPort, p: { groupId?: string; groupName?: string }, ctx: ApplyContext): Promise<string> {
  if (p.groupId) return p.groupId;
  const g = await findSecurityGroup(clients, p.groupName ?? '', ctx);
  if (!g?.GroupId || tagsFromList(g.Tags)[TAG_FLEET] !== ctx.fleet) {
    throw new CloudError(`finding security group ${p.groupName} for fleet ${ctx.fleet}: it does not exist`, { errorClass: 'notFound' });
  }
  return g.GroupId;
}

export const createSecurityGroup: StepHandler<CreateSecurityGroupParams> = async (clients, p, ctx) => {
  const subnets = await call(ctx, `describing subnet ${p.subnetId}`, () =>
    clients.ec2.DescribeSubnets({ SubnetIds: [p.subnetId] }),
  );
  const vpcId = subnets.Subnets?.[0]?.VpcId;
  const what = `creating security group ${p.name}`;
  return createOwned(
    ctx,
    what,
    async () => {
      const out = await call(ctx, what, () =>
        clients.ec2.CreateSecurityGroup({
          GroupName: p.name,
          Description: p.description,
          VpcId: vpcId,
          TagSpecifications: [{ ResourceType: 'security-group', Tags: ownedTagList(ctx.fleet, p.name) }],
        }),
      );
      return { status: 'done', detail: { groupId: out.GroupId } };
    },
    async () => tagsIfFound(await findSecurityGroup(clients, p.name, ctx, vpcId)),
  );
};

const nfsFrom = (source: string) => [
  { IpProtocol: 'tcp', FromPort: NFS_PORT, ToPort: NFS_PORT, UserIdGroupPairs: [{ GroupId: source }] },
];

/** One source per call: AWS rejects a whole request when one rule already exists. */
export const authorizeNfsIngress: StepHandler<AuthorizeNfsParams> = async (clients, p, ctx) => {
  const groupId = await securityGroupId(clients, p, ctx);
  for (const source of p.sourceGroups) {
    try {
      await call(ctx, `allowing NFS from ${source} into security group ${groupId}`, () =>
        clients.ec2.AuthorizeSecurityGroupIngress({ GroupId: groupId, IpPermissions: nfsFrom(source) }),
      );
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
  return DONE;
};

export const revokeNfsIngress: StepHandler<RevokeNfsParams> = async (clients, p, ctx) => {
  for (const source of p.sourceGroups) {
    await tolerateNotFound(() =>
      call(ctx, `revoking NFS from ${source} in security group ${p.groupId}`, () =>
        clients.ec2.RevokeSecurityGroupIngress({ GroupId: p.groupId, IpPermissions: nfsFrom(source) }),
      ),
    );
  }
  return DONE;
};

export const deleteSecurityGroup: StepHandler<SecurityGroupIdParams> = (clients, p, ctx) =>
  tolerateNotFound(() =>
    call(ctx, `deleting security group ${p.groupId}`, () => clients.ec2.DeleteSecurityGroup({ GroupId: p.groupId })),
  );

async function fileSystemByToken(clients: AwsPort, token: string, ctx: ApplyContext): Promise<FileSystemDescription | undefined> {
  const out = await call(ctx, `describing file system ${token}`, () =>
    clients.efs.DescribeFileSystems({ CreationToken: token }),
  );
  return out.FileSystems?.find((f) => f.LifeCycleState !== 'deleted');
}

/** The fleet's file system id, resolved by creation token when the plan did not know it yet. */
export async function resolveFileSystemId(clients: AwsPort, token: string, ctx: ApplyContext): Promise<string> {
  const fs = await fileSystemByToken(clients, token, ctx);
  if (!fs?.FileSystemId) {
    throw new CloudError(`finding file system ${token} for fleet ${ctx.fleet}: it does not exist`, { errorClass: 'notFound' });
  }
  return fs.FileSystemId;
}

export const createFileSystem: StepHandler<CreateFileSystemParams> = (clients, p, ctx) => {
  const what = `creating file system ${p.name}`;
  return createOwned(
    ctx,
    what,
    async () => {
      const out = await call(ctx, what, () =>
        clients.efs.CreateFileSystem({
          CreationToken: p.creationToken,
          Encrypted: p.encrypted,
          PerformanceMode: p.performanceMode as 'generalPurpose' | 'maxIO',
          Tags: ownedTagList(ctx.fleet, p.name),
        }),
      );
      return { status: 'done', detail: { fileSystemId: out.FileSystemId } };
    },
    async () => tagsIfFound(await fileSystemByToken(clients, p.creationToken, ctx)),
  );
};

export const createMountTarget: StepHandler<CreateMountTargetParams> = async (clients, p, ctx) => {
  const fs = await fileSystemByToken(clients, p.creationToken, ctx);
  if (!fs?.FileSystemId) return waiting(`file system ${p.creationToken} does not exist yet`);
  if (fs.LifeCycleState !== 'available') return waiting(`file system ${fs.FileSystemId} is ${fs.LifeCycleState}`, 5_000);
  const sg = await securityGroupId(clients, { groupId: p.securityGroupId, groupName: p.securityGroupName }, ctx);
  try {
    await call(ctx, `creating mount target of ${fs.FileSystemId} in subnet ${p.subnetId}`, () =>
      clients.efs.CreateMountTarget({ FileSystemId: fs.FileSystemId, SubnetId: p.subnetId, SecurityGroups: [sg] }),
    );
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
  return DONE;
};

export const deleteMountTarget: StepHandler<MountTargetIdParams> = (clients, p, ctx) =>
  tolerateNotFound(() =>
    call(ctx, `deleting mount target ${p.mountTargetId}`, () =>
      clients.efs.DeleteMountTarget({ MountTargetId: p.mountTargetId }),
    ),
  );

export const deleteFileSystem: StepHandler<FileSystemIdParams> = (clients, p, ctx) =>
  tolerateNotFound(() =>
    call(ctx, `deleting file system ${p.fileSystemId}`, () =>
      clients.efs.DeleteFileSystem({ FileSystemId: p.fileSystemId }),
    ),
  );

/** Why the file system cannot serve mounts yet, or undefined when it and all its mount targets are available. */
export async function fileSystemNotReady(clients: AwsPort, token: string, ctx: ApplyContext): Promise<string | undefined> {
  const fs = await fileSystemByToken(clients, token, ctx);
  if (!fs?.FileSystemId) return `file system ${token} does not exist yet`;
  if (fs.LifeCycleState !== 'available') return `file system ${fs.FileSystemId} is ${fs.LifeCycleState}`;
  const out = await call(ctx, `describing mount targets of file system ${fs.FileSystemId}`, () =>
    clients.efs.DescribeMountTargets({ FileSystemId: fs.FileSystemId }),
  );
  const pending = (out.MountTargets ?? []).filter((m) => m.LifeCycleState !== 'available');
  if (!out.MountTargets?.length) return `file system ${fs.FileSystemId} has no mount targets yet`;
  if (pending.length) return `mount targets ${pending.map((m) => `${m.MountTargetId} (${m.LifeCycleState})`).join(', ')} are not available yet`;
  return undefined;
}
