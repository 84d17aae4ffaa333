/**
 * The bake register (intake/bake-requests.ts) persisted at `<stateDir>/intake/bake-register.json`,
 * written atomically before the message that changed it is acknowledged: a message is deleted
 * only after its effect is recorded. With `groupCommit`, requests only change the register in
 * memory and `commit()` writes them all at once (one write, one fsync for a received batch); the
 * poller commits before it deletes the batch's messages. Starting or finishing a bake is rare and
 * hands work to the reconciler, so it still writes at once (with any uncommitted requests).
 * The file format is the same either way. The Reconciler hears about one commit at a time per
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
} from './bake-requests';
import { EVENTS } from '../../log/events';
import type { Logger } from '../../log/logger';
import { writeJsonFileAtomic } from '../../util/atomic-file';
import type { RegisterPersistence } from './bake-register-records';

export function bakeRegisterFile(stateDir: string): string {
  return path.join(stateDir, 'intake', 'bake-register.json');
}

export interface BakeRegisterStoreOptions {
  /** Defer request() writes to commit(). */
  groupCommit?: boolean;
  /** Where the register is kept; default the JSON file `file`. */
  persistence?: RegisterPersistence;
}

/** The register as one JSON file (the layout before the state store; benches and tests use it). */
class FilePersistence implements RegisterPersistence {
  constructor(readonly where: string) {}

  async read(): Promise<BakeRegister> {
    if (!fs.existsSync(this.where)) return emptyBakeRegister();
    const value = JSON.parse(fs.readFileSync(this.where, 'utf8')) as BakeRegister;
    if (typeof value?.seq === 'number' && value.fleets && typeof value.fleets === 'object') return value;
    throw new Error('not a bake register');
  }

  async write(next: BakeRegister): Promise<void> {
    writeJsonFileAtomic(this.where, next);
  }
}

export class BakeRegisterStore {
  private register: BakeRegister = emptyBakeRegister();
  /** Requests in memory that the file does not hold yet. */
  private dirty = false;
  /** Register files written (each one write + fsync + rename). */
  writes = 0;

  private readonly logger: Logger;
  private readonly persistence: RegisterPersistence;
  /** What the persistence holds now. */
  private stored: BakeRegister = this.register;
  /** Writes run one at a time, each diffed against what the one before stored. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    file: string,
    logger: Logger,
    private readonly options: BakeRegisterStoreOptions = {},
  ) {
    this.logger = logger.child({ component: 'intake' });
    this.persistence = options.persistence ?? new FilePersistence(file);
  }

  /** Read the register (at start, and after the state directory's layout was migrated); uncommitted requests are dropped. */
  async reload(): Promise<this> {
    this.register = await this.read();
    this.stored = this.register;
    this.dirty = false;
    return this;
  }

  current(): BakeRegister {
    return this.register;
  }

  /**
   * Count a requested commit in memory. With `groupCommit` it waits for `commit()`; without,
   * `saved` settles once it is persisted (callers await it before acknowledging).
   */
  request(fleet: string, input: BakeRequestInput, deployed?: DeployedCommit): { outcome: BakeRequestOutcome; reason: string; saved: Promise<void> } {
    const r = requestBake(this.register, fleet, input, deployed);
    let saved = Promise.resolve();
    if (r.register !== this.register) {
      this.register = r.register;
      this.dirty = true;
      if (!this.options.groupCommit) saved = this.commit();
    }
    return { outcome: r.outcome, reason: r.reason, saved };
  }

  /** Move the pending commit in flight (persisted) when nothing is baking. */
  async start(fleet: string): Promise<BakeCommitRequest | undefined> {
    const r = startBake(this.register, fleet);
    if (r.started) await this.save(r.register);
    return r.started;
  }

  /** The in-flight bake of `commit` ended. False when it was not the one in flight. */
  async finish(fleet: string, commit: string): Promise<boolean> {
    const next = finishBake(this.register, fleet, commit);
    if (next === this.register) return false;
    await this.save(next);
    return true;
  }

  inFlight(fleet: string): BakeCommitRequest | undefined {
    return this.register.fleets[fleet]?.inFlight;
  }

  /** Write uncommitted requests (one write, one fsync). Throws when the write fails; they stay uncommitted. */
  async commit(): Promise<void> {
    if (this.dirty) await this.save(this.register);
  }

  /** Whether requests are waiting for commit(). */
  uncommitted(): boolean {
    return this.dirty;
  }

  /** In memory at once (the next request builds on it), persisted in order; a failed write leaves it uncommitted. */
  private save(next: BakeRegister): Promise<void> {
    this.register = next;
    this.dirty = true;
    const run = this.writing.then(async () => {
      if (this.stored === next) return;
      await this.persistence.write(next, this.stored);
      this.writes++;
      this.stored = next;
      if (this.register === next) this.dirty = false;
    });
    this.writing = run.catch(() => undefined);
    return run;
  }

  private async read(): Promise<BakeRegister> {
    const where = this.persistence.where;
    try {
      return await this.persistence.read();
    } catch (err) {
      this.logger.error({ event: EVENTS.bakeRegisterUnreadable, file: where, err: String(err) }, `reading bake register ${where}: ${(err as Error).message}; starting empty`);
      return emptyBakeRegister();
    }
  }
}
