import * as fs from 'node:fs';
import * as nodeFs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic, writeJsonFileAtomic, type AtomicFs } from '../util/atomic-file';
import { claimStateDir } from './state-lock';
import { migrateLegacyLayoutNow } from '../state/local/legacy';
import type { SectionName } from '../state/port';

/**
 * The state directory holds everything drover remembers between processes: the simulated
 * account, the last applied manifests, fleet status and deployment snapshots.
 * `--state-dir`, else `DROVER_STATE_DIR`, else `./.drover`.
 */
export function resolveStateDir(flag?: string): string {
  return path.resolve(flag ?? process.env.DROVER_STATE_DIR ?? '.drover');
}

/** The state directory cannot be written: the command or daemon stops before acting. */
export class StateDirError extends Error {}

/**
 * Open the state directory for writing, the one gate every writing command passes: refuse a
 * directory that cannot be written, then take its exclusive lock (state-lock.ts; refused with
 * StateDirInUse while another drover writes there).
 */
export function assertWritableStateDir(stateDir: string, fs: AtomicFs = nodeFs): void {
  probeWritableStateDir(stateDir, fs);
  claimStateDir(stateDir);
  migrateStateLayout(stateDir);
}

/** The sections kept in the state store's fleet records (all four: today's files are imported). */
export const RECORD_SECTIONS: readonly SectionName[] = ['deployment', 'status', 'intent', 'bakes'];

/**
 * Move today's layout of the wired sections into the state store's fleet records, once (so an
 * existing state directory keeps working); run by the writer that holds the directory's lock.
 * A file that is not JSON stays where it is, with a warning naming it.
 */
export function migrateStateLayout(stateDir: string, warn: (line: string) => void = (l) => process.stderr.write(`drover: warning: ${l}\n`)): void {
  const report = migrateLegacyLayoutNow(stateDir, Date.now(), RECORD_SECTIONS);
  for (const s of report.skipped) warn(`not importing ${s.file} into the state store: ${s.error}; it stays where it is`);
}

/**
 * Refuse to act on a state directory that cannot be written (read-only, EACCES, a path under
 * a file): one line naming the path and the errno, before anything starts or half-happens.
 * Probes with a real atomic write, the same operations every later save uses.
 */
export function probeWritableStateDir(stateDir: string, fs: AtomicFs = nodeFs): void {
  const probe = path.join(stateDir, '.write-check');
  try {
    writeFileAtomic(probe, `${process.pid}\n`, fs);
    fs.rmSync(probe, { force: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new StateDirError(`state directory ${stateDir} cannot be written: ${e.code ?? 'error'} (${e.message}); fix its permissions or pass another --state-dir`, { cause: err });
  }
}

/**
 * Everything a simulated world leaves in the state directory: the account itself and drover's
 * memory of it (status, deployment snapshots, per-fleet memory, intake registers, and the
 * state store's records, `state/`).
 */
export const SIMULATED_WORLD_DIRS = ['sim', 'status', 'deployments', 'fleets', 'intake', 'inbox', 'state'];

/** `drover sim reset`: remove the simulated world and drover's memory of it; returns what existed. */
export function resetSimulatedWorld(stateDir: string): string[] {
  if (fs.existsSync(stateDir)) claimStateDir(stateDir);
  const present = SIMULATED_WORLD_DIRS.map((d) => path.join(stateDir, d)).filter((p) => fs.existsSync(p));
  for (const p of present) fs.rmSync(p, { recursive: true, force: true });
  return present;
}

export function statePath(stateDir: string, ...parts: string[]): string {
  return path.join(stateDir, ...parts);
}

/** Write JSON atomically: a reader sees the old file or the new one, never half of one. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeJsonFileAtomic(file, value);
}

export function readJson<T>(file: string): T | undefined {
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/** Remember which manifest files were last applied, so `drover plan --sim` can run without `-f`. */
export function rememberApplied(stateDir: string, files: string[]): void {
  writeJsonAtomic(statePath(stateDir, 'applied.json'), { files: files.map((f) => path.resolve(f)) });
}

export function lastApplied(stateDir: string): string[] | undefined {
  return readJson<{ files: string[] }>(statePath(stateDir, 'applied.json'))?.files;
}
