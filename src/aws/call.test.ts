import { createMemoryLogger } from '../log/logger';
import { awsCall, backoffDelay, DEFAULT_RETRY } from './call';
import { CloudError } from './errors';

const awsError = (name: string) => Object.assign(new Error(`${name} happened`), { name });

function harness() {
  const logger = createMemoryLogger();
  const slept: number[] = [];
  const ctx = { logger, sleep: async (ms: number) => void slept.push(ms), random: () => 0.5 };
  return { logger, slept, ctx };
}

describe('awsCall', () => {
  it('retries throttling with growing, capped delays and logs aws.retry', async () => {
    const { logger, slept, ctx } = harness();
    let n = 0;
    const out = await awsCall(ctx, 'describing things for fleet f', async () => {
      if (++n < 4) throw awsError('Throttling');
      return 'ok';
    });
    expect(out).toBe('ok');
    expect(slept).toEqual([150, 300, 600]);
    expect(logger.events('aws.retry')).toHaveLength(3);
    expect(logger.events('aws.retry')[0]).toMatchObject({ level: 'warn', attempt: 1, code: 'Throttling', context: 'describing things for fleet f' });
  });

  it('gives up after maxAttempts with a retryable CloudError', async () => {
    const { slept, ctx } = harness();
    let n = 0;
    const p = awsCall(ctx, 'creating x for fleet f', async () => {
      n++;
      throw awsError('InternalError');
    });
    await expect(p).rejects.toMatchObject({ message: 'creating x for fleet f: InternalError happened', retryable: true, errorClass: 'server' });
    expect(n).toBe(DEFAULT_RETRY.maxAttempts);
    expect(slept).toHaveLength(DEFAULT_RETRY.maxAttempts - 1);
  });

  it('does not retry terminal errors', async () => {
    const { slept, ctx } = harness();
    let n = 0;
    const p = awsCall(ctx, 'launching fleet f', async () => {
      n++;
      throw awsError('InvalidAMIID.NotFound');
    });
    await expect(p).rejects.toBeInstanceOf(CloudError);
    await expect(p).rejects.toMatchObject({ code: 'InvalidAMIID.NotFound', retryable: false });
    expect(n).toBe(1);
    expect(slept).toEqual([]);
  });

  it('caps the backoff and keeps jitter within [ceiling/2, ceiling]', () => {
    expect(backoffDelay(20, DEFAULT_RETRY, () => 0)).toBe(10_000);
    expect(backoffDelay(20, DEFAULT_RETRY, () => 0.999999)).toBe(20_000);
    expect(backoffDelay(1, DEFAULT_RETRY, () => 0)).toBe(100);
  });
});
