/**
 * `drover validate FILE...`: check manifests without touching AWS. One line per good file,
 * one `FILE:LINE:COL: message` line per problem.
 */
import { ManifestError, ManifestProblem, formatProblem } from '../util/errors';
import type { DesiredFleet } from '../model/fleet';
import { dropDuplicateFleets } from './duplicates';
import { loadManifestFile } from './load';

/** One file's verdict, for `validate -o json|yaml`. */
export interface FileValidation {
  file: string;
  ok: boolean;
  /** The fleets the file declares (metadata.name), when it loaded. */
  fleets: string[];
  /** `FILE:LINE:COL: message`, as the text output prints them. */
  problems: string[];
}

export interface ValidateResult {
  ok: boolean;
  output: string;
  /** Number of valid fleets found. */
  fleets: number;
  files: FileValidation[];
}

function plural(n: number): string {
  return `${n} fleet${n === 1 ? '' : 's'}`;
}

/** Validate every file, also checking fleet names are unique across them. */
export function validateFiles(paths: string[]): ValidateResult {
  const lines: string[] = [];
  const all: DesiredFleet[] = [];
  const perFile = new Map<string, string[]>();
  let problems: ManifestProblem[] = [];
  for (const path of paths) {
    try {
      const fleets = loadManifestFile(path);
      all.push(...fleets);
      perFile.set(path, fleets.map((f) => f.name));
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      problems.push(...err.problems);
    }
  }
  const dups = dropDuplicateFleets(all);
  problems = [...problems, ...dups.problems];
  const badFiles = new Set(problems.map((p) => p.file));
  const files: FileValidation[] = [];
  for (const path of paths) {
    const names = perFile.get(path);
    if (names !== undefined && !badFiles.has(path)) lines.push(`${path}: ok (${plural(names.length)})`);
    const own = problems.filter((p) => p.file === path).map(formatProblem);
    lines.push(...own);
    files.push({ file: path, ok: own.length === 0 && names !== undefined, fleets: names ?? [], problems: own });
  }
  const fleets = dups.kept.filter((f) => !badFiles.has(f.source.file)).length;
  return { ok: problems.length === 0, output: lines.join('\n'), fleets, files };
}
