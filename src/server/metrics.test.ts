import { CallCounter } from '../aws/call-counter';
import { DaemonMetrics } from './metrics';

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
