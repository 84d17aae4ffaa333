/**
 * The bake register (intake/bake-requests.ts) persisted at `<stateDir>/intake/bake-register.json`,
 * written atomically before the message that changed it is acknowledged: a message is deleted
 * only after its effect is recorded. The FleetReconciler hears about one commit at a time per
 * fleet: the register's next startable commit, after the in-flight one finished.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  emptyBakeRegister,
  finishBake,
  requestBake,
  startBake,
  type BakeCommitRequest,
  type BakeRegister,
  type BakeRequestInput,
  type BakeRequestOutcome,
  type DeployedCommit,
} from '../intake/bake-requests';
import { EVENTS } from '../log/events';
import type { Logger } from '../log/logger';
import { writeJsonFileAtomic } from '../util/atomic-file';

export function bakeRegisterFile(stateDir: string): string {
  return path.join(stateDir, 'intake', 'bake-register.json');
}

export class BakeRegisterStore {
  private register: BakeRegister;

  private readonly logger: Logger;

  constructor(
    private readonly file: string,
    logger: Logger,
  ) {
    this.logger = logger.child({ component: 'intake' });
    this.register = this.read();
  }

  current(): BakeRegister {
    return this.register;
  }

  /** Count a requested commit and persist the register. */
  request(fleet: string, input: BakeRequestInput, deployed?: DeployedCommit): { outcome: BakeRequestOutcome; reason: string } {
    const r = requestBake(this.register, fleet, input, deployed);
    this.save(r.register);
    return { outcome: r.outcome, reason: r.reason };
  }

  /** Move the pending commit in flight (persisted) when nothing is baking. */
  start(fleet: string): BakeCommitRequest | undefined {
    const r = startBake(this.register, fleet);
    if (r.started) this.save(r.register);
    return r.started;
  }

  /** The in-flight bake of `commit` ended. False when it was not the one in flight. */
  finish(fleet: string, commit: string): boolean {
    const next = finishBake(this.register, fleet, commit);
    if (next === this.register) return false;
    this.save(next);
    return true;
  }

  inFlight(fleet: string): BakeCommitRequest | undefined {
    return this.register.fleets[fleet]?.inFlight;
  }

  private save(next: BakeRegister): void {
    writeJsonFileAtomic(this.file, next);
    this.register = next;
  }

  private read(): BakeRegister {
    if (!fs.existsSync(this.file)) return emptyBakeRegister();
    try {
      const value = JSON.parse(fs.readFileSync(this.file, 'utf8')) as BakeRegister;
      if (typeof value?.seq === 'number' && value.fleets && typeof value.fleets === 'object') return value;
      throw new Error('not a bake register');
    } catch (err) {
      this.logger.error({ event: EVENTS.bakeRegisterUnreadable, file: this.file, err: String(err) }, `reading bake register ${this.file}: ${(err as Error).message}; starting empty`);
      return emptyBakeRegister();
    }
  }
}
