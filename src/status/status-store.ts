/**
 * Where fleet status lives between processes: one FleetStatus per fleet, the `status` section
 * of the fleet's record in the state store, written atomically. A corrupt record or a foreign
 * status is skipped with a warning, never a crash: the next reconcile writes a good one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FleetStatus } from '../model/fleet-status';
import { VersionConflict } from '../state/errors';
import { soloOwnership } from '../state/leases';
import { LocalStateStore } from '../state/local/local-store';
import { DroverError } from '../util/errors';

export interface StatusStore {
  load(fleet: string): FleetStatus | undefined;
  /** Every readable status, sorted by fleet name. */
  list(): FleetStatus[];
  save(status: FleetStatus): void;
}

export interface FileStatusStoreOptions {
  /** Told about a file that could not be read; defaults to a line on stderr. */
  warn?: (message: string) => void;
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
 * The status section of each fleet's record in the local state store (`<stateDir>/state/`,
 * issue 13), read and written synchronously: the local directory answers at once, so the
 * callers (reconciler, CLI, dashboard) stay as they were. Today's `status/` files are imported
 * by the writer that claims the directory (main/state-dir.ts).
 */
export class FileStatusStore implements StatusStore {
  private readonly store: LocalStateStore;
  private readonly warn: (message: string) => void;
  private readonly fence = soloOwnership();

  constructor(stateDir: string, opts: FileStatusStoreOptions = {}) {
    this.store = new LocalStateStore(stateDir);
    this.warn = opts.warn ?? ((m) => process.stderr.write(`drover: warning: ${m}\n`));
  }

  /** The record file holding the fleet's status. */
  fileFor(fleet: string): string {
    return this.store.fleetFile(checkName(fleet));
  }

  save(status: FleetStatus): void {
    const fleet = checkName(status.name);
    const value = JSON.parse(JSON.stringify(status)) as FleetStatus;
    for (let attempt = 1; ; attempt++) {
      try {
        this.store.writeNow(this.store.readNow(fleet), { status: value }, this.fence.fenceFor(fleet), Date.parse(status.updatedAt) || Date.now());
        return;
      } catch (err) {
        if (!(err instanceof VersionConflict) || attempt >= 3) throw err;
      }
    }
  }

  load(fleet: string): FleetStatus | undefined {
    return this.read(checkName(fleet));
  }

  list(): FleetStatus[] {
    return this.fleets()
      .map((f) => this.read(f))
      .filter((s): s is FleetStatus => s !== undefined);
  }

  /** When the newest status was written, or undefined when there is none. */
  lastWritten(): Date | undefined {
    const times = this.fleets().flatMap((f) => {
      try {
        return this.store.readNow(f).sections.status === undefined ? [] : [fs.statSync(this.store.fleetFile(f)).mtimeMs];
      } catch {
        return [];
      }
    });
    return times.length ? new Date(Math.max(...times)) : undefined;
  }

  private fleets(): string[] {
    let names: string[];
    try {
      names = fs.readdirSync(path.dirname(this.store.fleetFile('x')));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return names
      .filter((n) => n.endsWith('.json') && FLEET_NAME.test(n.slice(0, -'.json'.length)))
      .map((n) => n.slice(0, -'.json'.length))
      .sort();
  }

  private read(fleet: string): FleetStatus | undefined {
    const file = this.store.fleetFile(fleet);
    let section: unknown;
    try {
      section = this.store.readNow(fleet).sections.status;
    } catch (err) {
      this.warn(`reading fleet status ${file}: ${(err as Error).message}; skipped`);
      return undefined;
    }
    if (section === undefined) return undefined;
    const parsed = parseFleetStatus(JSON.stringify(section));
    if ('error' in parsed) {
      this.warn(`reading fleet status ${file}: ${parsed.error}; skipped`);
      return undefined;
    }
    if (parsed.name !== fleet) {
      this.warn(`reading fleet status ${file}: it is the status of fleet ${JSON.stringify(parsed.name)}, not ${JSON.stringify(fleet)}; skipped`);
      return undefined;
    }
    return parsed;
  }
}
