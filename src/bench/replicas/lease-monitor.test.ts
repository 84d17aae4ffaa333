/**
 * The lease monitor of the multi-replica harness: on hand-made histories, and on real
 * ShardLeases replicas in this process writing to dynalite through the harness's recording
 * proxies, where it must see the handovers of a kill and a join with no double ownership, and
 * must catch one when a replica's clock runs ahead of the others by more than the margin.
 */
import { DynamoLeaseTable } from '../../state/dynamo/lease-table';
import { createDynamoClient } from '../../aws/dynamodb';
import { DEFAULT_LEASE_SETTINGS, ShardLeases } from '../../state/leases';
import type { Clock } from '../../util/clock';
import { VirtualClock } from '../../util/clock';
import { useDynalite } from '../../../test/support/dynalite';
import { LeaseMonitor, leaseEventOf, writeKindOf, type LeaseEvent } from './lease-monitor';
import { startProxy, type RecordingProxy } from './proxy';

const margin = DEFAULT_LEASE_SETTINGS.marginMs;

describe('LeaseMonitor on hand-made histories', () => {
  const beat = (atMs: number, id: string, shards: Record<number, number>): LeaseEvent => ({ kind: 'beat', atMs, by: id, id, expiresAtMs: atMs + 10_000, shards });
  const shard = (atMs: number, n: number, owner: string | undefined, epoch: number): LeaseEvent => ({ kind: 'shard', atMs, by: owner ?? '-', shard: n, epoch, ...(owner ? { owner } : {}) });

  it('accepts a give-back and re-take, and a take after the owner’s deadline', () => {
    const m = new LeaseMonitor({ marginMs: margin });
    [beat(0, 'a', {}), shard(1, 3, 'a', 1), beat(2_000, 'a', { 3: 1 }), shard(3_000, 3, undefined, 1), beat(3_500, 'b', {}), shard(3_600, 3, 'b', 2)].forEach((e) => m.observe(e));
    expect(m.ownerAt(3, 3_700)).toBe('b');
    // b dies after its beat at 3_500 (deadline 3_500 + 10_000 - margin); c takes after it.
    [beat(11_000, 'c', {}), shard(11_600, 3, 'c', 3)].forEach((e) => m.observe(e));
    expect(m.doubles).toEqual([]);
    expect(m.handovers.map((h) => [h.from, h.to, h.epoch])).toEqual([[undefined, 'a', 1], ['a', undefined, 1], [undefined, 'b', 2], ['b', 'c', 3]]);
  });

  it('reports a take while the previous owner could still act, and a renewal of a shard another holds', () => {
    const m = new LeaseMonitor({ marginMs: margin });
    [beat(0, 'a', {}), shard(1, 5, 'a', 1), beat(2_000, 'a', { 5: 1 }), beat(2_100, 'b', {}), shard(2_200, 5, 'b', 2)].forEach((e) => m.observe(e));
    expect(m.doubles).toEqual([expect.objectContaining({ shard: 5, holder: 'a', other: 'b', holderUntilMs: 2_000 + 10_000 - margin })]);
    m.observe(beat(4_000, 'a', { 5: 1 }));
    expect(m.doubles[1]).toEqual(expect.objectContaining({ shard: 5, holder: 'b', other: 'a' }));
  });

  it('reads lease writes out of DynamoDB exchanges, and only successful ones', () => {
    const put = (item: object) => JSON.stringify({ TableName: 't', Item: item });
    const target = 'DynamoDB_20120810.PutItem';
    const beatItem = { pk: { S: 'lease' }, sk: { S: 'replica#r1' }, owner: { S: 'r1' }, expiresAtMs: { N: '5000' }, shards: { M: { '7': { N: '2' } } } };
    expect(leaseEventOf(target, put(beatItem), 200, 10, 'r1')).toEqual({ kind: 'beat', atMs: 10, by: 'r1', id: 'r1', expiresAtMs: 5000, shards: { 7: 2 } });
    expect(leaseEventOf(target, put(beatItem), 400, 10, 'r1')).toBeUndefined();
    const shardItem = { pk: { S: 'lease' }, sk: { S: 'shard#0007' }, shard: { N: '7' }, epoch: { N: '3' }, version: { N: '4' } };
    expect(leaseEventOf(target, put(shardItem), 200, 11, 'r2')).toEqual({ kind: 'shard', atMs: 11, by: 'r2', shard: 7, epoch: 3 });
    expect(leaseEventOf('DynamoDB_20120810.DeleteItem', JSON.stringify({ Key: { pk: { S: 'lease' }, sk: { S: 'replica#r1' } } }), 200, 12, 'r1')).toEqual({ kind: 'leave', atMs: 12, by: 'r1', id: 'r1' });
    expect(leaseEventOf(target, put({ pk: { S: 'fleet#web' }, sk: { S: 'record' } }), 200, 1, 'r1')).toBeUndefined();
    expect(writeKindOf(target, put({ pk: { S: 'fleet#web' }, sk: { S: 'record' } }), 200)).toBe('fleet');
    expect(writeKindOf('DynamoDB_20120810.UpdateItem', JSON.stringify({ Key: { pk: { S: 'claim#g#i#t' } } }), 200)).toBe('claim');
    expect(writeKindOf('DynamoDB_20120810.GetItem', JSON.stringify({ Key: { pk: { S: 'fleet#web' } } }), 200)).toBeUndefined();
  });
});

