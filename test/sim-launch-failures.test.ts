/**
 * The simulated account's failed launches, read the way drover reads them: each cause ends as
 * a `Failed` scaling activity with AWS's StatusMessage, which drover recognises (code, and
 * whether waiting can help). And LifecycleHookSpecificationList: hooks exist from creation.
 */
import {
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeLifecycleHooksCommand,
  DescribeScalingActivitiesCommand,
} from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateCommand, type CreateLaunchTemplateCommandInput } from '@aws-sdk/client-ec2';
import { CAPACITY_ATTEMPTS, launchFailureOf } from '../src/providers/autoscaling/launch-failures';
import { SimAccount } from '../src/sim';
import { AMI_BASE, simClients, SUBNETS, WEB_SG } from './support/sim';

async function group(sim: SimAccount, data: { ImageId?: string; InstanceType?: string; SecurityGroupIds?: string[] }, extra: object = {}) {
  const c = simClients(sim);
  const lt = await c.ec2.send(
    new CreateLaunchTemplateCommand({ LaunchTemplateName: 'lt-web', LaunchTemplateData: { ImageId: AMI_BASE, InstanceType: 't3.medium', SecurityGroupIds: [WEB_SG], ...data } as CreateLaunchTemplateCommandInput['LaunchTemplateData'] }),
  );
  await c.asg.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: 'web-v001',
      LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplate!.LaunchTemplateId, Version: '$Latest' },
      MinSize: 0,
      MaxSize: 4,
      DesiredCapacity: 2,
      VPCZoneIdentifier: SUBNETS.join(','),
      ...extra,
    }),
  );
  const activities = async () => (await c.asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'web-v001', MaxRecords: 10 }))).Activities ?? [];
  return { c, activities };
}

describe('failed launches in the simulated account, as drover reads them', () => {
  it.each([
    ['an AMI that does not exist', { ImageId: 'ami-0a1b2c3d4e5f6dead' }, 'InvalidAMIID.NotFound', "The image id '[ami-0a1b2c3d4e5f6dead]' does not exist. Launching EC2 instance failed."],
    ['an unknown instance type', { InstanceType: 't3.smal' }, 'InvalidParameterValue', "Invalid value 't3.smal' for InstanceType. Launching EC2 instance failed."],
    ['a security group that is gone', { SecurityGroupIds: ['sg-0fffffffffffffff0'] }, 'InvalidGroup.NotFound', "The security group 'sg-0fffffffffffffff0' does not exist"],
  ])('%s: a Failed activity at the first launch, terminal', async (_name, data, code, text) => {
    const sim = new SimAccount({ seed: 3 });
    const { activities } = await group(sim, data);
    sim.advance(1_000);
    const acts = await activities();
    expect(acts[0]).toMatchObject({ StatusCode: 'Failed', Description: expect.stringMatching(/^Launching a new EC2 instance\. {2}Status Reason: /) });
    expect(acts[0].StatusMessage).toContain(text);
    expect(launchFailureOf(acts)).toMatchObject({ code, terminal: true, attempts: 1 });
    expect(sim.group('web-v001')!.instances).toHaveLength(0);
  });

  it('denied launches: UnauthorizedOperation with EC2\'s text, terminal at once', async () => {
    const sim = new SimAccount({ seed: 3 });
    sim.denyLaunches(3_600_000);
    const { activities } = await group(sim, {});
    sim.advance(1_000);
    const acts = await activities();
    expect(acts[0].StatusMessage).toMatch(/^You are not authorized to perform this operation\. Encoded authorization failure message: \S+\. Launching EC2 instance failed\.$/);
    expect(launchFailureOf(acts)).toMatchObject({ code: 'UnauthorizedOperation', terminal: true });
  });

  it('a capacity shortage is retried by Auto Scaling and counts only after repeated failures (longer than a passing one)', async () => {
    const sim = new SimAccount({ seed: 3 });
    sim.setCapacityShortage('t3.medium', 3_600_000);
    const { activities } = await group(sim, {});
    sim.advance(1_000);
    expect((await activities())[0]).toMatchObject({ StatusCode: 'Failed', StatusMessage: expect.stringMatching(/^We currently do not have sufficient t3.medium capacity/) });
    expect(launchFailureOf(await activities())).toBeUndefined();
    sim.advance(120_000);
    expect(launchFailureOf(await activities())).toBeUndefined();
    sim.advance(300_000);
    expect(launchFailureOf(await activities())).toMatchObject({ code: 'InsufficientInstanceCapacity', terminal: false, attempts: CAPACITY_ATTEMPTS });
  });

  it('hooks given at creation exist before the first launch, which waits in Pending:Wait', async () => {
    const sim = new SimAccount({ seed: 3 });
    const hooks = [
      { LifecycleHookName: 'drover-launching', LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING', HeartbeatTimeout: 300, DefaultResult: 'CONTINUE' },
      { LifecycleHookName: 'drover-terminating', LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING', HeartbeatTimeout: 90, DefaultResult: 'CONTINUE' },
    ];
    const { c } = await group(sim, {}, { LifecycleHookSpecificationList: hooks });
    const described = await c.asg.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: 'web-v001' }));
    expect(described.LifecycleHooks!.map((h) => h.LifecycleHookName).sort()).toEqual(['drover-launching', 'drover-terminating']);
    sim.advance(1_000);
    const g = (await c.asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web-v001'] }))).AutoScalingGroups![0];
    expect(g.Instances!.map((i) => i.LifecycleState)).toEqual(['Pending:Wait', 'Pending:Wait']);
  });

  it('a bad hook specification creates nothing', async () => {
    const sim = new SimAccount({ seed: 3 });
    const bad = [{ LifecycleHookName: 'x', LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING', HeartbeatTimeout: 5 }];
    await expect(group(sim, {}, { LifecycleHookSpecificationList: bad })).rejects.toMatchObject({ name: 'ValidationError' });
    expect(sim.group('web-v001')).toBeUndefined();
    expect(sim.snapshot().hooks).toEqual({});
  });
});
