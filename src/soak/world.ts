/**
 * The soak's world: one virtual clock and simulated account, a manifest directory with the
 * soak fleets, a state directory the daemon processes share, and the current process. Time
 * passes only through `pass`, stopping at every timer so the daemon keeps up.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CallCounter } from '../aws/call-counter';
import type { Logger } from '../log/logger';
import { SimAccount } from '../sim';
import { VirtualClock } from '../util/clock';
import { passVirtualTime } from '../util/virtual-drive';
import { DaemonProcess } from './daemon-process';
import { fleetManifest, type SoakFleet } from './fleets';

export interface SoakWorldOptions {
  fleets: SoakFleet[];
  seed: number;
  logger: Logger;
  random: () => number;
  startMs?: number;
}

export class SoakWorld {
  readonly clock: VirtualClock;
  readonly sim: SimAccount;
  readonly stateDir: string;
  readonly manifestDir: string;
  readonly calls = new CallCounter();
  proc!: DaemonProcess;
  /** Processes that ended without the soak asking (kept to report them). */
  private readonly processes: DaemonProcess[] = [];

  constructor(private readonly opts: SoakWorldOptions) {
    this.clock = new VirtualClock(opts.startMs ?? Date.UTC(2026, 10, 26, 6, 0, 0));
    this.sim = new SimAccount({ clock: this.clock, seed: opts.seed });
    const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
    this.stateDir = fs.mkdtempSync(path.join(base, 'drover-soak-state-'));
    this.manifestDir = fs.mkdtempSync(path.join(base, 'drover-soak-manifests-'));
    for (const f of opts.fleets) fs.writeFileSync(path.join(this.manifestDir, `${f.name}.yaml`), fleetManifest(f));
  }

  /** Start a daemon process on the shared state (the first one, or the one after a kill). */
  async startProcess(): Promise<DaemonProcess> {
    const proc = new DaemonProcess(
      { sim: this.sim, clock: this.clock, stateDir: this.stateDir, manifestDir: this.manifestDir, calls: this.calls, logger: this.opts.logger, random: this.opts.random },
      this.processes.length + 1,
    );
    this.proc = proc;
    this.processes.push(proc);
    await this.during(proc.start(), () => proc.dead);
    return proc;
  }

  /** kill -9 the current process (if the armed kill has not already) and start the next. */
  async killAndRestart(): Promise<DaemonProcess> {
    const old = this.proc;
    old.kill();
    await old.buried();
    this.calls.reset();
    return this.startProcess();
  }

  /** Let `ms` of virtual time pass with the daemon keeping up. */
  async pass(ms: number): Promise<void> {
    await passVirtualTime(this.clock, (d) => this.sim.advance(d), ms, () => this.proc.settle());
  }

  /** Wait for `p` while virtual time moves in small steps (bounded), or until `gaveUp` holds. */
  async during<T>(p: Promise<T>, gaveUp: () => boolean = () => false, maxMs = 30 * 60_000): Promise<T | undefined> {
    let done = false;
    let value: T | undefined;
    p.then((v) => ((value = v), (done = true)), () => (done = true));
    for (let waited = 0; waited < maxMs; waited += 1_000) {
      await this.proc.settle();
      if (done || gaveUp()) return value;
      await this.pass(1_000);
    }
    return value;
  }

  /** Stop the current process gracefully, keeping virtual time moving. */
  async stop(): Promise<void> {
    if (!this.proc.dead) await this.during(this.proc.stop(), undefined, 10 * 60_000);
  }

  /** Every process that ended on its own, with why. */
  exits(): Array<{ generation: number; why: string }> {
    return this.processes.filter((p) => p.exitedOnItsOwn).map((p) => ({ generation: p.generation, why: p.exitedOnItsOwn! }));
  }

  dispose(): void {
    fs.rmSync(this.stateDir, { recursive: true, force: true });
    fs.rmSync(this.manifestDir, { recursive: true, force: true });
  }
}
