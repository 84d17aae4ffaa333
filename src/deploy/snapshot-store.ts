/**
 * Where deployment snapshots live between processes: one JSON record per fleet, written
 * after every transition. A file store writes atomically (temp file, fsync, rename) and
 * reports a corrupt file instead of throwing, so the controller can rebuild from the world.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomicAsync } from '../util/atomic-file';
import { DroverError } from '../util/errors';

export type DeploymentKind = 'bake' | 'swap' | 'rolling' | 'canary';

export interface DeploymentRecord {
  fleet: string;
  kind: DeploymentKind;
  id: string;
  /** ISO time. */
  startedAt: string;
  /** ISO time of the last save. */
  updatedAt: string;
  /** `actor.getPersistedSnapshot()`: JSON-only. */
  snapshot: unknown;
}

export interface CorruptRecord {
  corrupt: true;
  error: string;
}

export type LoadedRecord = DeploymentRecord | CorruptRecord | undefined;

export interface SnapshotStore {
  save(key: string, record: DeploymentRecord): Promise<void>;
  load(key: string): Promise<LoadedRecord>;
  /** Keys with a record, sorted. */
  list(): Promise<string[]>;
  delete(key: string): Promise<void>;
}

export function isCorrupt(loaded: LoadedRecord): loaded is CorruptRecord {
  return !!loaded && (loaded as CorruptRecord).corrupt === true;
}

const KEY = /^[a-z0-9][a-z0-9-]{0,127}$/;

function checkKey(key: string): string {
  if (!KEY.test(key)) {
    throw new DroverError(`saving deployment snapshot: key ${JSON.stringify(key)} is not a fleet name`, { code: 'InvalidKey', source: 'controller' });
  }
  return key;
}

/** Parses a record, or says why it is not one. */
export function parseRecord(text: string): DeploymentRecord | CorruptRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { corrupt: true, error: `parsing deployment record: ${(err as Error).message}` };
  }
  const r = value as Partial<DeploymentRecord> | null;
  if (!r || typeof r !== 'object' || typeof r.fleet !== 'string' || typeof r.id !== 'string' || !r.snapshot || typeof r.snapshot !== 'object') {
    return { corrupt: true, error: 'parsing deployment record: missing fleet, id or snapshot' };
  }
  if (r.kind !== 'bake' && r.kind !== 'swap' && r.kind !== 'rolling' && r.kind !== 'canary') {
    return { corrupt: true, error: `parsing deployment record: unknown kind ${JSON.stringify(r.kind)}` };
  }
  return r as DeploymentRecord;
}

/** `<stateDir>/deployments/<fleet>.json`. */
export class FileSnapshotStore implements SnapshotStore {
  readonly dir: string;

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, 'deployments');
  }

  fileFor(key: string): string {
    return path.join(this.dir, `${checkKey(key)}.json`);
  }

  async save(key: string, record: DeploymentRecord): Promise<void> {
    await writeFileAtomicAsync(this.fileFor(key), JSON.stringify(record, null, 2) + '\n');
  }

  async load(key: string): Promise<LoadedRecord> {
    let text: string;
    try {
      text = await fsp.readFile(this.fileFor(key), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    return parseRecord(text);
  }

  async list(): Promise<string[]> {
    let names: string[];
    try {
      names = await fsp.readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return names
      .filter((n) => n.endsWith('.json'))
      .map((n) => n.slice(0, -'.json'.length))
      .filter((k) => KEY.test(k))
      .sort();
  }

  async delete(key: string): Promise<void> {
    await fsp.rm(this.fileFor(key), { force: true });
  }
}

/** Keeps records as JSON text, so a snapshot that is not JSON-only fails here as on disk. */
export class MemorySnapshotStore implements SnapshotStore {
  private readonly records = new Map<string, string>();
  /** Every record saved, oldest first (tests replay them). */
  readonly history: DeploymentRecord[] = [];

  async save(key: string, record: DeploymentRecord): Promise<void> {
    const text = JSON.stringify(record);
    this.records.set(checkKey(key), text);
    this.history.push(JSON.parse(text) as DeploymentRecord);
  }

  async load(key: string): Promise<LoadedRecord> {
    const text = this.records.get(key);
    return text === undefined ? undefined : parseRecord(text);
  }

  /** Overwrite a record's raw text (tests simulate a torn or garbled file). */
  putRaw(key: string, text: string): void {
    this.records.set(checkKey(key), text);
  }

  async list(): Promise<string[]> {
    return [...this.records.keys()].sort();
  }

  async delete(key: string): Promise<void> {
    this.records.delete(key);
  }
}
