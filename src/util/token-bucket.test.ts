import { VirtualClock } from './clock';
import { AwsRateBudget, TokenBucket } from './token-bucket';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('TokenBucket', () => {
  it('allows a burst, then one token per 1/rate on the clock, in arrival order', async () => {
    const clock = new VirtualClock();
    const bucket = new TokenBucket(clock, { ratePerSecond: 5, burst: 5 });
    const done: number[] = [];
    for (let i = 0; i < 8; i++) void bucket.take().then(() => done.push(i));
    await flush();
    expect(done).toEqual([0, 1, 2, 3, 4]);
    clock.advance(199);
    await flush();
    expect(done).toHaveLength(5);
    clock.advance(1);
    await flush();
    expect(done).toEqual([0, 1, 2, 3, 4, 5]);
    clock.advance(400);
    await flush();
    expect(done).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('refills up to the burst only', () => {
    const clock = new VirtualClock();
    const bucket = new TokenBucket(clock, { ratePerSecond: 2, burst: 3 });
    for (let i = 0; i < 3; i++) expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    clock.advance(60_000);
    expect(bucket.available()).toBe(3);
  });

  it('gives the token back when a wait is aborted', async () => {
    const clock = new VirtualClock();
    const bucket = new TokenBucket(clock, { ratePerSecond: 1, burst: 1 });
    await bucket.take();
    const ac = new AbortController();
    const waiting = bucket.take(ac.signal);
    ac.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    clock.advance(1_000);
    expect(bucket.tryTake()).toBe(true);
  });

  it('refuses a nonsensical limit', () => {
    expect(() => new TokenBucket(new VirtualClock(), { ratePerSecond: 0, burst: 1 })).toThrow('rate must be > 0');
  });
});

describe('AwsRateBudget', () => {
  it('holds reads to 20/s and mutations to 5/s independently', async () => {
    const clock = new VirtualClock();
    const budget = new AwsRateBudget(clock);
    let reads = 0;
    let mutations = 0;
    for (let i = 0; i < 40; i++) void budget.take('read').then(() => reads++);
    for (let i = 0; i < 10; i++) void budget.take('mutate').then(() => mutations++);
    await flush();
    expect([reads, mutations]).toEqual([20, 5]);
    clock.advance(1_000);
    await flush();
    expect([reads, mutations]).toEqual([40, 10]);
  });
});
