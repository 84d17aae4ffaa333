import { VirtualClock } from '../util/clock';
import { AwsRateBudgets } from './rate-budgets';
import { AWS_RATE_TABLE, rateClass, resolveRateTable } from './rate-table';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('AwsRateBudgets', () => {
  it('starts every bucket at the documented rate', () => {
    const budgets = new AwsRateBudgets(new VirtualClock());
    expect(budgets.rate('EC2', 'read')).toBe(20);
    expect(budgets.available('EC2', 'read')).toBe(100);
    expect(budgets.rate('ElasticLoadBalancing', 'read')).toBe(10);
    expect(budgets.rate('CloudWatch', 'DescribeAlarms')).toBe(9);
    expect(budgets.rates()).toContainEqual({ service: 'EC2', class: 'mutate', ratePerSecond: 5, defaultRatePerSecond: 5 });
  });

  it('halves on a throttle once per cooldown, never below the floor, and creeps back on successes', () => {
    const clock = new VirtualClock();
    const budgets = new AwsRateBudgets(clock);
    budgets.throttled('EC2', 'read');
    budgets.throttled('EC2', 'read'); // same burst of throttles: one decrease
    expect(budgets.rate('EC2', 'read')).toBe(10);
    for (let i = 0; i < 10; i++) {
      clock.advance(1_000);
      budgets.throttled('EC2', 'read');
    }
    expect(budgets.rate('EC2', 'read')).toBe(2); // floor: 10 % of 20/s
    expect(budgets.throttles()).toEqual([{ service: 'EC2', count: 12 }]);
    // Other classes and services keep their rate.
    expect(budgets.rate('EC2', 'mutate')).toBe(5);
    expect(budgets.rate('AutoScaling', 'all')).toBe(20);
    for (let i = 0; i < 50; i++) budgets.succeeded('EC2', 'read');
    expect(budgets.rate('EC2', 'read')).toBeCloseTo(12); // +0.2/s per success
    for (let i = 0; i < 100; i++) budgets.succeeded('EC2', 'read');
    expect(budgets.rate('EC2', 'read')).toBe(20); // capped at the documented rate
  });

  it('paces takers at the lowered rate after a throttle', async () => {
    const clock = new VirtualClock();
    const budgets = new AwsRateBudgets(clock, { limits: { EFS: { read: { ratePerSecond: 4, burst: 4 } } } });
    budgets.throttled('EFS', 'read');
    let served = 0;
    for (let i = 0; i < 4; i++) void budgets.take('EFS', 'read').then(() => served++);
    await flush();
    expect(served).toBe(0);
    clock.advance(1_000);
    await flush();
    expect(served).toBe(2); // 2/s after halving, where 4/s would have served all four
  });

  it('takes overrides per service and class, and refuses a bad one by name', () => {
    const budgets = new AwsRateBudgets(new VirtualClock(), { limits: { EC2: { read: { ratePerSecond: 40 } }, Custom: { read: { ratePerSecond: 2, burst: 2 } } } });
    expect(budgets.rate('EC2', 'read')).toBe(40);
    expect(budgets.available('EC2', 'read')).toBe(100);
    expect(budgets.rate('Custom', 'read')).toBe(2);
    expect(() => resolveRateTable({ EC2: { mutate: { burst: 0 } } })).toThrow('rate limits: EC2.mutate: rate must be > 0 and burst >= 1');
    expect(AWS_RATE_TABLE.EC2.mutate.ratePerSecond).toBe(5); // the table itself is untouched
  });
});

describe('rateClass', () => {
  it('classes calls as AWS meters them', () => {
    expect(rateClass('EC2', 'DescribeInstances', {})).toBe('read-unfiltered');
    expect(rateClass('EC2', 'DescribeInstances', { InstanceIds: [] })).toBe('read-unfiltered');
    expect(rateClass('EC2', 'DescribeInstances', { Filters: [{ Name: 'tag:a', Values: ['b'] }] })).toBe('read');
    expect(rateClass('EC2', 'DescribeImages', { MaxResults: 100 })).toBe('read');
    expect(rateClass('EC2', 'CreateTags', {})).toBe('mutate');
    expect(rateClass('AutoScaling', 'UpdateAutoScalingGroup')).toBe('all');
    expect(rateClass('ElasticLoadBalancing', 'DescribeInstanceHealth')).toBe('read');
    expect(rateClass('ElasticLoadBalancing', 'RegisterInstancesWithLoadBalancer')).toBe('register');
    expect(rateClass('ElasticLoadBalancingV2', 'CreateListener')).toBe('mutate');
    expect(rateClass('CloudWatch', 'DescribeAlarms')).toBe('DescribeAlarms');
    expect(rateClass('CloudWatch', 'ListMetrics')).toBe('read');
    expect(rateClass('CloudWatch', 'SetAlarmState')).toBe('mutate');
    expect(rateClass('SQS', 'GetQueueAttributes')).toBe('control');
    for (const op of ['ReceiveMessage', 'DeleteMessage', 'DeleteMessageBatch', 'ChangeMessageVisibility', 'SendMessage']) expect(rateClass('SQS', op)).toBeUndefined();
  });
});
