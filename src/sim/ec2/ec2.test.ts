import {
  AuthorizeSecurityGroupIngressCommand,
  CreateImageCommand,
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  CreateSecurityGroupCommand,
  DeleteLaunchTemplateVersionsCommand,
  DeleteSecurityGroupCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeLaunchTemplatesCommand,
  DescribeSecurityGroupsCommand,
  EC2ServiceException,
  ModifyLaunchTemplateCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  paginateDescribeInstances,
  paginateDescribeSubnets,
} from '@aws-sdk/client-ec2';
import { SimAccount } from '../index';
import { AMI_BASE, simClients, SUBNETS, WEB_SG } from '../../../test/support/sim';

function setup() {
  const sim = new SimAccount({ seed: 7 });
  return { sim, ...simClients(sim) };
}

const run = (extra: object = {}) =>
  new RunInstancesCommand({ ImageId: AMI_BASE, InstanceType: 't3.small', MinCount: 1, MaxCount: 1, SubnetId: SUBNETS[0], ...extra });

describe('EC2 instances', () => {
  it('boots pending -> running after bootMs with realistic ids and tags', async () => {
    const { sim, ec2 } = setup();
    const out = await ec2.send(run({ TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'one' }] }] }));
    const inst = out.Instances![0];
    expect(inst.InstanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(out.ReservationId).toMatch(/^r-[0-9a-f]{17}$/);
    expect(inst.State).toEqual({ Code: 0, Name: 'pending' });
    expect(inst.LaunchTime).toBeInstanceOf(Date);
    expect(inst.Placement?.AvailabilityZone).toBe('eu-west-1a');
    sim.advance(44_000);
    const filter = (state: string) => ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: [state] }, { Name: 'tag:Name', Values: ['one'] }] }));
    expect((await filter('running')).Reservations).toHaveLength(0);
    sim.advance(1_000);
    expect((await filter('running')).Reservations?.[0].Instances?.[0].InstanceId).toBe(inst.InstanceId);
  });

  it('returns the same reservation for a repeated ClientToken', async () => {
    const { sim, ec2 } = setup();
    const a = await ec2.send(run({ ClientToken: 'tok-1' }));
    const b = await ec2.send(run({ ClientToken: 'tok-1' }));
    expect(b.ReservationId).toBe(a.ReservationId);
    expect(b.Instances![0].InstanceId).toBe(a.Instances![0].InstanceId);
    expect(sim.instances()).toHaveLength(1);
    const mismatch = await ec2.send(run({ ClientToken: 'tok-1', InstanceType: 't3.large' })).catch((e) => e);
    expect(mismatch.name).toBe('IdempotentParameterMismatch');
  });

  it('rejects unknown AMIs, subnets and implausible types with real error shapes', async () => {
    const { ec2 } = setup();
    const err = await ec2.send(run({ ImageId: 'ami-00000000000000000' })).catch((e) => e);
    expect(err).toBeInstanceOf(EC2ServiceException);
    expect(err.name).toBe('InvalidAMIID.NotFound');
    expect(err.$fault).toBe('client');
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.message).toContain('ami-00000000000000000');
    expect((await ec2.send(run({ SubnetId: 'subnet-nope' })).catch((e) => e)).name).toBe('InvalidSubnetID.NotFound');
    expect((await ec2.send(run({ InstanceType: 'huge' })).catch((e) => e)).name).toBe('InvalidParameterValue');
    const missing = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })).catch((e) => e);
    expect(missing.name).toBe('InvalidInstanceID.NotFound');
  });

  it('paginates DescribeInstances so a paginator sees several pages', async () => {
    const { ec2 } = setup();
    await ec2.send(run({ MinCount: 7, MaxCount: 7 }));
    const pages = [];
    for await (const page of paginateDescribeInstances({ client: ec2 }, {})) pages.push(page);
    expect(pages.length).toBeGreaterThan(1);
    const ids = pages.flatMap((p) => p.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId)));
    expect(new Set(ids).size).toBe(7);
    const first = await ec2.send(new DescribeInstancesCommand({}));
    expect(first.NextToken).toBeDefined();
    let subnets = 0;
    for await (const p of paginateDescribeSubnets({ client: ec2 }, {})) subnets += p.Subnets!.length;
    expect(subnets).toBe(3);
  });

  it('terminates through shutting-down, then hides the instance after an hour', async () => {
    const { sim, ec2 } = setup();
    const id = (await ec2.send(run())).Instances![0].InstanceId!;
    const t = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(t.TerminatingInstances![0].CurrentState!.Name).toBe('shutting-down');
    sim.advance(60_000);
    const d = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    expect(d.Reservations![0].Instances![0].State!.Name).toBe('terminated');
    sim.advance(3_600_000);
    expect((await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })).catch((e) => e)).name).toBe('InvalidInstanceID.NotFound');
  });
});

