import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic, writeFileAtomicAsync, type AtomicFs } from './atomic-file';
import { assertWritableStateDir } from '../main/state-dir';

/** The real fs, with one operation failing as a full or read-only disk makes it fail. */
function failing(op: keyof AtomicFs, code: string): AtomicFs {
  const fail = () => {
    throw Object.assign(new Error(`${code}: injected, ${op}`), { code });
  };
  return { ...fs, [op]: fail } as AtomicFs;
}

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-atomic-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the whole file and leaves no temporary file', async () => {
    const file = path.join(dir, 'sub', 'a.json');
    writeFileAtomic(file, 'one\n');
    await writeFileAtomicAsync(file, 'two\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('two\n');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['a.json']);
  });

  it.each([
    ['writeSync', 'ENOSPC'],
    ['fsyncSync', 'EIO'],
    ['renameSync', 'EROFS'],
  ] as const)('a failed %s (%s) removes its temporary file, keeps the old file, and rethrows', (op, code) => {
    const file = path.join(dir, 'a.json');
    writeFileAtomic(file, 'old\n');
    expect(() => writeFileAtomic(file, 'new\n', failing(op, code))).toThrow(new RegExp(code));
    expect(fs.readdirSync(dir)).toEqual(['a.json']);
    expect(fs.readFileSync(file, 'utf8')).toBe('old\n');
  });
});

describe('assertWritableStateDir', () => {
  it('names the path and the errno in one line for a read-only (EROFS) or forbidden (EACCES) directory', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-ro-'));
    try {
      for (const code of ['EROFS', 'EACCES']) {
        let message = '';
        try {
          assertWritableStateDir(dir, failing('openSync', code));
        } catch (err) {
          message = (err as Error).message;
        }
        expect(message).toMatch(new RegExp(`^state directory ${dir} cannot be written: ${code} \\(`));
        expect(message).not.toMatch(/\n/);
        expect(fs.readdirSync(dir)).toEqual([]);
      }
      expect(() => assertWritableStateDir(dir)).not.toThrow();
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
