/**
 * Imports today's state-directory layout into fleet records, once: `deployments/<fleet>.json`
 * becomes the `deployment` section, `fleets/<fleet>.json` the `intent` section,
 * `status/<fleet>.json` the `status` section, and each fleet's entry of
 * `intake/bake-register.json` the `bakes` section as `{ seq, queue }` (seq is the register's,
 * so the order of requests stays increasing). A section the fleet's record already has is left
 * alone. `sections` limits the import to the sections the caller reads from records (the others
 * stay where they are).
 * The imported files are then moved to `<stateDir>/state/legacy/` (kept, never deleted), so
 * the import runs once and an older drover finds nothing half-current to act on. A file that
 * is not JSON is not imported and stays where it is; the report names it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SECTION_NAMES, type SectionName, type SectionShapes } from '../port';
import { LocalStateStore, localStateRoot } from './local-store';

export interface LegacyImport {
  /** Fleets given a record. */
  imported: string[];
  /** Files left in place, with why. */
  skipped: Array<{ file: string; error: string }>;
  /** Files moved under state/legacy/. */
  moved: string[];
}

const FLEET_FILE = /^([a-z0-9][a-z0-9-]{0,127})\.json$/;
const SECTION_DIRS: Array<[dir: string, section: keyof SectionShapes]> = [
  ['deployments', 'deployment'],
  ['fleets', 'intent'],
  ['status', 'status'],
];

export async function migrateLegacyLayout(stateDir: string, nowMs: number, sections: readonly SectionName[] = SECTION_NAMES): Promise<LegacyImport> {
  return migrateLegacyLayoutNow(stateDir, nowMs, sections);
}

/** The same, synchronously (the local directory answers at once): run where the state directory is claimed. */
export function migrateLegacyLayoutNow(stateDir: string, nowMs: number, sections: readonly SectionName[] = SECTION_NAMES): LegacyImport {
  const store = new LocalStateStore(stateDir);
  const found = new Map<string, Partial<SectionShapes>>();
  const result: LegacyImport = { imported: [], skipped: [], moved: [] };
  const importable: string[] = [];
  const sectionsOf = (fleet: string) => found.get(fleet) ?? found.set(fleet, {}).get(fleet)!;
  for (const [dir, section] of SECTION_DIRS.filter(([, name]) => sections.includes(name))) {
    for (const name of listDir(path.join(stateDir, dir))) {
      const m = FLEET_FILE.exec(name);
      if (!m) continue;
      const file = path.join(stateDir, dir, name);
      const value = parse(file, result);
      if (value === undefined) continue;
      sectionsOf(m[1])[section] = value;
      importable.push(file);
    }
  }
  const registerFile = path.join(stateDir, 'intake', 'bake-register.json');
  const register = sections.includes('bakes') && fs.existsSync(registerFile) ? parse(registerFile, result) : undefined;
  if (register !== undefined) {
    const r = register as { seq?: unknown; fleets?: Record<string, unknown> };
    if (typeof r.seq === 'number' && r.fleets && typeof r.fleets === 'object') {
      for (const [fleet, queue] of Object.entries(r.fleets)) if (/^[a-z0-9][a-z0-9-]{0,127}$/.test(fleet)) sectionsOf(fleet).bakes = { seq: r.seq, queue };
      importable.push(registerFile);
    } else result.skipped.push({ file: registerFile, error: 'not a bake register (no seq and fleets)' });
  }
  for (const [fleet, values] of [...found].sort(([a], [b]) => a.localeCompare(b))) {
    const prev = store.readNow(fleet);
    const changes = Object.fromEntries(Object.entries(values).filter(([name, v]) => v !== undefined && prev.sections[name as SectionName] === undefined));
    if (!Object.keys(changes).length) continue;
    store.writeNow(prev, changes, 'intake', nowMs);
    result.imported.push(fleet);
  }
  const legacyRoot = path.join(localStateRoot(stateDir), 'legacy');
  for (const file of importable) {
    const to = path.join(legacyRoot, path.relative(stateDir, file));
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.renameSync(file, to);
    result.moved.push(file);
  }
  return result;
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

function parse(file: string, result: LegacyImport): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    result.skipped.push({ file, error: (err as Error).message });
    return undefined;
  }
}
