import { DescribeAutoScalingGroupsCommand, DescribePoliciesCommand, PutScalingPolicyCommand } from '@aws-sdk/client-auto-scaling';
import {
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
  PutMetricAlarmCommand,
  ResourceNotFound,
  TagResourceCommand,
  paginateDescribeAlarms,
} from '@aws-sdk/client-cloudwatch';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { SimAccount } from '../index';
import { createWebFleet, simClients } from '../../../test/support/sim';

function setup() {
  const sim = new SimAccount({ seed: 5 });
  return { sim, c: simClients(sim) };
}

const alarm = (name: string, group: string, actions: string[], threshold = 40) =>
  new PutMetricAlarmCommand({
    AlarmName: name,
    MetricName: 'CPUUtilization',
    Namespace: 'AWS/EC2',
    Statistic: 'Average',
    Dimensions: [{ Name: 'AutoScalingGroupName', Value: group }],
    Period: 60,
    EvaluationPeriods: 2,
    Threshold: threshold,
    ComparisonOperator: 'GreaterThanThreshold',
    AlarmActions: actions,
    Tags: [{ Key: 'drover:fleet', Value: 'web' }],
  });

describe('CloudWatch alarms driving simple scaling', () => {
  it('scales out on ALARM, honours the cooldown, and publishes state changes', async () => {
    const { sim, c } = setup();
    await c.sqs.send(new CreateQueueCommand({ QueueName: 'drover-events' }));
    sim.setEventQueue('drover-events');
    const { lbName, groupName } = await createWebFleet(c, { desired: 2, max: 6 });
    const { PolicyARN } = await c.asg.send(
      new PutScalingPolicyCommand({ AutoScalingGroupName: groupName, PolicyName: 'web-scale-out', AdjustmentType: 'ChangeInCapacity', ScalingAdjustment: 2, Cooldown: 300 }),
    );
    expect(PolicyARN).toMatch(/^arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:[0-9a-f-]{36}:autoScalingGroupName\/web-v001:policyName\/web-scale-out$/);
    await c.cw.send(alarm('web-cpu-high', groupName, [PolicyARN!]));
    sim.setLoad(lbName, 400);
    const desired = async () => (await c.asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName] }))).AutoScalingGroups![0].DesiredCapacity;
    sim.advance(179_000);
    expect(await desired()).toBe(2);
    sim.advance(1_000);
    expect(await desired()).toBe(4);
    const state = (await c.cw.send(new DescribeAlarmsCommand({ AlarmNames: ['web-cpu-high'] }))).MetricAlarms![0];
    expect(state.StateValue).toBe('ALARM');
    expect(state.StateReason).toMatch(/^Threshold Crossed: 2 datapoints \[100\.0 .*\] were greater than the threshold \(40\.0\)\.$/);
    expect(state.StateUpdatedTimestamp).toBeInstanceOf(Date);
    sim.advance(299_000);
    expect(await desired()).toBe(4);
    sim.advance(1_000);
    expect(await desired()).toBe(6);
    const events = sim.peekQueue('drover-events').map((m) => JSON.parse(m.body));
    const change = events.find((e) => e['detail-type'] === 'CloudWatch Alarm State Change' && e.detail.state.value === 'ALARM');
    expect(change).toMatchObject({ version: '0', source: 'aws.cloudwatch', account: '123456789012', region: 'eu-west-1', resources: [state.AlarmArn] });
    expect(change.detail.previousState.value).toBe('OK');
    const policies = await c.asg.send(new DescribePoliciesCommand({ AutoScalingGroupName: groupName }));
    expect(policies.ScalingPolicies![0].Alarms).toEqual([{ AlarmName: 'web-cpu-high', AlarmARN: state.AlarmArn }]);
  });

  it('reports INSUFFICIENT_DATA for a group without running instances', async () => {
    const { sim, c } = setup();
    const { groupName } = await createWebFleet(c, { desired: 0 });
    await c.cw.send(alarm('web-cpu-low', groupName, []));
    sim.advance(300_000);
    const a = (await c.cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'web-' }))).MetricAlarms![0];
    expect(a.StateValue).toBe('INSUFFICIENT_DATA');
  });

  it('pages, tags and deletes alarms with real errors', async () => {
    const { c } = setup();
    for (let n = 0; n < 5; n++) await c.cw.send(alarm(`web-a${n}`, 'g', []));
    const names: string[] = [];
    let pages = 0;
    for await (const p of paginateDescribeAlarms({ client: c.cw }, { AlarmNamePrefix: 'web-' })) {
      pages++;
      names.push(...p.MetricAlarms!.map((a) => a.AlarmName!));
    }
    expect(names).toHaveLength(5);
    expect(pages).toBeGreaterThan(1);
    const arn = 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:web-a0';
    await c.cw.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'drover:managed-by', Value: 'drover' }] }));
    const tags = await c.cw.send(new ListTagsForResourceCommand({ ResourceARN: arn }));
    expect(tags.Tags).toEqual([
      { Key: 'drover:fleet', Value: 'web' },
      { Key: 'drover:managed-by', Value: 'drover' },
    ]);
    const err = await c.cw.send(new DeleteAlarmsCommand({ AlarmNames: ['nope'] })).catch((e) => e);
    expect(err).toBeInstanceOf(ResourceNotFound);
    await c.cw.send(new DeleteAlarmsCommand({ AlarmNames: ['web-a0'] }));
    expect((await c.cw.send(new DescribeAlarmsCommand({ AlarmNames: ['web-a0'] }))).MetricAlarms).toEqual([]);
  });
});
