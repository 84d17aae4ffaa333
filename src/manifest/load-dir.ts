/**
 * Load every manifest in a directory (and its immediate subdirectories, except `schema/`
 * and hidden ones). A bad file is reported without hiding the good ones.
 */
import { readFileSync, readdirSync } from 'node:fs';
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

/**
 * Manifest files under `dir`, sorted: its own files first, then each subdirectory's.
 * A manifest repository often holds other YAML (Kubernetes, CloudFormation, CI): a file
 * that says it is something else (another apiVersion or kind, a CloudFormation template)
 * and never mentions drover is left out. Anything else is loaded, so a broken or
 * misspelt fleet file is reported, never skipped.
 */
export function listManifestFiles(dir: string): string[] {
  const top = entries(dir);
  const files = top.filter((e) => e.isFile && MANIFEST_EXT.test(e.name)).map((e) => join(dir, e.name));
  for (const sub of top.filter((e) => e.isDir && !e.name.startsWith('.') && !SKIPPED_DIRS.has(e.name))) {
    const subDir = join(dir, sub.name);
    files.push(...entries(subDir).filter((e) => e.isFile && MANIFEST_EXT.test(e.name)).map((e) => join(subDir, e.name)));
  }
  return files.filter((f) => !isForeignYaml(f));
}

const DROVER_MARK = /^\s*(apiVersion:\s*['"]?drover\.dev\/|kind:\s*['"]?Fleet\b)/m;
const FOREIGN_MARK = /^(apiVersion:|kind:|AWSTemplateFormatVersion:)/m;

function isForeignYaml(file: string): boolean {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').slice(0, 1 << 20);
  } catch {
    return false; // unreadable: let the loader report it with its path
  }
  return FOREIGN_MARK.test(text) && !DROVER_MARK.test(text);
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
