import { VirtualClock } from './clock';
import { TokenBucket } from './token-bucket';

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

describe('TokenBucket priority and rate', () => {
  it('serves a high-priority taker queued behind 100 low ones with the next token', async () => {
    const clock = new VirtualClock();
    const bucket = new TokenBucket(clock, { ratePerSecond: 10, burst: 1 });
    await bucket.take();
    const order: string[] = [];
    for (let i = 0; i < 100; i++) void bucket.take(undefined, 2).then(() => order.push(`low${i}`));
    void bucket.take(undefined, 0).then(() => order.push('high'));
    await flush();
    expect(order).toEqual([]);
    expect(bucket.waiting()).toBe(101);
    clock.advance(100);
    await flush();
    expect(order).toEqual(['high']);
    clock.advance(100);
    await flush();
    expect(order).toEqual(['high', 'low0']);
  });

  it('reschedules waiting takers when the rate changes', async () => {
    const clock = new VirtualClock();
    const bucket = new TokenBucket(clock, { ratePerSecond: 1, burst: 1 });
    await bucket.take();
    let done = false;
    void bucket.take().then(() => (done = true));
    bucket.setRate(10);
    clock.advance(100);
    await flush();
    expect(done).toBe(true);
    expect(bucket.ratePerSecond()).toBe(10);
  });

  it('drain empties the bucket: the next taker waits a full token', async () => {
    const clock = new VirtualClock();
    const bucket = new TokenBucket(clock, { ratePerSecond: 2, burst: 5 });
    bucket.drain();
    expect(bucket.tryTake()).toBe(false);
    clock.advance(500);
    expect(bucket.tryTake()).toBe(true);
  });

  it('keeps arrival order through thousands of waiters, and an aborted waiter leaves the queue', async () => {
    const clock = new VirtualClock();
    const bucket = new TokenBucket(clock, { ratePerSecond: 1000, burst: 1 });
    await bucket.take();
    const served: number[] = [];
    const ac = new AbortController();
    const aborted = bucket.take(ac.signal, 2);
    for (let i = 0; i < 3000; i++) void bucket.take(undefined, 2).then(() => served.push(i));
    ac.abort(new Error('gone'));
    await expect(aborted).rejects.toThrow('gone');
    expect(bucket.waiting()).toBe(3000);
    clock.advance(1_500);
    await flush();
    expect(served).toHaveLength(1500);
    clock.advance(1_500);
    await flush();
    expect(served).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(bucket.waiting()).toBe(0);
  });
});

