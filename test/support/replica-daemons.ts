/**
 * Several daemons in one process on one dynalite state table and one simulated account (issue
 * 13): each with its own state directory, replica id, logger and converge-only reconciler,
 * which the test wraps to see what each replica was asked to do. Virtual time moves in small
 * steps, with room for the table's real I/O between them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createAwsPort } from '../../src/aws/clients';
import type { FleetReconciler } from '../../src/controllers/fleet/reconciler';
import type { Reconciler } from '../../src/controllers/queue/loop';
import { createMemoryLogger } from '../../src/log/logger';
import { createDaemon, type Daemon, type DaemonOptions } from '../../src/main/daemon';
import { fleetReconciler } from '../../src/main/fleet-reconciler';
import { createSimEnv } from '../../src/main/sim-env';
import { createSimPlugin } from '../../src/sim';
import { openState } from '../../src/state/open';
import { parseStateUrl } from '../../src/state/url';
import { seededRandom } from '../../src/util/backoff';
import { fleetYaml, tempDir } from '../daemon-env';
import type { Dynalite } from './dynalite';
import { flush } from './deploy/drive';

export interface ReplicaDaemonsOptions {
  db: Dynalite;
  table: string;
  fleets: string[];
  ids: string[];
  startMs: number;
  /** The reconciler each replica runs, from its converge-only FleetReconciler. */
  reconciler(id: string, inner: FleetReconciler, clock: { nowMs(): number }): Reconciler;
  /** More daemon options per replica. */
  options?(id: string): Partial<DaemonOptions>;
}

export async function startReplicaDaemons(o: ReplicaDaemonsOptions) {
  const env = createSimEnv({ logger: createMemoryLogger(), startMs: o.startMs });
  const clock = env.clock;
  const dir = tempDir('replica-manifests');
  for (const name of o.fleets) fs.writeFileSync(path.join(dir, `${name}.yaml`), fleetYaml({ name }));
  const dbEnv = o.db.env();
  const location = parseStateUrl(`dynamodb://${o.table}?region=eu-west-1`);
  const dirs = [dir];
  const daemons: Daemon[] = [];
  const loggers: Array<ReturnType<typeof createMemoryLogger>> = [];
  for (const id of o.ids) {
    const stateDir = tempDir(`state-${id}`);
    dirs.push(stateDir);
    const logger = createMemoryLogger();
    loggers.push(logger);
    const state = openState(location, { stateDir, clock, logger, env: dbEnv });
    if (id === o.ids[0]) await state.init();
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
        rateBudget: false,
        git: async () => ({ stdout: '', stderr: '' }),
        state,
        replicaId: id,
        leaseSettings: { shards: 8 },
        reconcilerFactory: (ctx) => o.reconciler(id, fleetReconciler(ctx, { deployments: false }), clock),
        ...o.options?.(id),
      }),
    );
  }
  const drive = async (ms: number, until?: () => boolean, stepMs = 200): Promise<boolean> => {
    const end = clock.nowMs() + ms;
    while (clock.nowMs() < end && !until?.()) {
      await flush(20);
      clock.set(Math.min(end, clock.nowMs() + stepMs));
    }
    return until?.() ?? true;
  };
  /** Wait for `p` while virtual time keeps moving (the daemons' side may wait on the clock). */
  const during = async <T>(p: Promise<T>): Promise<T> => {
    let done = false;
    const settled = p.finally(() => (done = true));
    await drive(600_000, () => done);
    return settled;
  };
  for (const d of daemons) await during(d.start());
  return {
    env,
    clock,
    daemons,
    loggers,
    dirs,
    dbEnv,
    location,
    drive,
    during,
    async stop(): Promise<void> {
      for (const d of daemons) await during(d.stop());
      dirs.forEach((x) => fs.rmSync(x, { recursive: true, force: true }));
    },
  };
}
