/**
 * Two daemons in one process on one dynalite state table and one simulated account (issue
 * 13): leases run in each daemon, the shards split, every fleet is reconciled by exactly one
 * of them, both become ready, and each answers /api/v1 with the same owner for every fleet.
 */
import { drover } from './support/cli';
import { useDynalite } from './support/dynalite';
import { startReplicaDaemons } from './support/replica-daemons';

const FLEETS = ['shop', 'cart', 'blog', 'mail'];
const db = useDynalite();

it('splits the fleets between two daemons sharing one table; each fleet has one owner, reconciled there only', async () => {
  const reconciled = new Map<string, Set<string>>();
  // Virtual time starts now, so `drover get` (which reads the lease table on the wall clock) sees live heartbeats.
  const r = await startReplicaDaemons({
    db,
    table: 'daemon-replicas',
    fleets: FLEETS,
    ids: ['replica-a', 'replica-b'],
    startMs: Date.now(),
    reconciler: (id, inner) => ({
      reconcile: (fleet) => {
        if (!reconciled.has(fleet.name)) reconciled.set(fleet.name, new Set());
        reconciled.get(fleet.name)!.add(id);
        return inner.reconcile(fleet);
      },
      close: () => inner.close(),
      release: (f) => inner.release(f),
    }),
  });
  const { daemons, drive, during, dbEnv } = r;
  const split = () => daemons.every((d) => d.replicas.leases.owned().length === 4);
  await drive(60_000, split);
  expect(daemons.map((d) => d.replicas.leases.owned().length)).toEqual([4, 4]);
  await drive(15 * 60_000, () => daemons.every((d) => d.readiness().ready));
  expect(daemons.map((d) => d.readiness())).toEqual([{ ready: true, reasons: [] }, { ready: true, reasons: [] }]);

  // Every fleet was reconciled by its shard's owner only.
  const owners = Object.fromEntries(FLEETS.map((f) => [f, daemons.find((d) => d.replicas.holdsFleet(f))!.replicas.id]));
  for (const f of FLEETS) expect([...(reconciled.get(f) ?? [])]).toEqual([owners[f]]);
  // Both name the same owner for every fleet (the other's fleets from the lease table) in /api/v1.
  // Status is shared through the table, so each lists every fleet.
  for (const d of daemons) await during(d.replicas.readOwners());
  for (const d of daemons) {
    for (const f of FLEETS) expect(d.replicas.ownerOf(f)).toBe(owners[f]);
    const list = JSON.parse(await during(fetch(`${d.http!.url}/api/v1/fleets`).then((r) => r.text()))) as { items: Array<{ name: string; owner: string }> };
    expect(list.items.map((f) => f.name).sort()).toEqual([...FLEETS].sort());
    for (const f of list.items) expect(f.owner).toBe(owners[f.name]);
  }
  // `drover get fleets --state dynamodb://T -o wide` reads the table alone and shows the same OWNER.
  const saved = { ...process.env };
  Object.assign(process.env, dbEnv);
  try {
    const run = await during(drover('get', 'fleets', '--state', 'dynamodb://daemon-replicas?region=eu-west-1', '-o', 'wide'));
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const [header, ...rows] = run.stdout.trimEnd().split('\n');
    const col = header.indexOf('OWNER');
    expect(col).toBeGreaterThan(0);
    expect(Object.fromEntries(rows.map((r) => [r.split(/\s+/)[0], r.slice(col).split(/\s+/)[0]]))).toEqual(owners);
  } finally {
    process.env = saved;
  }
  await r.stop();
}, 120_000);
