import { DynamoLeaseTable } from './dynamo/lease-table';
import { DynamoStateStore } from './dynamo/dynamo-store';
import { FencedOut, LeaseLost } from './errors';
import { DEFAULT_LEASE_SETTINGS, leaseSettings, ShardLeases, soloOwnership, type LeaseSettings } from './leases';
import { shardOf } from './shards';
import { VirtualClock } from '../util/clock';
import type { TableContext } from './dynamo/table-call';
import type { LeaseTable } from './lease-port';
import { useDynalite } from '../../test/support/dynalite';

const db = useDynalite();

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);

interface Replica {
  leases: ShardLeases;
  calls: string[];
  alive: boolean;
}

/** N replicas on one fresh table and one virtual clock; each gain is checked against every other replica at that instant. */
async function cluster(n: number, settings: Partial<LeaseSettings> = {}) {
  const clock = new VirtualClock(Date.UTC(2026, 11, 4, 9));
  const base = await db.table(clock);
  const replicas: Replica[] = [];
  const doubles: string[] = [];
  const gains: Array<{ replica: string; shard: number; epoch: number; atMs: number }> = [];
  const add = (onGained?: (shard: number, epoch: number) => Promise<void>) => {
    const calls: string[] = [];
    const ctx: TableContext = { ...base, client: db.client(calls) };
    const id = `r${replicas.length + 1}`;
    const leases = new ShardLeases({
      table: new DynamoLeaseTable(ctx),
      clock,
      id,
      settings,
      onGained: async (shard, epoch) => {
        for (const other of replicas) if (other.leases !== leases && other.leases.holds(shard)) doubles.push(`shard ${shard}: ${id} gained it while ${other.leases.id} holds it`);
        gains.push({ replica: id, shard, epoch, atMs: clock.nowMs() });
        await onGained?.(shard, epoch);
      },
    });
    const r = { leases, calls, alive: true };
    replicas.push(r);
    return r;
  };
  for (let i = 0; i < n; i++) add();
  /** One renewal period: every live replica ticks (concurrently), then the clock moves on. */
  const period = async (ms = leaseSettings(settings).renewMs) => {
    await Promise.all(replicas.filter((r) => r.alive).map((r) => r.leases.tick()));
    clock.advance(ms);
  };
  const counts = () => replicas.filter((r) => r.alive).map((r) => r.leases.owned().length);
  const ownersOf = (shard: number) => replicas.filter((r) => r.leases.holds(shard)).map((r) => r.leases.id);
  return { clock, base, replicas, add, period, counts, ownersOf, doubles, gains };
}

