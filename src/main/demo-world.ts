/**
 * The demo's world: a fresh simulated account, the real daemon on it (intake, webhook relay,
 * lifecycle hooks, deployments), and a driver that moves virtual time. With a speed, virtual
 * time is paced against real time so a person can watch; without one it runs flat out.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createAwsPort } from '../aws/clients';
import type { Logger } from '../log/logger';
import { SimAccount, createSimPlugin } from '../sim';
import { FileStatusStore } from '../status/status-store';
import { VirtualClock } from '../util/clock';
import { flush, passVirtualTime } from '../util/virtual-drive';
import { createDaemon, type Daemon } from './daemon';
import type { FleetReconciler } from '../controllers/fleet/reconciler';
import { fleetReconciler } from './fleet-reconciler';
import { simAccountFile } from './runtime';
import { claimStateDir } from './state-lock';

export interface DemoWorldOptions {
  stateDir: string;
  manifest: string;
  listen: string;
  logger: Logger;
  /** Virtual seconds per real second; undefined runs as fast as possible. */
  speed?: number;
}

export interface DemoWorld {
  sim: SimAccount;
  clock: VirtualClock;
  daemon: Daemon;
  reconciler: () => FleetReconciler;
  statuses: FileStatusStore;
  stateDir: string;
  token: string;
  manifestDir: string;
  /** Let `ms` of virtual time pass (paced by speed), with all async work keeping up. */
  pass(ms: number): Promise<void>;
  stop(): Promise<void>;
}

/** What the demo resets: only simulated state, never anything that touches AWS. */
const DEMO_DIRS = ['sim', 'status', 'deployments', 'fleets', 'intake', 'state'];

export async function createDemoWorld(opts: DemoWorldOptions): Promise<DemoWorld> {
  // The demo's one invocation holds the lock for its daemon and its steps; nothing is reset under another drover.
  fs.mkdirSync(opts.stateDir, { recursive: true });
  claimStateDir(opts.stateDir);
  for (const d of DEMO_DIRS) fs.rmSync(path.join(opts.stateDir, d), { recursive: true, force: true });
  const manifestDir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-demo-'));
  fs.copyFileSync(opts.manifest, path.join(manifestDir, 'fleet.yaml'));
  const clock = new VirtualClock(Math.floor(Date.now() / 1000) * 1000);
  const sim = new SimAccount({ clock, seed: 7 });
  const clients = createAwsPort({ region: 'eu-west-1', plugin: createSimPlugin(sim) });
  const token = randomBytes(16).toString('hex');
  let reconciler: FleetReconciler | undefined;
  const daemon = createDaemon({
    dir: manifestDir,
    stateDir: opts.stateDir,
    clients,
    clock,
    sleep: (ms) => clock.sleep(ms),
    logger: opts.logger,
    listen: opts.listen,
    webhookToken: token,
    manifestRepo: 'git@gitlab.example.com:shop/fleet-manifests.git',
    manifestPollMs: false,
    rateBudget: false,
    sim,
    git: async () => ({ stdout: '', stderr: '' }),
    reconcilerFactory: (ctx) => (reconciler = fleetReconciler(ctx)),
  });
  await daemon.start();
  const settle = async () => {
    await flush();
    await reconciler?.runner.quiesce(flush);
  };
  let lastSave = 0;
  const pass = async (ms: number) => {
    await passVirtualTime(clock, (d) => sim.advance(d), ms, settle);
    if (opts.speed) await new Promise((r) => setTimeout(r, ms / opts.speed!));
    if (Date.now() - lastSave > 2000) {
      sim.save(simAccountFile(opts.stateDir));
      lastSave = Date.now();
    }
  };
  return {
    sim,
    clock,
    daemon,
    reconciler: () => reconciler!,
    statuses: new FileStatusStore(opts.stateDir),
    stateDir: opts.stateDir,
    token,
    manifestDir,
    pass,
    stop: async () => {
      const stopping = daemon.stop();
      // The daemon's last reconciles and the poller wait on virtual time: keep it moving.
      for (let i = 0; i < 200; i++) {
        const done = await Promise.race([stopping.then(() => true), flush().then(() => false)]);
        if (done) break;
        await passVirtualTime(clock, (d) => sim.advance(d), 1000, settle);
      }
      await stopping;
      sim.save(simAccountFile(opts.stateDir));
      fs.rmSync(manifestDir, { recursive: true, force: true });
    },
  };
}
