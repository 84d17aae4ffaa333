import { seededRandom } from '../../util/backoff';
import { VirtualClock } from '../../util/clock';
import { WorkQueue } from './work-queue';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function setup() {
  const clock = new VirtualClock();
  const queue = new WorkQueue<string>({ clock, random: seededRandom(7) });
  return { clock, queue };
}

describe('WorkQueue', () => {
  it('dedupes keys already waiting and hands keys out in order', async () => {
    const { queue } = setup();
    queue.add('a');
    queue.add('b');
    queue.add('a');
    expect(queue.len()).toBe(2);
    expect(await queue.get()).toBe('a');
    expect(await queue.get()).toBe('b');
    expect(queue.len()).toBe(0);
  });

  it('never hands out the same key twice at once; a key re-added while processing comes back after done', async () => {
    const { queue } = setup();
    queue.add('a');
    expect(await queue.get()).toBe('a');
    queue.add('a');
    queue.add('a');
    expect(queue.len()).toBe(0);
    let second: string | undefined;
    void queue.get().then((k) => (second = k));
    await flush();
    expect(second).toBeUndefined();
    queue.done('a');
    await flush();
    expect(second).toBe('a');
    queue.done('a');
    expect(queue.len()).toBe(0);
  });

  it('wakes a waiting getter when a key is added', async () => {
    const { queue } = setup();
    const got = queue.get();
    queue.add('x');
    expect(await got).toBe('x');
  });

  it('adds a key after the requested time on the clock, keeping the earliest timer', async () => {
    const { clock, queue } = setup();
    queue.addAfter('a', 10_000);
    queue.addAfter('a', 30_000);
    queue.addAfter('b', 5_000);
    expect(queue.metrics().delayed).toBe(2);
    clock.advance(4_999);
    await flush();
    expect(queue.len()).toBe(0);
    clock.advance(1);
    await flush();
    expect(queue.len()).toBe(1);
    clock.advance(5_000);
    await flush();
    expect(queue.len()).toBe(2);
    clock.advance(60_000);
    await flush();
    expect(queue.len()).toBe(2);
    expect(await queue.get()).toBe('b');
    expect(await queue.get()).toBe('a');
  });

  it('a later addAfter replaced by an earlier one fires early', async () => {
    const { clock, queue } = setup();
    queue.addAfter('a', 60_000);
    queue.addAfter('a', 1_000);
    clock.advance(1_000);
    await flush();
    expect(queue.len()).toBe(1);
  });

  it('backs off per key from about 1 s, doubling to a 5 min cap, and resets on forget', () => {
    const { queue } = setup();
    const delays = Array.from({ length: 12 }, () => queue.addRateLimited('a'));
    expect(delays[0]).toBeGreaterThanOrEqual(800);
    expect(delays[0]).toBeLessThanOrEqual(1_000);
    for (let i = 1; i < 8; i++) expect(delays[i]).toBeGreaterThan(delays[i - 1] * 1.5);
    for (const d of delays) expect(d).toBeLessThanOrEqual(300_000);
    expect(delays[11]).toBeGreaterThanOrEqual(240_000);
    expect(queue.numRequeues('a')).toBe(12);
    expect(queue.addRateLimited('b')).toBeLessThanOrEqual(1_000);
    queue.forget('a');
    expect(queue.numRequeues('a')).toBe(0);
    expect(queue.addRateLimited('a')).toBeLessThanOrEqual(1_000);
  });

  it('requeues a rate-limited key once its backoff elapses', async () => {
    const { clock, queue } = setup();
    queue.add('a');
    expect(await queue.get()).toBe('a');
    const delay = queue.addRateLimited('a');
    queue.done('a');
    clock.advance(delay - 1);
    await flush();
    expect(queue.len()).toBe(0);
    clock.advance(1);
    await flush();
    expect(await queue.get()).toBe('a');
  });

  it('reports the oldest wait', async () => {
    const { clock, queue } = setup();
    queue.add('a');
    clock.advance(2_000);
    queue.add('b');
    clock.advance(1_000);
    expect(queue.oldestWaitMs()).toBe(3_000);
    await queue.get();
    expect(queue.metrics()).toEqual({ depth: 1, processing: 1, delayed: 0, oldestWaitMs: 1_000 });
  });

  it('shuts down: pending and later gets resolve undefined, timers are cancelled, adds are refused', async () => {
    const { clock, queue } = setup();
    const pending = queue.get();
    queue.addAfter('a', 1_000);
    queue.shutDown();
    expect(await pending).toBeUndefined();
    expect(clock.nextTimerAt()).toBeUndefined();
    queue.add('b');
    expect(queue.len()).toBe(0);
    expect(await queue.get()).toBeUndefined();
  });

  it('lets in-flight work finish after shutdown', async () => {
    const { queue } = setup();
    queue.add('a');
    await queue.get();
    queue.shutDown();
    let idle = false;
    void queue.whenIdle().then(() => (idle = true));
    await flush();
    expect(idle).toBe(false);
    queue.done('a');
    await flush();
    expect(idle).toBe(true);
  });
});
