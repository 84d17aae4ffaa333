/**
 * `skipQuietSteps` (timings.ts, lifecycle/tick.ts): with it, a clock move that reaches no due event
 * settles nothing, and the account ends exactly where it ends without it. Also the lookups the
 * scale bench leans on: alarm tags by ARN and instances by `instance-id` filter, as a scan answers.
 */
import { SimAccount } from './index';

const SUBNETS = ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'];
const ALARM = { MetricName: 'CPUUtilization', Namespace: 'AWS/EC2', Statistic: 'Average', Period: 60, EvaluationPeriods: 1, Threshold: 50, ComparisonOperator: 'GreaterThanThreshold' };

async function world(sim: SimAccount): Promise<void> {
  const lt = await sim.dispatch('EC2', 'CreateLaunchTemplate', { LaunchTemplateName: 'lt-web', LaunchTemplateData: { ImageId: 'ami-0a1b2c3d4e5f60001', InstanceType: 't3.micro' } });
  await sim.dispatch('ElasticLoadBalancing', 'CreateLoadBalancer', { LoadBalancerName: 'web', Listeners: [{ Protocol: 'HTTP', LoadBalancerPort: 80, InstancePort: 80 }], Subnets: SUBNETS });
  await sim.dispatch('AutoScaling', 'CreateAutoScalingGroup', {
    AutoScalingGroupName: 'web-v001',
    LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId, Version: '$Latest' },
    MinSize: 0,
    MaxSize: 4,
    DesiredCapacity: 2,
    LoadBalancerNames: ['web'],
    VPCZoneIdentifier: SUBNETS.join(','),
    Tags: [{ Key: 'drover:fleet', Value: 'web', PropagateAtLaunch: true }],
  });
  await sim.dispatch('CloudWatch', 'PutMetricAlarm', { AlarmName: 'web-cpu', ...ALARM, Tags: [{ Key: 'drover:fleet', Value: 'web' }] });
}

/** Small clock steps with reads between, a write halfway: what a rate-limited pass does. */
async function drive(sim: SimAccount): Promise<void> {
  for (let i = 0; i < 1500; i++) {
    sim.advance(250 + (i % 7) * 30);
    if (i % 9 === 0) await sim.dispatch('AutoScaling', 'DescribeAutoScalingGroups', { AutoScalingGroupNames: ['web-v001'] });
    if (i === 300) await sim.dispatch('AutoScaling', 'SetDesiredCapacity', { AutoScalingGroupName: 'web-v001', DesiredCapacity: 3 });
  }
}

describe('sim skipQuietSteps', () => {
  it('ends in the same account as settling at every clock move, through launches, health checks, alarms and a scale-out', async () => {
    const plain = new SimAccount({ seed: 21 });
    const quiet = new SimAccount({ seed: 21, timings: { skipQuietSteps: true } });
    let plainTicks = 0;
    let quietTicks = 0;
    plain.onTick(() => plainTicks++);
    quiet.onTick(() => quietTicks++);
    for (const sim of [plain, quiet]) {
      await world(sim);
      await drive(sim);
    }
    expect(quiet.nowMs()).toBe(plain.nowMs());
    expect(quiet.inServiceCount('web')).toBe(3);
    expect(JSON.stringify(quiet.snapshot())).toBe(JSON.stringify(plain.snapshot()));
    expect(quietTicks).toBe(plainTicks); // every move is still reported to tick listeners
  });

  it('settles a write made between quiet moves on time (a group alone: nothing else is due for minutes)', async () => {
    const run = async (skipQuietSteps: boolean) => {
      const sim = new SimAccount({ seed: 24, timings: { skipQuietSteps } });
      const lt = await sim.dispatch('EC2', 'CreateLaunchTemplate', { LaunchTemplateName: 'lt-solo', LaunchTemplateData: { ImageId: 'ami-0a1b2c3d4e5f60001', InstanceType: 't3.micro' } });
      const group = { AutoScalingGroupName: 'solo-v001', LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId, Version: '$Latest' }, MinSize: 0, MaxSize: 4, VPCZoneIdentifier: SUBNETS[0] };
      await sim.dispatch('AutoScaling', 'CreateAutoScalingGroup', { ...group, DesiredCapacity: 0 });
      sim.advance(10 * 60_000);
      const seen: string[] = [];
      for (let i = 0; i < 200; i++) {
        sim.advance(400);
        if (i === 20) await sim.dispatch('AutoScaling', 'SetDesiredCapacity', { AutoScalingGroupName: 'solo-v001', DesiredCapacity: 1 });
        const out = await sim.dispatch('AutoScaling', 'DescribeAutoScalingGroups', { AutoScalingGroupNames: ['solo-v001'] });
        seen.push(JSON.stringify(out.AutoScalingGroups[0].Instances.map((x: any) => x.LifecycleState)));
      }
      return { sim, seen };
    };
    const [plain, quiet] = [await run(false), await run(true)];
    expect(quiet.seen[quiet.seen.length - 1]).toBe('["InService"]');
    expect(quiet.seen).toEqual(plain.seen); // Pending -> InService at the same instant
    expect(JSON.stringify(quiet.sim.snapshot())).toBe(JSON.stringify(plain.sim.snapshot()));
  });
});

