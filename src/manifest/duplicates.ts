/** Fleet names must be unique across every manifest drover loads together. */
import type { DesiredFleet } from '../model/fleet';
import { ManifestProblem } from '../util/errors';

/**
 * Split fleets into those kept (first of each name, in the order given) and a problem
 * for each later fleet reusing a name.
 */
export function dropDuplicateFleets(fleets: DesiredFleet[]): { kept: DesiredFleet[]; problems: ManifestProblem[] } {
  const first = new Map<string, DesiredFleet>();
  const kept: DesiredFleet[] = [];
  const problems: ManifestProblem[] = [];
  for (const f of fleets) {
    const prev = first.get(f.name);
    if (!prev) {
      first.set(f.name, f);
      kept.push(f);
      continue;
    }
    problems.push({
      file: f.source.file,
      line: f.source.line,
      col: 1,
      message: `duplicate fleet name "${f.name}" (first defined at ${prev.source.file}:${prev.source.line})`,
    });
  }
  return { kept, problems };
}
