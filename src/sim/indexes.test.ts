/**
 * Describes served from the lookup indexes (indexes.ts) answer exactly as a scan of the whole
 * state would: same records, same order, after creations, re-tagging, deletions and instances
 * the lifecycle launched on its own.
 */
import { SimAccount } from './index';
import { buildTagIndex, pickInOrder, keyRank, tagCandidates } from './indexes';

const SUBNETS = ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'];

async function fleet(sim: SimAccount, name: string, desired = 1) {
  const lt = await sim.dispatch('EC2', 'CreateLaunchTemplate', { LaunchTemplateName: `lt-${name}`, LaunchTemplateData: { ImageId: 'ami-0a1b2c3d4e5f60001', InstanceType: 't3.micro' } });
  await sim.dispatch('AutoScaling', 'CreateAutoScalingGroup', {
    AutoScalingGroupName: `${name}-v001`,
    LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId, Version: '$Latest' },
    MinSize: 0,
    MaxSize: 4,
    DesiredCapacity: desired,
    VPCZoneIdentifier: SUBNETS.join(','),
    Tags: [{ Key: 'drover:fleet', Value: name, PropagateAtLaunch: true }],
  });
}

const groupNames = async (sim: SimAccount, input: object) =>
  ((await sim.dispatch('AutoScaling', 'DescribeAutoScalingGroups', { MaxRecords: 100, ...input })).AutoScalingGroups as any[]).map((g) => g.AutoScalingGroupName);
const instanceIds = async (sim: SimAccount, filters: object[]) =>
  ((await sim.dispatch('EC2', 'DescribeInstances', { Filters: filters, MaxResults: 1000 })).Reservations as any[]).flatMap((r) => r.Instances.map((i: any) => i.InstanceId));

