import { observeFleet } from '../src/providers/observe';
import { desiredFleet, FIXTURE } from './support/planner/fixtures';
import { createCloudEnv } from './cloud-env';

describe('observeFleet over the simulated account', () => {
  it('sees an empty world in a handful of reads', async () => {
    const env = createCloudEnv();
    const d = desiredFleet();
    const o = await observeFleet(env.clients, d, { ...env.deps, cache: env.deps.ownershipCache });
    expect(o).toMatchObject({ groups: [], alarms: [], policies: [], conflicts: [] });
    expect(o.loadBalancer).toBeUndefined();
    expect(o.subnetZones).toEqual({ [FIXTURE.subnets[0]]: 'eu-west-1a', [FIXTURE.subnets[1]]: 'eu-west-1b', [FIXTURE.subnets[2]]: 'eu-west-1c' });
    expect(o.readCalls).toBe(env.clients.calls.totals().read);
    expect(o.readCalls).toBeLessThanOrEqual(8);
  });

  it('reports untagged resources with drover names as conflicts, not as owned', async () => {
    const env = createCloudEnv();
    const d = desiredFleet();
    await env.clients.ec2.CreateLaunchTemplate({ LaunchTemplateName: 'drover-magento-marketplace', LaunchTemplateData: { ImageId: FIXTURE.amis[0] } });
    await env.clients.cloudWatch.PutMetricAlarm({
      AlarmName: 'magento-marketplace-cpu-high',
      MetricName: 'CPUUtilization',
      Namespace: 'AWS/EC2',
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 50,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    const o = await observeFleet(env.clients, d, { ...env.deps, cache: env.deps.ownershipCache });
    expect(o.launchTemplate).toBeUndefined();
    expect(o.alarms).toEqual([]);
    expect(o.conflicts).toEqual(
      expect.arrayContaining([
        { resourceType: 'launchTemplate', name: 'drover-magento-marketplace' },
        { resourceType: 'alarm', name: 'magento-marketplace-cpu-high' },
      ]),
    );
  });

  it('reads alarm and load balancer tags once, then serves them from the ownership cache', async () => {
    const env = createCloudEnv();
    const d = desiredFleet();
    await env.converge(d);
    const ctx = { ...env.deps, cache: env.deps.ownershipCache };
    await observeFleet(env.clients, d, ctx);
    env.clients.calls.reset();
    const o = await observeFleet(env.clients, d, ctx);
    const ops = env.clients.calls.snapshot().byOperation;
    expect(ops['CloudWatch:ListTagsForResource']).toBeUndefined();
    expect(ops['ElasticLoadBalancing:DescribeTags']).toBeUndefined();
    expect(ops['EC2:DescribeSubnets']).toBeUndefined();
    expect(o.alarms.map((a) => a.name).sort()).toEqual(['magento-marketplace-cpu-high', 'magento-marketplace-cpu-low']);
    expect(o.loadBalancer?.tags['drover:fleet']).toBe('magento-marketplace');
  });

  it('does not grow reads with instance count', async () => {
    const small = createCloudEnv();
    const big = createCloudEnv();
    const d2 = desiredFleet();
    const d8 = desiredFleet({ capacity: { min: 8, max: 10, desired: 8 } });
    await small.converge(d2);
    await big.converge(d8);
    const s = await small.reconcile(d2);
    const b = await big.reconcile(d8);
    expect(b.readiness.inService).toBe(8);
    expect(b.calls.read).toBe(s.calls.read);
  });
});
