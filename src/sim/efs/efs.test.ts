import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, DeleteSecurityGroupCommand, GetConsoleOutputCommand } from '@aws-sdk/client-ec2';
import {
  CreateFileSystemCommand,
  CreateMountTargetCommand,
  DeleteFileSystemCommand,
  DeleteMountTargetCommand,
  DescribeFileSystemsCommand,
  DescribeMountTargetsCommand,
  FileSystemAlreadyExists,
  FileSystemInUse,
  FileSystemNotFound,
  MountTargetConflict,
} from '@aws-sdk/client-efs';
import { SimAccount } from '../index';
import { createWebFleet, simClients, SUBNETS, WEB_SG } from '../../../test/support/sim';

function setup() {
  const sim = new SimAccount({ seed: 3 });
  return { sim, c: simClients(sim) };
}

describe('EFS', () => {
  it('creates idempotently by token and walks creating -> available', async () => {
    const { sim, c } = setup();
    const fs = await c.efs.send(new CreateFileSystemCommand({ CreationToken: 'drover-m', Encrypted: true, PerformanceMode: 'generalPurpose', Tags: [{ Key: 'Name', Value: 'm' }] }));
    expect(fs.FileSystemId).toMatch(/^fs-[0-9a-f]{17}$/);
    expect(fs.LifeCycleState).toBe('creating');
    const again = await c.efs.send(new CreateFileSystemCommand({ CreationToken: 'drover-m' })).catch((e) => e);
    expect(again).toBeInstanceOf(FileSystemAlreadyExists);
    expect(again.FileSystemId).toBe(fs.FileSystemId);
    const early = await c.efs.send(new CreateMountTargetCommand({ FileSystemId: fs.FileSystemId, SubnetId: SUBNETS[0] })).catch((e) => e);
    expect(early.name).toBe('IncorrectFileSystemLifeCycleState');
    sim.advance(20_000);
    const d = await c.efs.send(new DescribeFileSystemsCommand({ CreationToken: 'drover-m' }));
    expect(d.FileSystems![0]).toMatchObject({ LifeCycleState: 'available', Name: 'm', Encrypted: true, NumberOfMountTargets: 0 });
    const mt = await c.efs.send(new CreateMountTargetCommand({ FileSystemId: fs.FileSystemId, SubnetId: SUBNETS[0] }));
    expect(mt.MountTargetId).toMatch(/^fsmt-[0-9a-f]{17}$/);
    const conflict = await c.efs.send(new CreateMountTargetCommand({ FileSystemId: fs.FileSystemId, SubnetId: SUBNETS[0] })).catch((e) => e);
    expect(conflict).toBeInstanceOf(MountTargetConflict);
    expect(await c.efs.send(new DeleteFileSystemCommand({ FileSystemId: fs.FileSystemId })).catch((e) => e)).toBeInstanceOf(FileSystemInUse);
    await c.efs.send(new DeleteMountTargetCommand({ MountTargetId: mt.MountTargetId }));
    expect((await c.efs.send(new DescribeMountTargetsCommand({ FileSystemId: fs.FileSystemId }))).MountTargets![0].LifeCycleState).toBe('deleting');
    sim.advance(30_000);
    expect((await c.efs.send(new DescribeMountTargetsCommand({ FileSystemId: fs.FileSystemId }))).MountTargets).toEqual([]);
    await c.efs.send(new DeleteFileSystemCommand({ FileSystemId: fs.FileSystemId }));
    const gone = await c.efs.send(new DescribeFileSystemsCommand({ FileSystemId: fs.FileSystemId })).catch((e) => e);
    expect(gone).toBeInstanceOf(FileSystemNotFound);
    expect(gone.$fault).toBe('client');
  });

  it('gates ELB health on an available mount target in the subnet that allows NFS from the instance', async () => {
    const { sim, c } = setup();
    const fs = await c.efs.send(new CreateFileSystemCommand({ CreationToken: 'drover-m' }));
    const userData = `#!/bin/bash\nmount -t efs ${fs.FileSystemId}:/ /var/www/media\n`;
    const { lbName } = await createWebFleet(c, { desired: 3, userData, grace: 3600 });
    sim.advance(120_000);
    expect(sim.inServiceCount(lbName)).toBe(0);
    const { GroupId } = await c.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'drover-m-efs', Description: 'efs', VpcId: 'vpc-0a1b2c3d4e5f60718' }));
    for (const SubnetId of SUBNETS) await c.efs.send(new CreateMountTargetCommand({ FileSystemId: fs.FileSystemId, SubnetId, SecurityGroups: [GroupId!] }));
    sim.advance(120_000);
    expect(sim.inServiceCount(lbName)).toBe(0);
    const consoleOut = await c.ec2.send(new GetConsoleOutputCommand({ InstanceId: sim.instances()[0].id }));
    expect(Buffer.from(consoleOut.Output!, 'base64').toString()).toContain('mount.nfs4: Connection timed out');
    await c.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, UserIdGroupPairs: [{ GroupId: WEB_SG }] }] }));
    sim.advance(30_000);
    expect(sim.inServiceCount(lbName)).toBe(3);
    const inUse = await c.ec2.send(new DeleteSecurityGroupCommand({ GroupId })).catch((e) => e);
    expect(inUse.name).toBe('DependencyViolation');
  });
});
