/**
 * Fleet names must be unique across every manifest drover loads together. A name declared
 * twice is ambiguous: neither declaration wins (the alphabetical order of files is no intent),
 * so every location is reported and no copy of that fleet is kept.
 */
import type { DesiredFleet } from '../model/fleet';
import { ManifestProblem } from '../util/errors';

/** The message every duplicate-name problem starts with (the daemon turns it into ManifestConflict). */
export const DUPLICATE_PREFIX = 'duplicate fleet name';

/** The fleet name a duplicate-name problem is about, else undefined. */
export function duplicateNameOf(message: string): string | undefined {
  return new RegExp(`${DUPLICATE_PREFIX} "([^"]+)"`).exec(message)?.[1];
}

function at(f: DesiredFleet): string {
  return `${f.source.file}:${f.source.line}`;
}

/**
 * Split fleets into those kept (names declared once) and one problem per location of each
 * name declared more than once, each naming the other locations.
 */
export function dropDuplicateFleets(fleets: DesiredFleet[]): { kept: DesiredFleet[]; problems: ManifestProblem[] } {
  const byName = new Map<string, DesiredFleet[]>();
  for (const f of fleets) byName.set(f.name, [...(byName.get(f.name) ?? []), f]);
  const kept = fleets.filter((f) => byName.get(f.name)!.length === 1);
  const problems: ManifestProblem[] = [];
  for (const [name, copies] of byName) {
    if (copies.length < 2) continue;
    for (const f of copies) {
      const others = copies.filter((o) => o !== f).map(at).join(', ');
      problems.push({ file: f.source.file, line: f.source.line, col: 1, message: `${DUPLICATE_PREFIX} "${name}" (also defined at ${others}); neither is used` });
    }
  }
  return { kept, problems };
}
