/**
 * A race the multi-replica bench found (one shard double ownership in 6 kills): a replica reads
 * the heartbeats, a new replica joins and takes a dead replica's shard, and only then does the
 * first replica read the shard records. The record names an owner it has no heartbeat for, so
 * the shard looked free and was taken from a live owner. Heartbeats must be read after the
 * records they judge.
 */
import { DynamoLeaseTable } from './dynamo/lease-table';
import type { LeaseTable } from './lease-port';
import { ShardLeases } from './leases';
import { VirtualClock } from '../util/clock';
import { useDynalite } from '../../test/support/dynalite';

const db = useDynalite();

it('never takes a shard from a replica that joined between reading heartbeats and reading shard records', async () => {
  const clock = new VirtualClock(Date.UTC(2026, 11, 4, 9));
  const base = await db.table(clock);
  let beforeShardRead: (() => Promise<void>) | undefined;
  const table = (): LeaseTable => {
    const inner = new DynamoLeaseTable({ ...base, client: db.client() });
    return {
      readReplicas: () => inner.readReplicas(),
      readShards: async () => {
        const hook = beforeShardRead;
        beforeShardRead = undefined;
        await hook?.();
        return inner.readShards();
      },
      join: (b) => inner.join(b),
      renew: (b, now) => inner.renew(b, now),
      putShard: (n, v) => inner.putShard(n, v),
      leave: (id) => inner.leave(id),
      prune: (id, e) => inner.prune(id, e),
    };
  };
  const make = (id: string) => new ShardLeases({ table: table(), clock, id, settings: { shards: 8 } });
  const a = make('a');
  const c = make('c');
  for (let t = 0; t < 6_000; t += 2_000) {
    await a.tick();
    await c.tick();
    clock.advance(2_000);
  }
  expect(a.owned().length + c.owned().length).toBe(8);
  const dead = c.owned();
  // c dies after its renewal at 4 s (its heartbeat is valid until 14 s); a renews while c still counts as live.
  for (const step of [2_000, 2_000, 2_000]) {
    clock.advance(step);
    await a.tick();
  }
  clock.advance(2_500);
  // a's next round: between its heartbeat read and its shard read, b joins and takes c's shards.
  const b = make('b');
  beforeShardRead = () => b.tick();
  await a.tick();
  const taken = dead.filter((s) => b.holds(s));
  expect(taken.length).toBeGreaterThan(0);
  for (const s of taken) expect(a.holds(s)).toBe(false);
  const records = await new DynamoLeaseTable({ ...base, client: db.client() }).readShards();
  for (const s of taken) expect(records.find((r) => r.shard === s)?.owner).toBe('b');
});
