/**
 * Load every manifest in a directory (and its immediate subdirectories, except `schema/`
 * and hidden ones). A bad file is reported without hiding the good ones.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DesiredFleet } from '../model/fleet';
import { ManifestError } from '../util/errors';
import { dropDuplicateFleets } from './duplicates';
import { causeOf, loadManifestFile } from './load';

const MANIFEST_EXT = /\.ya?ml$/i;
const SKIPPED_DIRS = new Set(['schema', 'node_modules']);

function entries(dir: string): Array<{ name: string; isFile: boolean; isDir: boolean }> {
  return readdirSync(dir, { withFileTypes: true })
    .map((e) => ({ name: e.name, isFile: e.isFile(), isDir: e.isDirectory() }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Manifest files under `dir`, sorted: its own files first, then each subdirectory's. */
export function listManifestFiles(dir: string): string[] {
  const top = entries(dir);
  const files = top.filter((e) => e.isFile && MANIFEST_EXT.test(e.name)).map((e) => join(dir, e.name));
  for (const sub of top.filter((e) => e.isDir && !e.name.startsWith('.') && !SKIPPED_DIRS.has(e.name))) {
    const subDir = join(dir, sub.name);
    files.push(...entries(subDir).filter((e) => e.isFile && MANIFEST_EXT.test(e.name)).map((e) => join(subDir, e.name)));
  }
  return files;
}

export interface LoadDirResult {
  fleets: DesiredFleet[];
  errors: ManifestError[];
}

/** Load all manifests in `dir`. Later duplicates of a fleet name are dropped and reported. */
export function loadManifestDir(dir: string): LoadDirResult {
  let files: string[];
  try {
    files = listManifestFiles(dir);
  } catch (err) {
    const cause = causeOf(err);
    return { fleets: [], errors: [new ManifestError([{ file: dir, line: 1, col: 1, message: `reading directory: ${cause}` }])] };
  }
  const loaded: DesiredFleet[] = [];
  const errors: ManifestError[] = [];
  for (const file of files) {
    try {
      loaded.push(...loadManifestFile(file));
    } catch (err) {
      if (err instanceof ManifestError) errors.push(err);
      else throw err;
    }
  }
  const { kept, problems } = dropDuplicateFleets(loaded);
  for (const p of problems) errors.push(new ManifestError([p]));
  return { fleets: kept, errors };
}
