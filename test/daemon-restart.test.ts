/**
 * SIGTERM (daemon.stop()) in the middle of a bake and again in the middle of the swap that
 * follows; each time a fresh daemon starts on the same state directory and simulated account
 * and carries the deployment to its end. Nothing is leaked and serving capacity never drops.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createAwsPort } from '../src/aws/clients';
import { sqsEventQueue } from '../src/providers/events/queue';
import { mergeRequestHook } from '../src/bench/payloads';
import { createMemoryLogger } from '../src/log/logger';
import { createDaemon, type Daemon } from '../src/main/daemon';
import type { FleetReconciler } from '../src/controllers/fleet/reconciler';
import { fleetReconciler } from '../src/main/fleet-reconciler';
import { createSimPlugin, SimAccount } from '../src/sim';
import { localStatusNow } from '../src/status/status-store';
import { VirtualClock } from '../src/util/clock';
import { flush, passVirtualTime } from '../src/util/virtual-drive';
import { fleetYaml, QUEUE, tempDir } from './daemon-env';

const COMMIT = 'c0ffee'.padEnd(40, '1');
const LB = 'shop-elb';

interface Running {
  daemon: Daemon;
  reconciler: () => FleetReconciler | undefined;
}

describe('daemon restarts mid-deployment', () => {
  const clock = new VirtualClock(Date.UTC(2026, 10, 26, 9));
  const sim = new SimAccount({ clock, seed: 3 });
  const dir = tempDir('restart-manifests');
  const stateDir = tempDir('restart-state');
  fs.writeFileSync(path.join(dir, 'shop.yaml'), fleetYaml({ min: 2, max: 4, extra: '  deploy: {soak: 1m, keepPrevious: 2m}\n' }));
  let current: Running | undefined;
  let lowest = Infinity;
  let watching = false;
  sim.onTick(() => {
    if (watching) lowest = Math.min(lowest, sim.inServiceCount(LB));
  });

  async function start(): Promise<Running> {
    let reconciler: FleetReconciler | undefined;
    const daemon = createDaemon({
      dir,
      stateDir,
      clients: createAwsPort({ region: 'eu-west-1', plugin: createSimPlugin(sim) }),
      clock,
      sleep: (ms) => clock.sleep(ms),
      logger: createMemoryLogger(),
      listen: false,
      manifestRepo: 'git@gitlab.example.com:shop/manifests.git',
      manifestPollMs: false,
      rateBudget: false,
      sim,
      git: async () => ({ stdout: '', stderr: '' }),
      reconcilerFactory: (ctx) => (reconciler = fleetReconciler(ctx)),
    });
    await daemon.start();
    return { daemon, reconciler: () => reconciler };
  }

  const settle = async () => {
    await flush();
    await current?.reconciler()?.runner.quiesce(flush);
  };
  async function until(cond: () => boolean, maxMs: number): Promise<void> {
    for (let t = 0; t < maxMs && !cond(); t += 5_000) await passVirtualTime(clock, (d) => sim.advance(d), 5_000, settle);
    expect(cond()).toBe(true);
  }
  /** SIGTERM: intake stops, in-flight work finishes, snapshots stay; virtual time keeps moving meanwhile. */
  async function terminate(): Promise<void> {
    let done = false;
    const stopping = current!.daemon.stop().then(() => (done = true));
    for (let i = 0; i < 300 && !done; i++) await passVirtualTime(clock, (d) => sim.advance(d), 1_000, flush);
    await stopping;
  }
  const phase = () => localStatusNow(stateDir, 'shop')?.deployment;

  afterAll(async () => {
    if (current) await terminate();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('continues a bake and then a swap to completion across two restarts', async () => {
    current = await start();
    await until(() => localStatusNow(stateDir, 'shop')?.phase === 'Ready', 30 * 60_000);
    const before = sim.inServiceCount(LB);
    expect(before).toBe(2);

    const clients = createAwsPort({ region: 'eu-west-1', plugin: createSimPlugin(sim) });
    const queue = sqsEventQueue(clients.sqs);
    const body = JSON.stringify(mergeRequestHook({ mergeCommit: COMMIT, iid: 7, updatedAt: '2026-11-26 09:00:00 UTC' }));
    await queue.send(await queue.resolveUrl(QUEUE), body, { 'X-Gitlab-Event': 'Merge Request Hook', 'drover-source': 'gitlab' });

    // Stop while the builder is building.
    await until(() => phase()?.kind === 'bake' && phase()?.phase === 'waitBuilderStopped', 10 * 60_000);
    await terminate();
    expect(JSON.parse(fs.readFileSync(path.join(stateDir, 'state', 'fleets', 'shop.json'), 'utf8')).sections.deployment).toMatchObject({ fleet: 'shop', kind: 'bake' });

    watching = true;
    lowest = sim.inServiceCount(LB);
    current = await start();
    // Stop again while green is coming up.
    await until(() => phase()?.kind === 'swap' && phase()?.phase === 'waitGreenHealthy', 60 * 60_000);
    await terminate();

    current = await start();
    await until(() => localStatusNow(stateDir, 'shop')?.history.some((d) => d.kind === 'swap' && d.result === 'Succeeded') === true, 3 * 3600_000);
    watching = false;

    const baked = Object.values(sim.snapshot().images).filter((i) => i.tags['drover:commit'] === COMMIT);
    expect(baked).toHaveLength(1);
    const live = sim.groups().filter((g) => !g.deleting);
    expect(live.map((g) => g.name)).toEqual(['shop-v002']);
    const builders = sim.instances().filter((i) => i.tags['drover:role'] === 'builder');
    expect(builders).toHaveLength(1);
    expect(['shutting-down', 'terminated']).toContain(builders[0].state);
    expect(lowest).toBeGreaterThanOrEqual(before);
    expect(localStatusNow(stateDir, 'shop')?.commit).toBe(COMMIT);
  }, 120_000);
});
