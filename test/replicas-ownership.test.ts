/**
 * Two replicas in one process share one dynalite state table and one simulated account
 * (issue 13): the shards split, a fleet is reconciled by its shard's owner only; the owner
 * stops renewing in the middle of a bake and makes no AWS call after its lease ran out, the
 * other takes the shard over and resumes the bake from the stored snapshot; a stale owner's
 * write fails with FencedOut. Leases renew on the virtual clock, driven here every 2 s.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ReplicaOwnership } from '../src/controllers/ownership/replica-ownership';
import { FleetReconciler } from '../src/controllers/fleet/reconciler';
import { RecordSnapshotStore } from '../src/deploy/record-snapshot-store';
import { EVENTS } from '../src/log/events';
import { createMemoryLogger, type MemoryLogger } from '../src/log/logger';
import { loadManifestFile } from '../src/manifest';
import { createSimEnv, wireSimEnv, type SimEnv } from '../src/main/sim-env';
import { DynamoLeaseTable } from '../src/state/dynamo/lease-table';
import { DynamoStateStore } from '../src/state/dynamo/dynamo-store';
import { FencedOut } from '../src/state/errors';
import { ShardLeases } from '../src/state/leases';
import { shardOf } from '../src/state/shards';
import { ownersOfFleets, readShardOwners } from '../src/state/owners';
import type { Reconciler } from '../src/controllers/queue/loop';
import { flush } from '../src/util/virtual-drive';
import { useDynalite } from './support/dynalite';
import type { TableContext } from '../src/state/dynamo/table-call';

const FLEET = loadManifestFile(path.resolve(__dirname, '../manifests/examples/magento-marketplace.yaml'))[0];
const COMMIT = { sha: '3f9c2ab17d04e5f6a7b8c9d0e1f2a3b4c5d6e7f8', at: '2026-01-01T00:00:00.000Z' };
const SHARDS = 2;

interface Replica {
  name: string;
  own: ReplicaOwnership;
  inner: FleetReconciler;
  rec: Reconciler;
  env: SimEnv;
  logger: MemoryLogger;
  store: DynamoStateStore;
  alive: boolean;
  enqueued: string[];
}

const db = useDynalite();
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function replica(name: string, base: TableContext, world: SimEnv): Replica {
  const ctx = { ...base, client: db.client() };
  const store = new DynamoStateStore(ctx);
  const clock = world.clock;
  const logger = createMemoryLogger();
  const state = { store, shared: true, shardOwners: (nowMs: number) => readShardOwners(new DynamoLeaseTable(ctx), nowMs), ownership: (o: ConstructorParameters<typeof ShardLeases>[0] extends infer T ? Omit<T & object, 'table' | 'clock'> : never) => new ShardLeases({ table: new DynamoLeaseTable(ctx), clock, logger, ...o }) };
  const enqueued: string[] = [];
  const own = new ReplicaOwnership({ state, id: name, clock, logger, settings: { shards: SHARDS }, fleets: () => [FLEET.name], enqueue: (f) => enqueued.push(f) });
  const env = wireSimEnv(world.sim, logger);
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `drover-replica-${name}-`));
  dirs.push(stateDir);
  const inner = new FleetReconciler({ ...env, stateDir, snapshots: own.snapshots(), guard: (f) => own.guard(f) });
  return { name, own, inner, rec: own.wrap(inner), env, logger, store, alive: true, enqueued };
}

async function world() {
  const env = createSimEnv({ logger: createMemoryLogger() });
  const table = await db.table(env.clock);
  const replicas = [replica('r-a', table, env), replica('r-b', table, env)];
  const settle = async () => {
    await flush();
    for (const r of replicas) await r.inner.runner.quiesce(flush);
  };
  /** Let `ms` of virtual time pass; live replicas renew every 2 s. */
  const pass = async (ms: number) => {
    for (let t = 0; t < ms; t += 1_000) {
      if ((env.clock.nowMs() / 1_000) % 2 === 0) for (const r of replicas.filter((x) => x.alive)) await r.own.tick();
      env.sim.advance(1_000);
      await settle();
    }
  };
  const owner = () => replicas.find((r) => r.own.holdsFleet(FLEET.name));
  return { env, replicas, pass, settle, owner, table };
}

