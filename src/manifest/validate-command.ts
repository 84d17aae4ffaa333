/**
 * `drover validate FILE...`: check manifests without touching AWS. One line per good file,
 * one `FILE:LINE:COL: message` line per problem.
 */
import { ManifestError, ManifestProblem, formatProblem } from '../util/errors';
import type { DesiredFleet } from '../model/fleet';
import { dropDuplicateFleets } from './duplicates';
import { loadManifestFile } from './load';

export interface ValidateResult {
  ok: boolean;
  output: string;
  /** Number of valid fleets found. */
  fleets: number;
}

function plural(n: number): string {
  return `${n} fleet${n === 1 ? '' : 's'}`;
}

/** Validate every file, also checking fleet names are unique across them. */
export function validateFiles(paths: string[]): ValidateResult {
  const lines: string[] = [];
  const all: DesiredFleet[] = [];
  const perFile = new Map<string, number>();
  let problems: ManifestProblem[] = [];
  for (const path of paths) {
    try {
      const fleets = loadManifestFile(path);
      all.push(...fleets);
      perFile.set(path, fleets.length);
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      problems.push(...err.problems);
    }
  }
  const dups = dropDuplicateFleets(all);
  problems = [...problems, ...dups.problems];
  const badFiles = new Set(problems.map((p) => p.file));
  for (const path of paths) {
    const count = perFile.get(path);
    if (count !== undefined && !badFiles.has(path)) lines.push(`${path}: ok (${plural(count)})`);
    lines.push(...problems.filter((p) => p.file === path).map(formatProblem));
  }
  const fleets = dups.kept.filter((f) => !badFiles.has(f.source.file)).length;
  return { ok: problems.length === 0, output: lines.join('\n'), fleets };
}
