import { DescribeAutoScalingGroupsCommand, DescribeScalingActivitiesCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, DescribeLaunchTemplatesCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { AccessPointNotFoundException, DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { SimAccount } from './index';
import { AMI_BASE, createWebFleet, simClients } from '../../test/support/sim';

const run = (c: ReturnType<typeof simClients>, type = 't3.small') =>
  c.ec2.send(new RunInstancesCommand({ ImageId: AMI_BASE, InstanceType: type as 't3.small', MinCount: 1, MaxCount: 1 }));

describe('eventual consistency', () => {
  it('hides a new instance from DescribeInstances for the window, by id with NotFound', async () => {
    const sim = new SimAccount();
    const c = simClients(sim);
    sim.setEventualConsistency({ describeNotFoundMs: 5_000 });
    const id = (await run(c)).Instances![0].InstanceId!;
    const byId = await c.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })).catch((e) => e);
    expect(byId).toMatchObject({ name: 'InvalidInstanceID.NotFound' });
    expect((await c.ec2.send(new DescribeInstancesCommand({}))).Reservations).toEqual([]);
    expect(sim.chaosStats().hidden).toBe(2);
    sim.advance(5_000);
    const later = await c.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    expect(later.Reservations![0].Instances![0].InstanceId).toBe(id);
  });

  it('leaves new groups, templates and load balancers out of lists until the window passes', async () => {
    const sim = new SimAccount();
    const c = simClients(sim);
    sim.setEventualConsistency({ describeNotFoundMs: 3_000 });
    const made = await createWebFleet(c, { desired: 0 });
    expect((await c.asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [made.groupName] }))).AutoScalingGroups).toEqual([]);
    expect((await c.ec2.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates).toEqual([]);
    expect(await c.elb.send(new DescribeLoadBalancersCommand({ LoadBalancerNames: [made.lbName] })).catch((e) => e)).toBeInstanceOf(AccessPointNotFoundException);
    sim.advance(3_000);
    expect((await c.asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [made.groupName] }))).AutoScalingGroups).toHaveLength(1);
    expect((await c.ec2.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates).toHaveLength(1);
    expect((await c.elb.send(new DescribeLoadBalancersCommand({ LoadBalancerNames: [made.lbName] }))).LoadBalancerDescriptions).toHaveLength(1);
  });

  it('is off after clearFaults and survives a save and load', async () => {
    const sim = new SimAccount();
    sim.setEventualConsistency({ describeNotFoundMs: 60_000 });
    const id = (await run(simClients(sim))).Instances![0].InstanceId!;
    const loaded = SimAccount.fromJSON(JSON.parse(JSON.stringify(sim.toJSON())));
    expect(await simClients(loaded).ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })).catch((e) => e.name)).toBe('InvalidInstanceID.NotFound');
    sim.clearFaults();
    expect((await simClients(sim).ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations).toHaveLength(1);
  });
});

describe('capacity shortage', () => {
  it('fails RunInstances of the short type with InsufficientInstanceCapacity until it ends', async () => {
    const sim = new SimAccount();
    const c = simClients(sim);
    sim.setCapacityShortage('t3.small', 60_000);
    expect(await run(c).catch((e) => e)).toMatchObject({ name: 'InsufficientInstanceCapacity', $fault: 'server' });
    expect((await run(c, 'c5.large')).Instances).toHaveLength(1);
    expect(sim.chaosStats().launchesRefused).toBe(1);
    sim.advance(60_000);
    expect((await run(c)).Instances).toHaveLength(1);
  });

  it('fails Auto Scaling launches too, which retry after it ends', async () => {
    const sim = new SimAccount();
    const c = simClients(sim);
    sim.setCapacityShortage('*', 30_000);
    const made = await createWebFleet(c, { desired: 2 });
    expect(sim.group(made.groupName)!.instances).toHaveLength(0);
    const acts = await c.asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: made.groupName }));
    expect(acts.Activities![0]).toMatchObject({ StatusCode: 'Failed' });
    expect(acts.Activities![0].StatusMessage).toMatch(/sufficient t3.medium capacity/);
    sim.advance(120_000);
    expect(sim.group(made.groupName)!.instances).toHaveLength(2);
  });
});

describe('SQS at-least-once delivery', () => {
  async function queueWith(sim: SimAccount, bodies: string[]) {
    const { sqs } = simClients(sim);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'q', Attributes: { VisibilityTimeout: '30' } }));
    for (const [i, b] of bodies.entries()) {
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: b }));
      sim.advance(1_000 + i);
    }
    return { sqs, QueueUrl: QueueUrl! };
  }

  it('delivers a duplicated message again under a new receipt handle', async () => {
    const sim = new SimAccount();
    const { sqs, QueueUrl } = await queueWith(sim, ['once']);
    sim.setQueueChaos({ duplicateRate: 1 });
    const a = (await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages![0];
    const b = (await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages![0];
    expect(b.MessageId).toBe(a.MessageId);
    expect(b.ReceiptHandle).not.toBe(a.ReceiptHandle);
    sim.clearFaults();
    expect(sim.chaosStats().duplicated).toBe(2);
    await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
  });

  it('receives out of order when reordering is on, in order otherwise', async () => {
    const bodies = Array.from({ length: 10 }, (_, i) => `m${i}`);
    const order = async (reorder: boolean) => {
      const sim = new SimAccount({ seed: 5 });
      const { sqs, QueueUrl } = await queueWith(sim, bodies);
      sim.setQueueChaos({ reorder });
      return (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages!.map((m) => m.Body);
    };
    expect(await order(false)).toEqual(bodies);
    const shuffled = await order(true);
    expect(shuffled).not.toEqual(bodies);
    expect([...shuffled].sort()).toEqual([...bodies].sort());
  });
});
