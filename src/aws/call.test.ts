import { createMemoryLogger } from '../log/logger';
import { awsCall, backoffDelay, call, callOrMissing, DEFAULT_RETRY } from './call';
import { paginate } from './paginate';
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

describe('call (the one wrapper with fleet context)', () => {
  it('names the fleet, given by name or as a fleet, and runs onAttempt before every attempt', async () => {
    const { logger, ctx } = harness();
    let attempts = 0;
    let n = 0;
    const out = await call({ ...ctx, fleet: { name: 'shop' }, onAttempt: () => attempts++ }, 'describing groups', async () => {
      if (++n < 3) throw awsError('Throttling');
      return 'ok';
    });
    expect(out).toBe('ok');
    expect(attempts).toBe(3);
    expect(logger.events('aws.retry')[0]).toMatchObject({ context: 'describing groups for fleet shop' });
    await expect(call({ ...ctx, fleet: 'web' }, 'deleting group g', async () => Promise.reject(awsError('ValidationError')))).rejects.toThrow(
      /^deleting group g for fleet web/,
    );
  });

  it('callOrMissing turns notFound into undefined and rethrows the rest', async () => {
    const { ctx } = harness();
    const fleetCtx = { ...ctx, fleet: 'web' };
    expect(await callOrMissing(fleetCtx, 'describing image ami-1', async () => Promise.reject(awsError('InvalidAMIID.NotFound')))).toBeUndefined();
    await expect(callOrMissing(fleetCtx, 'describing image ami-1', async () => Promise.reject(awsError('UnauthorizedOperation')))).rejects.toBeInstanceOf(
      CloudError,
    );
  });
});

describe('paginate', () => {
  it('follows NextToken to the end, through empty pages', async () => {
    const pages: Record<string, { Items?: number[]; NextToken?: string }> = {
      start: { Items: [1, 2], NextToken: 'a' },
      a: { NextToken: 'b' },
      b: { Items: [3] },
    };
    const asked: Array<string | undefined> = [];
    const all = await paginate(
      async (token) => {
        asked.push(token);
        return pages[token ?? 'start'];
      },
      (p) => p.Items,
    );
    expect(all).toEqual([1, 2, 3]);
    expect(asked).toEqual([undefined, 'a', 'b']);
  });
});