it('splits the shards and reconciles a fleet on its owner only; a dead owner’s bake resumes on the other, with no AWS call from the dead one after its lease ran out', async () => {
  const w = await world();
  const table = w.table;
  // /readyz: not ready until the leases have run one round.
  expect(w.replicas[0].own.ready()).toEqual({ ready: false, reasons: ['shard leases have not run a round yet'] });
  for (let i = 0; i < 5 && !w.replicas.every((r) => r.own.leases.owned().length === 1); i++) await w.pass(2_000);
  expect(w.replicas.map((r) => r.own.leases.owned().length)).toEqual([1, 1]);
  expect(w.replicas.every((r) => r.own.ready().ready)).toBe(true);
  const owner = w.owner()!;
  const other = w.replicas.find((r) => r !== owner)!;
  expect(owner.own.leases.owned()).toEqual([shardOf(FLEET.name, SHARDS)]);
  // OWNER, as /api/v1 shows it: the holder itself, and the other replica from the lease table (read without a daemon too).
  expect(owner.own.ownerOf(FLEET.name)).toBe(owner.name);
  await other.own.readOwners();
  expect(other.own.ownerOf(FLEET.name)).toBe(owner.name);
  expect(ownersOfFleets(await readShardOwners(new DynamoLeaseTable({ ...table, client: db.client() }), w.env.clock.nowMs()), [FLEET.name])).toEqual({ [FLEET.name]: owner.name });

  // Both are asked; only the owner acts (the other sends no AWS call).
  const otherCalls = other.env.clients.calls.snapshot().read + other.env.clients.calls.snapshot().mutating;
  let ready = false;
  for (let i = 0; i < 40 && !ready; i++) {
    await other.rec.reconcile(FLEET, new AbortController().signal);
    const out = (await owner.rec.reconcile(FLEET, new AbortController().signal)) as Awaited<ReturnType<FleetReconciler['reconcile']>>;
    ready = out.result.readiness.ready;
    await w.pass(Math.min(out.requeueAfterMs, 10_000));
  }
  expect(ready).toBe(true);
  const calls = other.env.clients.calls.snapshot();
  expect(calls.read + calls.mutating).toBe(otherCalls);

  // A bake starts on the owner and reaches the builder.
  await owner.rec.requestBake!(FLEET, COMMIT);
  const started = (await owner.rec.reconcile(FLEET, new AbortController().signal)) as Awaited<ReturnType<FleetReconciler['reconcile']>>;
  expect(started.deployment).toMatchObject({ kind: 'bake' });
  for (let i = 0; i < 300 && owner.inner.runner.phase(FLEET.name)?.phase !== 'waitBuilderStopped'; i++) await w.pass(1_000);
  expect(owner.inner.runner.phase(FLEET.name)?.phase).toBe('waitBuilderStopped');
  const stored = await other.store.read(FLEET.name);
  expect(stored.sections.deployment).toMatchObject({ kind: 'bake' });

  // The owner stops renewing (a paused or dead process) but its actor stays in memory.
  owner.alive = false;
  const deadline = (owner.own.leases as ShardLeases).actUntilMs();
  while (w.env.clock.nowMs() < deadline) await w.pass(1_000);
  const frozen = owner.env.clients.calls.snapshot();
  for (let i = 0; i < 30 && !other.own.holdsFleet(FLEET.name); i++) await w.pass(1_000);
  expect(other.own.holdsFleet(FLEET.name)).toBe(true);
  expect(other.enqueued).toContain(FLEET.name);

  // The new owner resumes the bake from the stored snapshot and carries it on.
  await other.rec.reconcile(FLEET, new AbortController().signal);
  expect(other.logger.records.some((r) => r.event === EVENTS.deployResumed && r.fleet === FLEET.name)).toBe(true);
  expect(other.inner.runner.get(FLEET.name)?.kind).toBe('bake');
  for (let i = 0; i < 120 && other.inner.runner.get(FLEET.name)?.kind === 'bake'; i++) {
    await w.pass(5_000);
    if (i % 6 === 0) await other.rec.reconcile(FLEET, new AbortController().signal);
  }
  // The bake ended there (and its AMI's swap started there, not on the old owner).
  expect(other.inner.runner.get(FLEET.name)?.kind ?? 'none').not.toBe('bake');
  expect(w.env.sim.groups().filter((g) => !g.deleting).length).toBeLessThanOrEqual(2);
  const builders = w.env.sim.instances().filter((x) => x.tags['drover:role'] === 'builder');
  expect(builders).toHaveLength(1);

  // The old owner never touched AWS after its lease ran out, and said why it stopped.
  const after = owner.env.clients.calls.snapshot();
  expect(after.read + after.mutating).toBe(frozen.read + frozen.mutating);
  expect(owner.inner.runner.get(FLEET.name)).toBeUndefined();
  expect(owner.logger.records.some((r) => r.event === EVENTS.deployFenced && r.fleet === FLEET.name)).toBe(true);
  // Its pass now is skipped, not an error.
  const skipped = await owner.rec.reconcile(FLEET, new AbortController().signal);
  expect(skipped.error).toBeUndefined();
}, 120_000);

it('a stale owner’s snapshot write fails with FencedOut once the new owner fenced the record', async () => {
  const w = await world();
  const [a, b] = w.replicas;
  await a.store.fence(FLEET.name, 3);
  const stale = new RecordSnapshotStore(a.store, { fence: () => ({ epoch: 3 }), nowMs: () => w.env.clock.nowMs() });
  const record = { fleet: FLEET.name, kind: 'bake' as const, id: 'd1', startedAt: w.env.clock.now().toISOString(), updatedAt: w.env.clock.now().toISOString(), snapshot: { value: 'x' } };
  await stale.save(FLEET.name, record);
  await b.store.fence(FLEET.name, 4);
  await expect(stale.save(FLEET.name, { ...record, id: 'd2' })).rejects.toBeInstanceOf(FencedOut);
  expect((await b.store.read(FLEET.name)).sections.deployment).toMatchObject({ id: 'd1' });
});
