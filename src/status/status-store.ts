/**
 * Where fleet status lives between processes: one FleetStatus per fleet at
 * `<stateDir>/status/<fleet>.json`, written atomically. A corrupt or foreign file is skipped
 * with a warning, never a crash: the next reconcile writes a good one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FleetStatus } from '../model/fleet-status';
import { writeJsonFileAtomic } from '../util/atomic-file';
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

export class FileStatusStore implements StatusStore {
  readonly dir: string;
  private readonly warn: (message: string) => void;

  constructor(stateDir: string, opts: FileStatusStoreOptions = {}) {
    this.dir = path.join(stateDir, 'status');
    this.warn = opts.warn ?? ((m) => process.stderr.write(`drover: warning: ${m}\n`));
  }

  fileFor(fleet: string): string {
    return path.join(this.dir, `${checkName(fleet)}.json`);
  }

  save(status: FleetStatus): void {
    writeJsonFileAtomic(this.fileFor(status.name), status);
  }

  load(fleet: string): FleetStatus | undefined {
    return this.read(this.fileFor(fleet));
  }

  list(): FleetStatus[] {
    return this.fleetFiles()
      .map((f) => this.read(f))
      .filter((s): s is FleetStatus => s !== undefined);
  }

  /** When the newest status file was written, or undefined when there is none. */
  lastWritten(): Date | undefined {
    const times = this.fleetFiles().flatMap((f) => {
      try {
        return [fs.statSync(f).mtimeMs];
      } catch {
        return [];
      }
    });
    return times.length ? new Date(Math.max(...times)) : undefined;
  }

  private fleetFiles(): string[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return names
      .filter((n) => n.endsWith('.json') && FLEET_NAME.test(n.slice(0, -'.json'.length)))
      .sort()
      .map((n) => path.join(this.dir, n));
  }

  private read(file: string): FleetStatus | undefined {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      this.warn(`reading fleet status ${file}: ${(err as Error).message}; skipped`);
      return undefined;
    }
    const parsed = parseFleetStatus(text);
    if ('error' in parsed) {
      this.warn(`reading fleet status ${file}: ${parsed.error}; skipped`);
      return undefined;
    }
    const expected = path.basename(file, '.json');
    if (parsed.name !== expected) {
      this.warn(`reading fleet status ${file}: it is the status of fleet ${JSON.stringify(parsed.name)}, not ${JSON.stringify(expected)}; skipped`);
      return undefined;
    }
    return parsed;
  }
}
