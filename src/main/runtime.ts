import * as fs from 'node:fs';
import { createAwsPort, type AwsPort } from '../aws/clients';
import type { Logger } from '../log/logger';
import { SimAccount, createSimPlugin } from '../sim';
import { SystemClock, VirtualClock, type Clock } from '../util/clock';
import { attachSimAudit } from './sim-audit';
import { migrateStateLayout, statePath } from './state-dir';
import { claimStateDir } from './state-lock';
import { openRemoteRuntime, simServerUrl } from './sim-url';
import { flush, passVirtualTime } from '../util/virtual-drive';

/**
 * What a command needs to talk to AWS or to the simulated account: clients, a clock, and a
 * `sleep` for backoff. In the simulated account, sleeping advances virtual time: the world
 * moves on while drover backs off, just as it would in AWS.
 */
export interface Runtime {
  clients: AwsPort;
  clock: Clock;
  sleep(ms: number): Promise<void>;
  sim?: SimAccount;
  stateDir: string;
  /** Persist what must outlive the process (the simulated account). */
  save(): void;
  /** Simulated account: what virtual time waits for before it moves (deployment saves in flight). */
  settle?: () => Promise<void>;
}

export interface RuntimeOptions {
  sim: boolean;
  stateDir: string;
  region?: string;
  logger: Logger;
  /** Start the simulated account from scratch, discarding a saved one. */
  fresh?: boolean;
  /** Write nothing to the state directory, take no lock (plan while another drover holds it). */
  readOnly?: boolean;
}

export function simAccountFile(stateDir: string): string {
  return statePath(stateDir, 'sim', 'account.json');
}

export function openRuntime(opts: RuntimeOptions): Runtime {
  if (!opts.readOnly) {
    claimStateDir(opts.stateDir);
    migrateStateLayout(opts.stateDir);
  }
  // DROVER_SIM_URL: the account one `drover sim serve` process serves to all (sim-url.ts).
  const url = simServerUrl();
  if (url) return openRemoteRuntime(url, { stateDir: opts.stateDir, region: opts.region, fresh: opts.fresh });
  if (!opts.sim) {
    const clock = new SystemClock();
    const clients = createAwsPort({ region: opts.region });
    return { clients, clock, sleep: (ms) => clock.sleep(ms), stateDir: opts.stateDir, save: () => undefined };
  }
  const sim = openSimAccount(opts.stateDir, opts.fresh ?? false, { readOnly: opts.readOnly });
  // Write-through: a killed process never undoes what the account already answered.
  if (!opts.readOnly) sim.persistTo(simAccountFile(opts.stateDir));
  if (process.env.DROVER_SIM_AUDIT) attachSimAudit(sim, process.env.DROVER_SIM_AUDIT);
  const clients = createAwsPort({ region: opts.region ?? 'eu-west-1', plugin: createSimPlugin(sim) });
  const rt: Runtime = {
    clients,
    sim,
    clock: sim.clock,
    stateDir: opts.stateDir,
    // Deployment actors run on this clock: stop at each of their timers so they keep up.
    sleep: (ms) => passVirtualTime(sim.clock, (d) => sim.advance(d), ms, () => (rt.settle ?? flush)()),
    save: () => (opts.readOnly ? undefined : sim.save(simAccountFile(opts.stateDir))),
  };
  return rt;
}

/**
 * Load the simulated account saved in the state directory, or create a new one starting now.
 * Opening it to change it takes the state directory's lock (state-lock.ts); `readOnly` does not.
 */
export function openSimAccount(stateDir: string, fresh: boolean, opts: { readOnly?: boolean } = {}): SimAccount {
  if (!opts.readOnly) claimStateDir(stateDir);
  const file = simAccountFile(stateDir);
  if (!fresh && fs.existsSync(file)) {
    try {
      return SimAccount.load(file);
    } catch (err) {
      // One line naming the file and the way out; the file stays for inspection.
      throw new Error(`${(err as Error).message} (the file is damaged; start fresh with 'drover sim reset --state-dir ${stateDir}')`, { cause: err });
    }
  }
  const startMs = Math.floor(Date.now() / 1000) * 1000;
  return new SimAccount({ clock: new VirtualClock(startMs) });
}
