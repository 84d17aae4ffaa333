import { CallCounter } from '../aws/call-counter';
import { createAwsPort, wireAwsClients } from '../aws/clients';
import { DaemonMetrics } from './metrics';
import { AwsRateBudgets } from '../aws/rate-budgets';
import { VirtualClock } from '../util/clock';

/** The value of one drover_aws_calls_total series in the exposition text (0 when absent). */
function seriesValue(text: string, service: string, operation: string, outcome: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`drover_aws_calls_total{service="${service}",operation="${operation}",outcome="${outcome}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

function recordMany(calls: CallCounter, n: number, operation: string, outcome = 'ok'): void {
  for (let i = 0; i < n; i++) calls.record({ service: 'EC2', operation, readOnly: true, outcome });
}

describe('drover_aws_calls_total', () => {
  it('counts every call past the 10,000-record window, scraped or not in between', async () => {
    const calls = new CallCounter();
    const metrics = new DaemonMetrics({ calls });
    recordMany(calls, 7_000, 'DescribeInstances');
    const early = await metrics.text();
    expect(seriesValue(early, 'EC2', 'DescribeInstances', 'ok')).toBe(7_000);
    recordMany(calls, 9_000, 'DescribeInstances');
    recordMany(calls, 12_345, 'DescribeImages');
    recordMany(calls, 3, 'DescribeImages', 'throttled');
    const text = await metrics.text();
    expect(seriesValue(text, 'EC2', 'DescribeInstances', 'ok')).toBe(16_000);
    expect(seriesValue(text, 'EC2', 'DescribeImages', 'ok')).toBe(12_345);
    expect(seriesValue(text, 'EC2', 'DescribeImages', 'throttled')).toBe(3);
  });

  it('counts every call sent through the port, past the recent-records window, with a middleware wired in between', async () => {
    const answer = { applyToStack: (stack: any) => stack.add(() => async () => ({ output: { $metadata: {} }, response: {} }), { step: 'initialize', priority: 'low', name: 'answer' }) };
    const port = createAwsPort({ region: 'eu-west-1', plugin: answer });
    const metrics = new DaemonMetrics({ calls: port.calls });
    for (let i = 0; i < 700; i++) await port.ec2.DescribeImages({});
    wireAwsClients(port, 'budget', (stack) => stack.add((next: (a: unknown) => Promise<unknown>) => next, { step: 'initialize', name: 'budget', override: true }));
    for (let i = 0; i < 700; i++) await port.ec2.DescribeImages({});
    await Promise.all(Array.from({ length: 30 }, () => port.sqs.DeleteMessageBatch({ QueueUrl: 'q', Entries: [] })));
    const text = await metrics.text();
    expect(port.calls.list().length).toBeLessThan(1_400);
    expect(seriesValue(text, 'EC2', 'DescribeImages', 'ok')).toBe(1_400);
    expect(seriesValue(text, 'SQS', 'DeleteMessageBatch', 'ok')).toBe(30);
  });

  it('never goes down when the call counter is reset (a bench or test zeroing its totals)', async () => {
    const calls = new CallCounter();
    const metrics = new DaemonMetrics({ calls });
    recordMany(calls, 10_500, 'DescribeInstances');
    calls.reset();
    recordMany(calls, 2, 'DescribeInstances');
    expect(calls.totals().read).toBe(2);
    expect(seriesValue(await metrics.text(), 'EC2', 'DescribeInstances', 'ok')).toBe(10_502);
  });

  it('leaves the totals of whoever else reads the counter alone when scraped', async () => {
    const calls = new CallCounter();
    const metrics = new DaemonMetrics({ calls });
    recordMany(calls, 5, 'DescribeInstances');
    await metrics.text();
    expect(calls.snapshot()).toMatchObject({ read: 5, byOperation: { 'EC2:DescribeInstances': 5 } });
  });
});

describe('AWS rate budget metrics', () => {
  it('shows each bucket\'s adaptive rate and counts throttles per service', async () => {
    const clock = new VirtualClock();
    const budgets = new AwsRateBudgets(clock);
    const metrics = new DaemonMetrics({ rates: () => budgets });
    budgets.throttled('EC2', 'read');
    budgets.throttled('EC2', 'read');
    budgets.throttled('AutoScaling', 'all');
    const line = (text: string, prefix: string) => Number(text.split('\n').find((l) => l.startsWith(prefix))?.split(' ').pop());
    let text = await metrics.text();
    expect(line(text, 'drover_aws_rate_limit_per_second{service="EC2",class="read"}')).toBe(10);
    expect(line(text, 'drover_aws_rate_limit_per_second{service="EC2",class="mutate"}')).toBe(5);
    expect(line(text, 'drover_aws_rate_limit_per_second{service="AutoScaling",class="all"}')).toBe(10);
    expect(line(text, 'drover_aws_throttles_total{service="EC2"}')).toBe(2);
    expect(line(text, 'drover_aws_throttles_total{service="AutoScaling"}')).toBe(1);
    clock.advance(5_000);
    budgets.throttled('EC2', 'read');
    for (let i = 0; i < 25; i++) budgets.succeeded('AutoScaling', 'all');
    text = await metrics.text();
    expect(line(text, 'drover_aws_rate_limit_per_second{service="EC2",class="read"}')).toBe(5);
    expect(line(text, 'drover_aws_rate_limit_per_second{service="AutoScaling",class="all"}')).toBeCloseTo(15);
    expect(line(text, 'drover_aws_throttles_total{service="EC2"}')).toBe(3);
  });
});
