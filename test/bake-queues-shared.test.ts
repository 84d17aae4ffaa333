/**
 * Bake queues and nudges in a shared DynamoDB table (issue 13), with dynalite in the test
 * process. Two replicas' queues over one table: any replica records a request (a fact, not
 * fenced), only the holder of the fleet's shard moves it in flight or finishes it, and
 * neither overwrites what the other recorded. Nudges carry "look at this fleet" from the
 * replica that received a fact to the one that owns the fleet.
 */
import { SharedBakeQueues } from '../src/controllers/intake/bake-queues';
import { DynamoStateStore } from '../src/state/dynamo/dynamo-store';
import { LeaseLost, StateKeyError } from '../src/state/errors';
import type { Fence } from '../src/state/port';
import { VirtualClock } from '../src/util/clock';
import { useDynalite } from './support/dynalite';

const T = Date.UTC(2026, 11, 4, 9);
const sha = (c: string) => c.repeat(40);

const db = useDynalite();

async function twoReplicas(calls?: string[]) {
  const clock = new VirtualClock(T);
  const ctx = await db.table(clock, { calls });
  const store = new DynamoStateStore(ctx);
  // `owner` holds every shard at epoch 3; `other` holds none.
  const owner = new SharedBakeQueues(store, { nowMs: () => clock.nowMs(), fence: (): Fence => ({ epoch: 3 }) });
  const other = new SharedBakeQueues(new DynamoStateStore(ctx), {
    nowMs: () => clock.nowMs(),
    fence: (fleet) => {
      throw new LeaseLost(fleet, 7);
    },
  });
  return { ctx, store, owner, other };
}

describe('SharedBakeQueues on one table', () => {
  it('a request recorded by a non-owner is in the fleet record for the owner, who starts and finishes it', async () => {
    const { store, owner, other } = await twoReplicas();
    expect(await other.request('shop', { commit: sha('a'), at: 't1', messageId: 'm1' })).toMatchObject({ outcome: 'queued' });
    expect(await owner.queueOf('shop')).toMatchObject({ pending: { commit: sha('a'), messageId: 'm1' } });
    // The same message delivered to the owner too is one request.
    expect(await owner.request('shop', { commit: sha('a'), at: 't1', messageId: 'm1' })).toMatchObject({ outcome: 'duplicate' });

    const pending = (await owner.queueOf('shop'))!.pending!;
    expect(await owner.start('shop', pending)).toMatchObject({ commit: sha('a') });
    // A newer commit recorded elsewhere while it bakes waits behind it.
    expect(await other.request('shop', { commit: sha('b'), at: 't2', messageId: 'm2' })).toMatchObject({ outcome: 'queued' });
    expect(await owner.queueOf('shop')).toMatchObject({ inFlight: { commit: sha('a') }, pending: { commit: sha('b') } });
    expect(await owner.finish('shop', sha('a'))).toBe(true);
    expect(await owner.finish('shop', sha('a'))).toBe(false);
    expect(await owner.queueOf('shop')).toMatchObject({ pending: { commit: sha('b') } });
    expect((await owner.queueOf('shop'))!.inFlight).toBeUndefined();
    // Requests are written unfenced: the record's epoch moved only with the owner's writes.
    expect((await store.read('shop')).epoch).toBe(3);
  });

  it('a replica that does not hold the shard cannot start or finish a bake, and writes nothing', async () => {
    const { store, other } = await twoReplicas();
    await other.request('shop', { commit: sha('a'), at: 't1' });
    const before = await store.read('shop');
    const pending = (await other.queueOf('shop'))!.pending!;
    await expect(other.start('shop', pending)).rejects.toBeInstanceOf(LeaseLost);
    await expect(other.finish('shop', sha('a'))).rejects.toBeInstanceOf(LeaseLost);
    expect(await store.read('shop')).toEqual(before);
  });

  it('the handed commit goes in flight even when another replica replaced the pending one meanwhile; the newer stays pending', async () => {
    const { owner, other } = await twoReplicas();
    await owner.request('shop', { commit: sha('a'), at: 't1' });
    const handed = (await owner.queueOf('shop'))!.pending!;
    await other.request('shop', { commit: sha('b'), at: 't2' }); // replaces a as pending
    expect(await owner.start('shop', handed)).toMatchObject({ commit: sha('a') });
    expect(await owner.queueOf('shop')).toMatchObject({ inFlight: { commit: sha('a') }, pending: { commit: sha('b') } });
    // Nothing new starts while one is in flight.
    expect(await owner.start('shop', (await owner.queueOf('shop'))!.pending!)).toBeUndefined();
  });

  it('requests from two replicas at once are both counted (a version conflict redoes the change on the fresh record)', async () => {
    const calls: string[] = [];
    const { owner, other } = await twoReplicas(calls);
    const commits = ['a', 'b', 'c', 'd', 'e', 'f'].map(sha);
    await Promise.all(commits.map((c, i) => (i % 2 ? other : owner).request('shop', { commit: c, at: `t${i}`, messageId: `m${i}` })));
    const queue = (await owner.queueOf('shop'))!;
    expect([...queue.seenMessageIds].sort()).toEqual(commits.map((_, i) => `m${i}`));
    expect([...(queue.seenCommits ?? [])].sort()).toEqual([...commits].sort());
    expect(commits).toContain(queue.pending?.commit);
    // Six requests, more writes sent: some met a newer version and were redone.
    expect(calls.filter((op) => op === 'PutItem' || op === 'UpdateItem').length).toBeGreaterThan(6);
  });

  it('a bake queue that is not { seq, queue } is named, with its fleet and table', async () => {
    const { store, owner } = await twoReplicas();
    await store.write(await store.read('shop'), { bakes: { queue: 'nonsense' } }, 'intake', T);
    await expect(owner.queueOf('shop')).rejects.toThrow(/bake queue of fleet shop in .*DynamoDB table drover-state-\d+.* is not \{ seq, queue \}/);
  });
});

