/**
 * The one FleetReconciler in its two modes: with deployments (the default) a bake request is
 * remembered and baked; with `deployments: false` a pass is converge only, and a bake request
 * or an alarm is logged and nothing else (no memory written, no deployment started).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FleetReconciler } from '../src/controllers/fleet/reconciler';
import { MemorySnapshotStore } from '../src/deploy/snapshot-store';
import { EVENTS } from '../src/log/events';
import { createMemoryLogger } from '../src/log/logger';
import { loadManifestFile } from '../src/manifest';
import { createSimEnv } from '../src/main/sim-env';

const FLEET = loadManifestFile(path.resolve(__dirname, '../manifests/examples/magento-marketplace.yaml'))[0];
const COMMIT = { sha: '3f9c2ab17d04e5f6a7b8c9d0e1f2a3b4c5d6e7f8', at: '2026-01-01T00:00:00.000Z' };

describe('FleetReconciler modes', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  function reconcilerWith(deployments?: boolean) {
    const logger = createMemoryLogger();
    const env = createSimEnv({ logger });
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-modes-'));
    dirs.push(stateDir);
    const reconciler = new FleetReconciler({ ...env, stateDir, snapshots: new MemorySnapshotStore(), ...(deployments === undefined ? {} : { deployments }) });
    return { env, logger, stateDir, reconciler };
  }

  it('deployments: false converges the fleet, logs a bake request and never bakes', async () => {
    const { env, logger, stateDir, reconciler } = reconcilerWith(false);
    await reconciler.requestBake(FLEET, COMMIT);
    let ready = false;
    for (let i = 0; i < 40 && !ready; i++) {
      const pass = await reconciler.reconcile(FLEET);
      expect(pass.deployment).toBeUndefined();
      expect(pass.observed).toBe(true);
      ready = pass.result.readiness.ready;
      env.sim.advance(pass.requeueAfterMs);
    }
    expect(ready).toBe(true);
    expect(reconciler.runner.get(FLEET.name)).toBeUndefined();
    expect(JSON.parse(fs.readFileSync(path.join(stateDir, 'state', 'fleets', `${FLEET.name}.json`), 'utf8')).sections.intent).toBeUndefined();
    expect(logger.records.some((r) => r.event === EVENTS.reconcilerFallback && r.commit === COMMIT.sha)).toBe(true);
    await reconciler.close();
  });

  it('with deployments the same request is remembered and the next pass starts its bake', async () => {
    const { reconciler } = reconcilerWith();
    await reconciler.requestBake(FLEET, COMMIT);
    expect((await reconciler.memory.load(FLEET.name)).pendingBake?.commit).toBe(COMMIT.sha);
    const pass = await reconciler.reconcile(FLEET);
    expect(pass.deployment).toMatchObject({ kind: 'bake' });
    await reconciler.close();
  });
});
