/**
 * Atomic file writes, the one copy every module uses: a reader sees the old file or the new
 * one, never half of one. The text goes to a temporary file beside the target, is fsynced,
 * renamed over the target, and the directory is fsynced so the rename survives a power cut.
 * Any failure (a full disk, a read-only directory) removes the temporary file, so a failed
 * write never leaves a `.tmp` behind to keep the disk full, and rethrows the cause.
 */
import * as nodeFs from 'node:fs';
import * as path from 'node:path';

/** The file operations used, so a test can inject ENOSPC or EROFS. */
export type AtomicFs = Pick<typeof nodeFs, 'mkdirSync' | 'openSync' | 'writeSync' | 'fsyncSync' | 'closeSync' | 'renameSync' | 'rmSync'>;

let writes = 0;

export function writeFileAtomic(file: string, text: string, fs: AtomicFs = nodeFs): void {
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
  syncDir(path.dirname(file), fs);
}

/** The same write for async callers (deployment snapshots); the work is small and synchronous. */
export async function writeFileAtomicAsync(file: string, text: string, fs: AtomicFs = nodeFs): Promise<void> {
  writeFileAtomic(file, text, fs);
}

/** Pretty JSON with a trailing newline, written atomically. */
export function writeJsonFileAtomic(file: string, value: unknown, fs: AtomicFs = nodeFs): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n', fs);
}

/** Make the rename durable. Some platforms cannot fsync a directory: that is not a write failure. */
function syncDir(dir: string, fs: AtomicFs): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw err;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