describe('nudges in the shared table', () => {
  it('each replica takes the nudges of the fleets it holds, once; the others stay for their owner', async () => {
    const calls: string[] = [];
    const { ctx, store } = await twoReplicas(calls);
    const other = new DynamoStateStore(ctx);
    expect(await store.takeNudges((f) => f !== 'mail')).toEqual({ fleets: [] });
    await store.nudge(['shop', 'cart']);
    await other.nudge(['cart', 'mail']);
    calls.length = 0;
    expect(await store.takeNudges((f) => f !== 'mail')).toEqual({ fleets: ['cart', 'shop'] });
    expect(calls).toEqual(['GetItem', 'UpdateItem']);
    calls.length = 0;
    expect(await store.takeNudges((f) => f !== 'mail')).toEqual({ fleets: [] });
    expect(calls).toEqual(['GetItem']); // nothing to take: one read, no write
    expect(await other.takeNudges(() => true)).toEqual({ fleets: ['mail'] });
    expect(await other.takeNudges(() => true)).toEqual({ fleets: [] });
  });

  it('a manifest revision announced by one replica is read by every replica, and stays', async () => {
    const { ctx, store } = await twoReplicas();
    const other = new DynamoStateStore(ctx);
    await store.nudge(['shop']);
    await store.announceManifests('0a1b2c3d4e5f m-1');
    expect(await other.takeNudges(() => false)).toEqual({ fleets: [], manifests: '0a1b2c3d4e5f m-1' });
    expect(await store.takeNudges(() => true)).toEqual({ fleets: ['shop'], manifests: '0a1b2c3d4e5f m-1' });
    await other.announceManifests('9f8e7d6c5b4a m-2');
    expect(await store.takeNudges(() => true)).toEqual({ fleets: [], manifests: '9f8e7d6c5b4a m-2' });
  });

  it('a fleet name that is not one is refused before anything is sent; an empty nudge sends nothing', async () => {
    const calls: string[] = [];
    const { store } = await twoReplicas(calls);
    calls.length = 0;
    await expect(store.nudge(['shop', 'Not A Fleet'])).rejects.toBeInstanceOf(StateKeyError);
    await store.nudge([]);
    expect(calls).toEqual([]);
  });
});
