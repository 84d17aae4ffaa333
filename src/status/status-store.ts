/**
 * Where fleet status lives between processes: one FleetStatus per fleet, the `status` section
 * of the fleet's record in the state store (issue 13: the local directory or the DynamoDB
 * table, whichever is injected). A corrupt record or a foreign status is skipped with a
 * warning, never a crash: the next reconcile writes a good one. Every write is fenced (the
 * leases' `fenceFor` in a replica) and retried on a VersionConflict with a fresh read.
 */
import type { FleetStatus } from '../model/fleet-status';
import { LocalStateStore } from '../state/local/local-store';
import { updateRecord } from '../state/port';
import { recordWhere, soloFence, storeOf, unreadableRecord, type FenceFor, type StateSource } from '../state/store-of';
import type { FleetRecord, SectionShapes, StateStore } from '../state/port';
import { DroverError } from '../util/errors';

export interface StatusStore {
  load(fleet: string): Promise<FleetStatus | undefined>;
  /** Every readable status, sorted by fleet name. */
  list(): Promise<FleetStatus[]>;
  save(status: FleetStatus): Promise<void>;
  /**
   * Read, change, write the fleet's status, redone on a VersionConflict; `change` sees the
   * current status (undefined when none) and returns undefined to write nothing.
   */
  update(fleet: string, change: (prev: FleetStatus | undefined) => FleetStatus | undefined): Promise<FleetStatus | undefined>;
}

export interface FileStatusStoreOptions {
  /** Told about a record that could not be read; defaults to a line on stderr. */
  warn?: (message: string) => void;
  /** The fence of a write about a fleet; default every shard (a lone process). */
  fence?: FenceFor;
}

const FLEET_NAME = /^[a-z0-9][a-z0-9-]{0,127}$/;

function checkName(fleet: string): string {
  if (!FLEET_NAME.test(fleet)) {
    throw new DroverError(`storing fleet status: ${JSON.stringify(fleet)} is not a fleet name`, { code: 'InvalidKey', source: 'controller' });
  }
  return fleet;
}

/** The status in `text`, or why it is not one. */
export function parseFleetStatus(text: string): FleetStatus | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { error: `not JSON: ${(err as Error).message}` };
  }
  const s = value as Partial<FleetStatus> | null;
  if (!s || typeof s !== 'object' || typeof s.name !== 'string') return { error: 'no fleet name' };
  const shaped = typeof s.spec === 'object' && typeof s.observed === 'object' && typeof s.ready === 'object';
  if (!shaped || !Array.isArray(s.conditions) || !Array.isArray(s.events) || !Array.isArray(s.history)) {
    return { error: 'missing spec, observed, ready, conditions, events or history' };
  }
  return s as FleetStatus;
}

/**
 * The status section of each fleet's record in a StateStore. The name stays from the days of
 * one file per fleet: given a directory it uses the local store there (`<stateDir>/state/`);
 * the daemon and the CLI inject the store `openState` chose.
 */
export class FileStatusStore implements StatusStore {
  readonly store: StateStore<SectionShapes>;
  private readonly warn: (message: string) => void;
  private readonly fence: FenceFor;

  constructor(state: StateSource, opts: FileStatusStoreOptions = {}) {
    this.store = storeOf(state);
    this.warn = opts.warn ?? ((m) => process.stderr.write(`drover: warning: ${m}\n`));
    this.fence = opts.fence ?? soloFence();
  }

  /** Where the fleet's status is kept (its record file, or its table), for messages. */
  fileFor(fleet: string): string {
    return recordWhere(this.store, checkName(fleet));
  }

  async save(status: FleetStatus): Promise<void> {
    const fleet = checkName(status.name);
    const value = JSON.parse(JSON.stringify(status)) as FleetStatus;
    const nowMs = Date.parse(status.updatedAt) || Date.now();
    await updateRecord(this.store, fleet, this.fence(fleet), () => nowMs, () => ({ status: value }));
  }