describe('EC2 security groups and launch templates', () => {
  it('refuses to delete a group that an instance or another group depends on', async () => {
    const { ec2 } = setup();
    const { GroupId } = await ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'efs', Description: 'efs', VpcId: 'vpc-0a1b2c3d4e5f60718', TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'drover:fleet', Value: 'm' }] }] }),
    );
    expect(GroupId).toMatch(/^sg-[0-9a-f]{17}$/);
    const perm = { IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, UserIdGroupPairs: [{ GroupId: WEB_SG }] };
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [perm] }));
    const dup = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [perm] })).catch((e) => e);
    expect(dup.name).toBe('InvalidPermission.Duplicate');
    const found = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'tag:drover:fleet', Values: ['m'] }] }));
    expect(found.SecurityGroups![0].IpPermissions![0].UserIdGroupPairs![0].GroupId).toBe(WEB_SG);
    expect((await ec2.send(new DeleteSecurityGroupCommand({ GroupId: WEB_SG })).catch((e) => e)).name).toBe('DependencyViolation');
    expect((await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'efs', Description: 'x', VpcId: 'vpc-0a1b2c3d4e5f60718' })).catch((e) => e)).name).toBe('InvalidGroup.Duplicate');
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId }));
    expect((await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId!] })).catch((e) => e)).name).toBe('InvalidGroup.NotFound');
  });

  it('versions launch templates with $Latest/$Default and protects the default version', async () => {
    const { ec2 } = setup();
    const created = await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: 'drover-m',
        LaunchTemplateData: { ImageId: AMI_BASE, InstanceType: 't3.small' },
        TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: 'drover:fleet', Value: 'm' }] }],
      }),
    );
    const id = created.LaunchTemplate!.LaunchTemplateId!;
    expect(id).toMatch(/^lt-[0-9a-f]{17}$/);
    const dup = await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'drover-m', LaunchTemplateData: {} })).catch((e) => e);
    expect(dup.name).toBe('InvalidLaunchTemplateName.AlreadyExistsException');
    const v2 = await ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: id, SourceVersion: '1', LaunchTemplateData: { ImageId: 'ami-0a1b2c3d4e5f60002' } }));
    expect(v2.LaunchTemplateVersion!.VersionNumber).toBe(2);
    expect(v2.LaunchTemplateVersion!.LaunchTemplateData!.InstanceType).toBe('t3.small');
    const latest = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id, Versions: ['$Latest', '$Default'] }));
    expect(latest.LaunchTemplateVersions!.map((v) => [v.VersionNumber, v.DefaultVersion])).toEqual([
      [2, false],
      [1, true],
    ]);
    await ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: id, DefaultVersion: '2' }));
    const del = await ec2.send(new DeleteLaunchTemplateVersionsCommand({ LaunchTemplateId: id, Versions: ['1', '2'] }));
    expect(del.SuccessfullyDeletedLaunchTemplateVersions!.map((v) => v.VersionNumber)).toEqual([1]);
    expect(del.UnsuccessfullyDeletedLaunchTemplateVersions![0].VersionNumber).toBe(2);
    const byTag = await ec2.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: 'tag:drover:fleet', Values: ['m'] }] }));
    expect(byTag.LaunchTemplates![0].DefaultVersionNumber).toBe(2);
    const missing = await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ['nope'] })).catch((e) => e);
    expect(missing.name).toBe('InvalidLaunchTemplateName.NotFoundException');
  });
});

describe('EC2 images', () => {
  it('creates an image that becomes available after imageCreateMs', async () => {
    const { sim, ec2 } = setup();
    const id = (await ec2.send(run())).Instances![0].InstanceId!;
    const early = await ec2.send(new CreateImageCommand({ InstanceId: id, Name: 'too-early' })).catch((e) => e);
    expect(early.name).toBe('IncorrectInstanceState');
    sim.advance(45_000);
    const { ImageId } = await ec2.send(
      new CreateImageCommand({ InstanceId: id, Name: 'magento-abc123', TagSpecifications: [{ ResourceType: 'image', Tags: [{ Key: 'drover:commit', Value: 'abc123' }] }] }),
    );
    expect(ImageId).toMatch(/^ami-[0-9a-f]{17}$/);
    const describe = () => ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'tag:drover:commit', Values: ['abc123'] }] }));
    expect((await describe()).Images![0].State).toBe('pending');
    sim.advance(60_000);
    expect((await describe()).Images![0].State).toBe('available');
    const launched = await ec2.send(run({ ImageId }));
    expect(launched.Instances![0].ImageId).toBe(ImageId);
  });
});
