/**
 * Two daemons in one process on one dynalite state table and one simulated account (issue
 * 13): leases run in each daemon, the shards split, every fleet is reconciled by exactly one
 * of them, both become ready, and each answers /api/v1 with the same owner for every fleet.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createAwsPort } from '../src/aws/clients';
import type { Reconciler } from '../src/controllers/queue/loop';
import { createMemoryLogger } from '../src/log/logger';
import { createDaemon, type Daemon } from '../src/main/daemon';
import { fleetReconciler } from '../src/main/fleet-reconciler';
import { createSimEnv } from '../src/main/sim-env';
import { createSimPlugin } from '../src/sim';
import { openState } from '../src/state/open';
import { parseStateUrl } from '../src/state/url';
import { seededRandom } from '../src/util/backoff';
import { fleetYaml, tempDir } from './daemon-env';
import { drover } from './support/cli';
import { useDynalite } from './support/dynalite';

const FLEETS = ['shop', 'cart', 'blog', 'mail'];
const db = useDynalite();

it('splits the fleets between two daemons sharing one table; each fleet has one owner, reconciled there only', async () => {
  // Virtual time starts now, so `drover get` (which reads the lease table on the wall clock) sees live heartbeats.
  const env = createSimEnv({ logger: createMemoryLogger(), startMs: Date.now() });
  const clock = env.clock;
  const dir = tempDir('replica-manifests');
  for (const name of FLEETS) fs.writeFileSync(path.join(dir, `${name}.yaml`), fleetYaml({ name }));
  const dbEnv = db.env();
  const location = parseStateUrl('dynamodb://daemon-replicas?region=eu-west-1');
  const dirs = [dir];
  const reconciled = new Map<string, Set<string>>();
  const daemons: Daemon[] = [];
  for (const id of ['replica-a', 'replica-b']) {
    const stateDir = tempDir(`state-${id}`);
    dirs.push(stateDir);
    const logger = createMemoryLogger();
    const state = openState(location, { stateDir, clock, logger, env: dbEnv });
    if (id === 'replica-a') await state.init();
    daemons.push(
      createDaemon({
        dir,
        stateDir,
        clients: createAwsPort({ region: 'eu-west-1', plugin: createSimPlugin(env.sim) }),
        clock,
        sleep: env.sleep,
        logger,
        listen: '127.0.0.1:0',
        sim: env.sim,
        random: seededRandom(id.length),
        manifestPollMs: false,
        inboxPollMs: false,
        rateBudget: false,
        git: async () => ({ stdout: '', stderr: '' }),
        state,
        replicaId: id,
        leaseSettings: { shards: 8 },
        reconcilerFactory: (ctx) => {
          const inner = fleetReconciler(ctx, { deployments: false });
          const counting: Reconciler = {
            reconcile: (fleet) => {
              if (!reconciled.has(fleet.name)) reconciled.set(fleet.name, new Set());
              reconciled.get(fleet.name)!.add(id);
              return inner.reconcile(fleet);
            },
            close: () => inner.close(),
            release: (f) => inner.release(f),
          };
          return counting;
        },
      }),
    );
  }
  /** Virtual time moves in small steps, with room for the table's real I/O between them. */
  const drive = async (ms: number, until?: () => boolean) => {
    const end = clock.nowMs() + ms;
    while (clock.nowMs() < end && !until?.()) {
      for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
      clock.set(Math.min(end, clock.nowMs() + 200));
    }
  };
  const during = async <T>(p: Promise<T>): Promise<T> => {
    let done = false;
    const settled = p.finally(() => (done = true));
    await drive(600_000, () => done);
    return settled;
  };
  for (const d of daemons) await during(d.start());
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
  for (const d of daemons) await during(d.stop());
  dirs.forEach((x) => fs.rmSync(x, { recursive: true, force: true }));
}, 120_000);