describe('LeaseMonitor on ShardLeases replicas through the recording proxies (dynalite)', () => {
  const proxies: RecordingProxy[] = [];
  // Declared before useDynalite's, so the proxies close before dynalite does.
  afterAll(() => Promise.all(proxies.map((p) => p.close())));
  const db = useDynalite();

  async function world(skewMs: Record<string, number> = {}) {
    const clock = new VirtualClock(Date.UTC(2026, 11, 4, 9));
    const base = await db.table(clock);
    const monitor = new LeaseMonitor({ marginMs: margin });
    const replicas = new Map<string, { leases: ShardLeases; alive: boolean }>();
    const add = async (id: string) => {
      const proxy = await startProxy(db.endpoint, id, {
        onExchange: (e) => {
          const ev = leaseEventOf(String(e.headers['x-amz-target']), e.requestBody, e.status, clock.nowMs(), e.replica);
          if (ev) monitor.observe(ev);
        },
      });
      proxies.push(proxy);
      const own: Clock = { now: () => new Date(clock.nowMs() + (skewMs[id] ?? 0)), nowMs: () => clock.nowMs() + (skewMs[id] ?? 0), sleep: (ms, s) => clock.sleep(ms, s) };
      const client = createDynamoClient({ endpoint: proxy.url, region: 'eu-west-1' });
      replicas.set(id, { alive: true, leases: new ShardLeases({ table: new DynamoLeaseTable({ ...base, client }), clock: own, id, settings: { shards: 8 } }) });
    };
    const run = async (ms: number) => {
      for (let t = 0; t < ms; t += 1_000) {
        for (const r of replicas.values()) if (r.alive) await r.leases.tick();
        clock.advance(1_000);
      }
    };
    return { clock, monitor, replicas, add, run };
  }

  it('sees a kill and a join hand shards over, never to two owners at once', async () => {
    const w = await world();
    for (const id of ['a', 'b', 'c']) await w.add(id);
    await w.run(20_000);
    const before = w.monitor.shardsByOwner(w.clock.nowMs());
    expect([...before.values()].flat().sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const victim = [...before.keys()][0];
    w.replicas.get(victim)!.alive = false;
    await w.run(20_000);
    await w.add('d');
    await w.run(20_000);
    const after = w.monitor.shardsByOwner(w.clock.nowMs());
    expect(after.has(victim)).toBe(false);
    expect([...after.values()].flat().sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const shards of after.values()) expect(shards.length).toBeLessThanOrEqual(Math.ceil(8 / 3));
    expect(w.monitor.handovers.filter((h) => h.from === victim && h.to).length).toBe(before.get(victim)!.length);
    expect(w.monitor.doubles).toEqual([]);
  });

  it('catches a replica whose clock runs ahead by more than the margin taking shards from a live owner', async () => {
    const w = await world({ fast: 12_000 });
    await w.add('a');
    await w.run(6_000);
    // 'a' renews every tick, but 'fast' sees its heartbeat as expired and takes what it wants.
    const a = w.replicas.get('a')!;
    a.alive = false;
    await w.add('fast');
    await w.run(1_000);
    a.alive = true;
    await w.run(4_000);
    expect(w.monitor.doubles.length).toBeGreaterThan(0);
    expect(w.monitor.doubles[0]).toEqual(expect.objectContaining({ holder: 'a', other: 'fast' }));
  });
});