describe('shard leases', () => {
  it('checks its settings: a renewal must come before the owner has to stop', () => {
    expect(leaseSettings()).toEqual(DEFAULT_LEASE_SETTINGS);
    expect(() => leaseSettings({ renewMs: 9_000 })).toThrow(/renewals must come more often than lease minus margin/);
    expect(() => leaseSettings({ marginMs: 0 })).toThrow(/margin/);
  });

  it('splits 64 shards evenly over 3 replicas, rebalances when a 4th joins, and never has two owners', async () => {
    const c = await cluster(3);
    for (let i = 0; i < 6; i++) await c.period();
    expect(c.counts().sort()).toEqual([20, 22, 22]);
    for (let s = 0; s < 64; s++) expect(c.ownersOf(s)).toHaveLength(1);
    c.add();
    for (let i = 0; i < 6; i++) await c.period();
    expect(c.counts()).toEqual([16, 16, 16, 16]);
    for (let s = 0; s < 64; s++) expect(c.ownersOf(s)).toHaveLength(1);
    expect(c.doubles).toEqual([]);
  });

  it('gives a dead replica’s shards to the others within the lease time, with higher epochs', async () => {
    const c = await cluster(3);
    for (let i = 0; i < 6; i++) await c.period();
    const victim = c.replicas[0];
    const theirs = victim.leases.owned();
    const epochs = new Map(theirs.map((s) => [s, victim.leases.fenceFor(fleetIn(s)).epoch]));
    // Killed right after its last renewal: the worst case for the survivors.
    victim.alive = false;
    const killedAt = c.clock.nowMs();
    let takenAt: number | undefined;
    for (let i = 0; i < 40 && takenAt === undefined; i++) {
      await c.period(500);
      if (theirs.every((s) => c.ownersOf(s).some((o) => o !== victim.leases.id))) takenAt = c.clock.nowMs();
    }
    expect(takenAt).toBeDefined();
    expect(takenAt! - killedAt).toBeLessThanOrEqual(DEFAULT_LEASE_SETTINGS.leaseMs + 500);
    for (const g of c.gains.filter((x) => theirs.includes(x.shard) && x.atMs > killedAt)) expect(g.epoch).toBe(epochs.get(g.shard)! + 1);
    for (let i = 0; i < 4; i++) await c.period();
    expect(c.counts()).toEqual([32, 32]);
    expect(c.doubles).toEqual([]);
  });

  it('stops a paused replica: past its deadline it holds nothing, cannot renew, and its state writes are FencedOut', async () => {
    const c = await cluster(2);
    const store = new DynamoStateStore(c.base);
    // The daemon's gain hook: fence every fleet of the shard before acting on it.
    const fleets = ['web', 'api', 'shop', 'blog', 'docs', 'admin'];
    for (const r of c.replicas) {
      const opts = (r.leases as unknown as { opts: { onGained?: (s: number, e: number) => Promise<void> } }).opts;
      const check = opts.onGained!;
      opts.onGained = async (shard, epoch) => {
        await check(shard, epoch);
        for (const f of fleets.filter((x) => shardOf(x) === shard)) await store.fence(f, epoch);
      };
    }
    for (let i = 0; i < 4; i++) await c.period();
    const [a, b] = c.replicas;
    const fleet = fleets.find((f) => a.leases.holds(shardOf(f)))!;
    const fence = a.leases.fenceFor(fleet);
    const before = await store.write(await store.read(fleet), { deployment: { step: 'created green' } }, fence, c.clock.nowMs());
    // a is paused (SIGSTOP, a long GC): b keeps renewing, the clock runs past a's lease.
    a.alive = false;
    for (let i = 0; i < 7; i++) await c.period();
    expect(a.leases.holds(shardOf(fleet))).toBe(false);
    expect(() => a.leases.fenceFor(fleet)).toThrow(LeaseLost);
    expect(b.leases.holds(shardOf(fleet))).toBe(true);
    // a wakes up and writes the step it was in the middle of with the epoch it had: refused.
    const stale = await store.write(await store.read(fleet), { deployment: { step: 'swap traffic' } }, fence, c.clock.nowMs()).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(FencedOut);
    expect((await store.read(fleet)).sections.deployment).toEqual(before.sections.deployment);
    // Its renewal fails (expired heartbeat); it joins again and gets its fair share with new epochs.
    a.alive = true;
    for (let i = 0; i < 6; i++) await c.period();
    expect(c.counts()).toEqual([32, 32]);
    const owner = c.replicas.find((r) => r.leases.holds(shardOf(fleet)))!;
    expect(owner.leases.fenceFor(fleet).epoch).toBeGreaterThan(fence.epoch);
    expect(c.doubles).toEqual([]);
  });

  it('writes one lease item per replica per renewal period in steady state, whatever the shard count', async () => {
    const perPeriod: Record<string, number> = {};
    for (const [replicas, shards] of [[1, 64], [2, 64], [4, 64], [4, 256]] as const) {
      const c = await cluster(replicas, { shards });
      for (let i = 0; i < 6; i++) await c.period();
      for (const r of c.replicas) r.calls.length = 0;
      const periods = 5;
      for (let i = 0; i < periods; i++) await c.period();
      const writes = c.replicas.map((r) => r.calls.filter((op) => WRITES.has(op)).length / periods);
      expect(writes).toEqual(c.replicas.map(() => 1));
      perPeriod[`${replicas} replicas, ${shards} shards`] = writes.reduce((a, b) => a + b, 0);
    }
    expect(perPeriod).toEqual({ '1 replicas, 64 shards': 1, '2 replicas, 64 shards': 2, '4 replicas, 64 shards': 4, '4 replicas, 256 shards': 4 });
  });

  it('does not trust a renewal answered after its deadline: it may have landed after another replica took over', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 11, 4, 9));
    const base = await db.table(clock);
    const real = new DynamoLeaseTable({ ...base, client: db.client() });
    let heldUp: Promise<void> = Promise.resolve();
    let release = () => undefined as void;
    // a's renewal is sent on time, then held up in the network past its deadline.
    const slow: LeaseTable = {
      readReplicas: () => real.readReplicas(),
      readShards: () => real.readShards(),
      join: (beat) => real.join(beat),
      putShard: (next, v) => real.putShard(next, v),
      leave: (id) => real.leave(id),
      prune: (id, at) => real.prune(id, at),
      renew: async (beat, nowMs) => {
        await heldUp;
        return real.renew(beat, nowMs);
      },
    };
    const a = new ShardLeases({ table: slow, clock, id: 'a' });
    const b = new ShardLeases({ table: new DynamoLeaseTable({ ...base, client: db.client() }), clock, id: 'b' });
    await a.tick();
    expect(a.owned()).toHaveLength(64);
    clock.advance(7_900);
    heldUp = new Promise<void>((resolve) => (release = resolve));
    const late = a.tick();
    await new Promise((resolve) => setImmediate(resolve));
    // Meanwhile a's heartbeat expires and b takes every shard.
    clock.advance(2_200);
    await b.tick();
    clock.advance(2_000);
    await b.tick();
    expect(b.owned()).toHaveLength(64);
    // The held-up renewal lands now (its condition used the time it was sent) and is answered.
    release();
    await late;
    expect(a.owned()).toEqual([]);
    for (let s = 0; s < 64; s++) expect(a.holds(s) && b.holds(s)).toBe(false);
  });

  it('removes the heartbeat of a replica dead for 5 minutes, so reads do not grow with restarts', async () => {
    const c = await cluster(2);
    for (let i = 0; i < 3; i++) await c.period();
    c.replicas[0].alive = false;
    const table = new DynamoLeaseTable(c.base);
    for (let i = 0; i < 10; i++) await c.period();
    expect((await table.readReplicas()).map((r) => r.id).sort()).toEqual(['r1', 'r2']);
    c.clock.advance(5 * 60_000);
    await c.period();
    expect((await table.readReplicas()).map((r) => r.id)).toEqual(['r2']);
    expect(c.counts()).toEqual([64]);
  });

  it('refuses to share a table with a replica that uses another shard count', async () => {
    const c = await cluster(1);
    await c.period();
    const odd = new ShardLeases({ table: new DynamoLeaseTable({ ...c.base, client: db.client() }), clock: c.clock, id: 'odd', settings: { shards: 32 } });
    await expect(odd.tick()).rejects.toThrow('sharing state table with replica r1: it hashes fleets to 64 shards, this replica to 32; set the same shard count on every replica');
    expect(odd.owned()).toEqual([]);
    // The established replica keeps every shard.
    await c.period();
    expect(c.counts()).toEqual([64]);
  });

  it('a clean stop gives every shard back at once', async () => {
    const c = await cluster(2);
    for (let i = 0; i < 4; i++) await c.period();
    await c.replicas[0].leases.leave();
    c.replicas[0].alive = false;
    await c.period(0);
    expect(c.replicas[1].leases.owned()).toHaveLength(64);
    expect(c.doubles).toEqual([]);
  });

  it('the local directory owns every shard at one epoch', () => {
    const solo = soloOwnership(8);
    expect(solo.owned()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(solo.fenceFor('web')).toEqual({ epoch: 1 });
  });
});

/** A fleet name that hashes to `shard`. */
function fleetIn(shard: number, shards = 64): string {
  for (let i = 0; ; i++) if (shardOf(`fleet-${i}`, shards) === shard) return `fleet-${i}`;
}
