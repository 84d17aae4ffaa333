import { VirtualClock } from '../../util/clock';
import { MemoryDeliveryWindow } from './delivery-window';

describe('MemoryDeliveryWindow', () => {
  it('remembers a key until its time is up, and forgets the oldest beyond its count', async () => {
    const clock = new VirtualClock();
    const w = new MemoryDeliveryWindow({ clock, ttlMs: 10_000, maxKeys: 3 });
    expect(await w.claim('a')).toEqual({ fresh: true });
    await w.confirm('a', 'm-1');
    expect(await w.claim('a')).toEqual({ fresh: false, messageId: 'm-1' });
    clock.advance(10_000);
    expect(await w.claim('a')).toEqual({ fresh: true });
    for (const k of ['b', 'c', 'd']) await w.claim(k);
    expect(w.size).toBe(3);
    expect(await w.claim('a')).toEqual({ fresh: true });
    expect(await w.claim('d')).toEqual({ fresh: false });
  });

  it('a released key (the send failed) is fresh again; a claimed one is not, even before it is confirmed', async () => {
    const w = new MemoryDeliveryWindow({ clock: new VirtualClock() });
    await w.claim('k');
    expect(await w.claim('k')).toEqual({ fresh: false });
    await w.release('k');
    expect(await w.claim('k')).toEqual({ fresh: true });
  });
});
