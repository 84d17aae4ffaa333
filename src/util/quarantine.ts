/** Moving a corrupt state file aside, so nothing overwrites the evidence and the next read starts fresh. */
import * as fs from 'node:fs';

/** Rename `file` to `<file>.corrupt-<time>`; returns the new path. */
export function quarantineFile(file: string, now: Date): string {
  const movedTo = `${file}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  fs.renameSync(file, movedTo);
  return movedTo;
}