describe('sim lookup indexes', () => {
  it('answers by name and by tag as a scan would, in state order, through creation, re-tagging and deletion', async () => {
    const sim = new SimAccount({ seed: 9 });
    for (const n of ['c', 'a', 'b']) await fleet(sim, n);
    expect(await groupNames(sim, { AutoScalingGroupNames: ['b-v001', 'c-v001', 'b-v001', 'zz'] })).toEqual(['c-v001', 'b-v001']);
    expect(await groupNames(sim, { Filters: [{ Name: 'tag:drover:fleet', Values: ['b', 'c'] }] })).toEqual(['c-v001', 'b-v001']);
    await sim.dispatch('AutoScaling', 'CreateOrUpdateTags', { Tags: [{ ResourceId: 'a-v001', ResourceType: 'auto-scaling-group', Key: 'drover:fleet', Value: 'b', PropagateAtLaunch: true }] });
    expect(await groupNames(sim, { Filters: [{ Name: 'tag:drover:fleet', Values: ['b'] }] })).toEqual(['a-v001', 'b-v001']);
    await sim.dispatch('AutoScaling', 'DeleteAutoScalingGroup', { AutoScalingGroupName: 'b-v001', ForceDelete: true });
    sim.advance(5 * 60_000);
    expect(await groupNames(sim, { Filters: [{ Name: 'tag:drover:fleet', Values: ['b'] }] })).toEqual(['a-v001']);
    // Auto Scaling's tag filters take values literally (no wildcards), with or without the index.
    expect(await groupNames(sim, { Filters: [{ Name: 'tag:drover:fleet', Values: ['b*'] }] })).toEqual([]);
  });

  it('finds instances the lifecycle launched with no call in between, and drops the ones that left', async () => {
    const sim = new SimAccount({ seed: 10 });
    await fleet(sim, 'web', 1);
    const tag = { Name: 'tag:drover:fleet', Values: ['web'] };
    const first = await instanceIds(sim, [tag]);
    expect(first).toHaveLength(1);
    // Launches are refused for a while: the group retries on its own, inside a clock step.
    sim.denyLaunches(30_000);
    await sim.dispatch('AutoScaling', 'SetDesiredCapacity', { AutoScalingGroupName: 'web-v001', DesiredCapacity: 2 });
    expect(await instanceIds(sim, [tag])).toEqual(first); // the index is built now, before the retry
    sim.advance(2 * 60_000);
    const both = await instanceIds(sim, [tag, { Name: 'instance-state-name', Values: ['pending', 'running'] }]);
    expect(both).toHaveLength(2);
    expect(both[0]).toBe(first[0]);
    await sim.dispatch('EC2', 'TerminateInstances', { InstanceIds: first });
    sim.advance(2 * 60_000);
    const running = await instanceIds(sim, [tag, { Name: 'instance-state-name', Values: ['pending', 'running'] }]);
    expect(running).toHaveLength(2);
    expect(running).not.toContain(first[0]);
    expect(await instanceIds(sim, [tag])).toEqual(expect.arrayContaining([first[0], ...running]));
    sim.advance(2 * 3_600_000); // terminated instances leave DescribeInstances
    expect(await instanceIds(sim, [tag])).toEqual(running);
    await expect(instanceIds(sim, [tag, { Name: 'no-such-filter', Values: ['x'] }])).rejects.toThrow(/filter 'no-such-filter' is invalid/);
  });

  it('finds launch templates by name and alarms by policy, including ones made after the index was built', async () => {
    const sim = new SimAccount({ seed: 11 });
    await fleet(sim, 'one');
    expect((await sim.dispatch('EC2', 'DescribeLaunchTemplates', { LaunchTemplateNames: ['lt-one'] })).LaunchTemplates).toHaveLength(1);
    await fleet(sim, 'two');
    const both = await sim.dispatch('EC2', 'DescribeLaunchTemplates', { LaunchTemplateNames: ['lt-two', 'lt-one'] });
    expect(both.LaunchTemplates.map((t: any) => t.LaunchTemplateName)).toEqual(['lt-one', 'lt-two']);
    await expect(sim.dispatch('EC2', 'CreateLaunchTemplate', { LaunchTemplateName: 'lt-two', LaunchTemplateData: {} })).rejects.toThrow(/already in use/);
    const { PolicyARN } = await sim.dispatch('AutoScaling', 'PutScalingPolicy', { AutoScalingGroupName: 'one-v001', PolicyName: 'out', AdjustmentType: 'ChangeInCapacity', ScalingAdjustment: 1 });
    const policies = async () => (await sim.dispatch('AutoScaling', 'DescribePolicies', { AutoScalingGroupName: 'one-v001' })).ScalingPolicies[0].Alarms;
    expect(await policies()).toEqual([]);
    const alarm = { MetricName: 'CPUUtilization', Namespace: 'AWS/EC2', Statistic: 'Average', Period: 60, EvaluationPeriods: 1, Threshold: 50, ComparisonOperator: 'GreaterThanThreshold' };
    await sim.dispatch('CloudWatch', 'PutMetricAlarm', { ...alarm, AlarmName: 'hot', AlarmActions: [PolicyARN, PolicyARN] });
    expect(await policies()).toEqual([{ AlarmName: 'hot', AlarmARN: expect.stringContaining(':alarm:hot') }]);
    await sim.dispatch('CloudWatch', 'DeleteAlarms', { AlarmNames: ['hot'] });
    expect(await policies()).toEqual([]);
  });

  it('keeps buckets and picks in insertion order, and leaves wildcards to a scan', () => {
    const recs = { k2: { id: 'k2', t: 'x' }, k1: { id: 'k1', t: 'y' }, k3: { id: 'k3', t: 'x' } };
    const index = buildTagIndex(Object.values(recs), (r) => [['t', r.t]]);
    expect(tagCandidates(index, 't', ['y', 'x'])!.map((r) => r.id)).toEqual(['k2', 'k1', 'k3']);
    expect(tagCandidates(index, 't', ['x*'])).toBeUndefined();
    expect(pickInOrder(recs, ['k3', 'k2', 'nope', 'k3'], () => keyRank(recs)).map((r) => r.id)).toEqual(['k2', 'k3']);
  });
});