  async update(fleet: string, change: (prev: FleetStatus | undefined) => FleetStatus | undefined): Promise<FleetStatus | undefined> {
    checkName(fleet);
    let next: FleetStatus | undefined;
    await updateRecord(this.store, fleet, this.fence(fleet), () => (next ? Date.parse(next.updatedAt) || Date.now() : Date.now()), (r) => {
      next = change(this.parse(fleet, r.sections.status));
      return next ? { status: JSON.parse(JSON.stringify(next)) as FleetStatus } : undefined;
    });
    return next ?? (await this.load(fleet));
  }

  async load(fleet: string): Promise<FleetStatus | undefined> {
    return this.read(checkName(fleet));
  }

  async list(): Promise<FleetStatus[]> {
    return (await this.records(false)).flatMap((r) => this.parse(r.fleet, r.sections.status) ?? []);
  }

  /** When the newest status was written, or undefined when there is none. */
  async lastWritten(): Promise<Date | undefined> {
    const times = (await this.records(true))
      .filter((r) => r.sections.status !== undefined)
      .map((r) => Date.parse(r.updatedAt ?? ''))
      .filter((t) => !Number.isNaN(t));
    return times.length ? new Date(Math.max(...times)) : undefined;
  }

  /** Every readable record: one call when the backend can (a scan on a table), else fleet by fleet, skipping a corrupt one. */
  private async records(quiet: boolean): Promise<Array<FleetRecord<SectionShapes>>> {
    if (this.store.readAll) {
      try {
        return await this.store.readAll();
      } catch (err) {
        if (!unreadableRecord(err)) throw err;
      }
    }
    const each = await Promise.all(
      (await this.store.list()).map(async (f) => {
        try {
          return await this.store.read(f);
        } catch (err) {
          if (!unreadableRecord(err)) throw err;
          if (!quiet) this.warn(`reading fleet status ${this.fileFor(f)}: ${(err as Error).message}; skipped`);
          return undefined;
        }
      }),
    );
    return each.filter((r): r is FleetRecord<SectionShapes> => r !== undefined);
  }

  private async read(fleet: string): Promise<FleetStatus | undefined> {
    let section: unknown;
    try {
      section = (await this.store.read(fleet)).sections.status;
    } catch (err) {
      // A corrupt record is skipped; a store that cannot answer (a missing table, throttled to the end) is an error.
      if (!unreadableRecord(err)) throw err;
      this.warn(`reading fleet status ${this.fileFor(fleet)}: ${(err as Error).message}; skipped`);
      return undefined;
    }
    return this.parse(fleet, section);
  }

  /** The status in a record's section; a bad one is warned about and skipped. */
  private parse(fleet: string, section: unknown): FleetStatus | undefined {
    if (section === undefined) return undefined;
    const parsed = parseFleetStatus(JSON.stringify(section));
    if ('error' in parsed) {
      this.warn(`reading fleet status ${this.fileFor(fleet)}: ${parsed.error}; skipped`);
      return undefined;
    }
    if (parsed.name !== fleet) {
      this.warn(`reading fleet status ${this.fileFor(fleet)}: it is the status of fleet ${JSON.stringify(parsed.name)}, not ${JSON.stringify(fleet)}; skipped`);
      return undefined;
    }
    return parsed;
  }
}

/**
 * For local-only tools that poll in synchronous predicates (the demo, the soak, the benches):
 * the status in a state directory's local store, read at once; undefined when none or unreadable.
 */
export function localStatusNow(stateDir: string, fleet: string): FleetStatus | undefined {
  try {
    const section = new LocalStateStore(stateDir).readNow(checkName(fleet)).sections.status;
    if (section === undefined) return undefined;
    const parsed = parseFleetStatus(JSON.stringify(section));
    return 'error' in parsed || parsed.name !== fleet ? undefined : parsed;
  } catch {
    return undefined;
  }
}