describe('sim lookups the scale bench leans on', () => {
  it('lists an alarm’s tags by ARN after the alarm is re-put, and refuses a deleted one', async () => {
    const sim = new SimAccount({ seed: 22 });
    await world(sim);
    const arn = (await sim.dispatch('CloudWatch', 'DescribeAlarms', { AlarmNames: ['web-cpu'] })).MetricAlarms[0].AlarmArn;
    expect((await sim.dispatch('CloudWatch', 'ListTagsForResource', { ResourceARN: arn })).Tags).toEqual([{ Key: 'drover:fleet', Value: 'web' }]);
    await sim.dispatch('CloudWatch', 'PutMetricAlarm', { AlarmName: 'web-cpu', ...ALARM, Threshold: 70 });
    await sim.dispatch('CloudWatch', 'TagResource', { ResourceARN: arn, Tags: [{ Key: 'team', Value: 'shop' }] });
    expect((await sim.dispatch('CloudWatch', 'ListTagsForResource', { ResourceARN: arn })).Tags).toEqual(expect.arrayContaining([{ Key: 'team', Value: 'shop' }]));
    await sim.dispatch('CloudWatch', 'DeleteAlarms', { AlarmNames: ['web-cpu'] });
    await expect(sim.dispatch('CloudWatch', 'ListTagsForResource', { ResourceARN: arn })).rejects.toThrow(/does not exist/);
  });

  it('answers an instance-id filter in the state’s order, skipping unknown ids and honouring the other filters', async () => {
    const sim = new SimAccount({ seed: 23 });
    await world(sim);
    sim.advance(60_000);
    const all = ((await sim.dispatch('EC2', 'DescribeInstances', {})).Reservations as any[]).flatMap((r) => r.Instances.map((i: any) => i.InstanceId));
    expect(all).toHaveLength(2);
    const ids = async (filters: object[]) =>
      ((await sim.dispatch('EC2', 'DescribeInstances', { Filters: filters, MaxResults: 1000 })).Reservations as any[]).flatMap((r) => r.Instances.map((i: any) => i.InstanceId));
    expect(await ids([{ Name: 'instance-id', Values: [all[1], 'i-0000000000000dead', all[0], all[1]] }])).toEqual(all);
    expect(await ids([{ Name: 'instance-id', Values: all }, { Name: 'instance-state-name', Values: ['stopped'] }])).toEqual([]);
    await sim.dispatch('EC2', 'TerminateInstances', { InstanceIds: [all[0]] });
    sim.advance(2 * 3_600_000);
    expect(await ids([{ Name: 'instance-id', Values: all }])).not.toContain(all[0]);
  });
});
