/**
 * Atomic file writes: a reader sees the old file or the new one, never half of one. The text
 * goes to a temporary file beside the target, is fsynced, then renamed over it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

let writes = 0;

export function writeFileAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${++writes}.tmp`;
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** Pretty JSON with a trailing newline, written atomically. */
export function writeJsonFileAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}
