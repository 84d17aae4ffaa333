import {
  CompleteLifecycleActionCommand,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  DescribeLifecycleHooksCommand,
  InstanceRefreshInProgressFault,
  PutLifecycleHookCommand,
  RecordLifecycleActionHeartbeatCommand,
  StartInstanceRefreshCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateCommand, CreateLaunchTemplateVersionCommand } from '@aws-sdk/client-ec2';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { SimAccount } from '../index';
import { AMI_BASE, createWebFleet, simClients, SUBNETS } from '../../../test/support/sim';

function setup() {
  const sim = new SimAccount({ seed: 9 });
  return { sim, c: simClients(sim) };
}

async function states(c: ReturnType<typeof simClients>, name: string) {
  const g = (await c.asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups![0];
  return g.Instances!.map((i) => i.LifecycleState);
}

async function groupWithHook(c: ReturnType<typeof simClients>, hook: object) {
  await c.sqs.send(new CreateQueueCommand({ QueueName: 'hooks' }));
  const lt = await c.ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'hooked-lt', LaunchTemplateData: { ImageId: AMI_BASE, InstanceType: 't3.small' } }));
  await c.asg.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: 'hooked',
      LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplate!.LaunchTemplateId },
      MinSize: 0,
      MaxSize: 2,
      DesiredCapacity: 0,
      VPCZoneIdentifier: SUBNETS.join(','),
    }),
  );
  await c.asg.send(
    new PutLifecycleHookCommand({
      AutoScalingGroupName: 'hooked',
      LifecycleHookName: 'warm',
      LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
      NotificationTargetARN: 'arn:aws:sqs:eu-west-1:123456789012:hooks',
      RoleARN: 'arn:aws:iam::123456789012:role/hooks',
      HeartbeatTimeout: 300,
      ...hook,
    }),
  );
}

describe('lifecycle hooks', () => {
  it('holds launches in Pending:Wait until CompleteLifecycleAction, notifying the SQS target', async () => {
    const { sim, c } = setup();
    await groupWithHook(c, {});
    const test = JSON.parse(sim.peekQueue('hooks')[0].body);
    expect(test).toMatchObject({ Event: 'autoscaling:TEST_NOTIFICATION', AutoScalingGroupName: 'hooked', Service: 'AWS Auto Scaling' });
    await c.asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'hooked', DesiredCapacity: 1 }));
    const note = JSON.parse(sim.peekQueue('hooks')[1].body);
    expect(note).toMatchObject({
      Origin: 'EC2',
      Destination: 'AutoScalingGroup',
      LifecycleHookName: 'warm',
      LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
      AutoScalingGroupName: 'hooked',
      AccountId: '123456789012',
    });
    sim.advance(200_000);
    await c.asg.send(new RecordLifecycleActionHeartbeatCommand({ AutoScalingGroupName: 'hooked', LifecycleHookName: 'warm', InstanceId: note.EC2InstanceId }));
    sim.advance(200_000);
    expect(await states(c, 'hooked')).toEqual(['Pending:Wait']);
    const wrong = await c.asg.send(new CompleteLifecycleActionCommand({ AutoScalingGroupName: 'hooked', LifecycleHookName: 'warm', LifecycleActionToken: 'nope', LifecycleActionResult: 'CONTINUE' })).catch((e) => e);
    expect(wrong.name).toBe('ValidationError');
    await c.asg.send(new CompleteLifecycleActionCommand({ AutoScalingGroupName: 'hooked', LifecycleHookName: 'warm', LifecycleActionToken: note.LifecycleActionToken, LifecycleActionResult: 'CONTINUE' }));
    expect(await states(c, 'hooked')).toEqual(['InService']);
    const hooks = await c.asg.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: 'hooked' }));
    expect(hooks.LifecycleHooks![0]).toMatchObject({ HeartbeatTimeout: 300, DefaultResult: 'ABANDON', GlobalTimeout: 30000 });
  });

  it('applies DefaultResult ABANDON on heartbeat timeout and launches a replacement', async () => {
    const { sim, c } = setup();
    await groupWithHook(c, { HeartbeatTimeout: 60 });
    await c.asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'hooked', DesiredCapacity: 1 }));
    const first = sim.group('hooked')!.instances[0].id;
    sim.advance(60_000);
    const g = sim.group('hooked')!;
    expect(g.instances.find((i) => i.id === first)!.lifecycle).toMatch(/^Terminating/);
    expect(g.instances.filter((i) => i.id !== first).map((i) => i.lifecycle)).toEqual(['Pending:Wait']);
  });

  it('publishes EventBridge-shaped lifecycle events when the hook has no SQS target', async () => {
    const { sim, c } = setup();
    await c.sqs.send(new CreateQueueCommand({ QueueName: 'events' }));
    sim.setEventQueue('events');
    await groupWithHook(c, { NotificationTargetARN: undefined, RoleARN: undefined });
    await c.asg.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'hooked', DesiredCapacity: 1 }));
    const event = JSON.parse(sim.peekQueue('events')[0].body);
    expect(event).toMatchObject({ source: 'aws.autoscaling', 'detail-type': 'EC2 Instance-launch Lifecycle Action', detail: { AutoScalingGroupName: 'hooked', LifecycleHookName: 'warm' } });
  });
});

describe('instance refresh', () => {
  it('replaces every instance in batches while keeping MinHealthyPercentage InService', async () => {
    const { sim, c } = setup();
    const { lbName, groupName, launchTemplateId } = await createWebFleet(c, { desired: 4, grace: 30 });
    sim.advance(75_000);
    const old = sim.group(groupName)!.instances.map((i) => i.id);
    await c.ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: launchTemplateId, SourceVersion: '1', LaunchTemplateData: { ImageId: 'ami-0a1b2c3d4e5f60003' } }));
    const { InstanceRefreshId } = await c.asg.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: groupName, Preferences: { MinHealthyPercentage: 50, InstanceWarmup: 30 } }));
    const again = await c.asg.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: groupName })).catch((e) => e);
    expect(again).toBeInstanceOf(InstanceRefreshInProgressFault);
    let minInService = Infinity;
    const stop = sim.onTick(() => (minInService = Math.min(minInService, sim.inServiceCount(lbName))));
    sim.advance(1_000);
    const mid = await c.asg.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: groupName }));
    expect(mid.InstanceRefreshes![0]).toMatchObject({ InstanceRefreshId, Status: 'InProgress' });
    sim.advance(900_000);
    stop();
    const done = await c.asg.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: groupName, InstanceRefreshIds: [InstanceRefreshId!] }));
    expect(done.InstanceRefreshes![0]).toMatchObject({ Status: 'Successful', PercentageComplete: 100 });
    const now = sim.group(groupName)!.instances;
    expect(now).toHaveLength(4);
    expect(now.some((i) => old.includes(i.id))).toBe(false);
    expect(now.every((i) => i.version === '2' && i.lifecycle === 'InService')).toBe(true);
    expect(minInService).toBeGreaterThanOrEqual(2);
  });
});
