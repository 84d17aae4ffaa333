import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { claimStateDir, lockFile, otherHolder, runInvocation, StateDirInUse } from './state-lock';

describe('state directory lock', () => {
  let dir: string;
  const warnings: string[] = [];
  const warn = (l: string) => warnings.push(l);
  const writeLock = (holder: object | string) => fs.writeFileSync(lockFile(dir), typeof holder === 'string' ? holder : JSON.stringify(holder));
  const read = () => JSON.parse(fs.readFileSync(lockFile(dir), 'utf8'));

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-lock-unit-'));
    warnings.length = 0;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('takes nothing outside a CLI invocation (library use, tests that build a daemon directly)', () => {
    claimStateDir(dir, warn);
    expect(fs.existsSync(lockFile(dir))).toBe(false);
  });

  it('holds the lock for the invocation, re-entrant within it, and removes it after', async () => {
    await runInvocation('drover apply', async () => {
      claimStateDir(dir, warn);
      claimStateDir(dir, warn);
      expect(read()).toMatchObject({ pid: process.pid, command: 'drover apply', hostname: os.hostname() });
      expect(otherHolder(dir)).toBeUndefined();
    });
    expect(fs.existsSync(lockFile(dir))).toBe(false);
    expect(warnings).toEqual([]);
  });

  it('refuses a lock held on another host, whatever its pid, and leaves it in place', async () => {
    const theirs = { pid: 1, command: 'drover daemon', hostname: 'elsewhere', startedAt: '2026-12-04T07:00:00.000Z' };
    writeLock(theirs);
    await expect(runInvocation('drover apply', async () => claimStateDir(dir, warn))).rejects.toThrow(
      new StateDirInUse(`state directory ${dir} is in use by drover daemon (pid 1 on host elsewhere, since 2026-12-04T07:00:00.000Z); stop it or use another --state-dir (daemons that share fleets use --state dynamodb://TABLE)`),
    );
    expect(read()).toEqual(theirs);
    expect(otherHolder(dir)).toEqual(theirs);
  });

  it('takes over a lock with this pid that this process does not hold (a restarted container), and a damaged one', async () => {
    writeLock({ pid: process.pid, command: 'drover daemon', hostname: os.hostname(), startedAt: 'earlier' });
    expect(otherHolder(dir)).toBeUndefined();
    await runInvocation('drover apply', async () => claimStateDir(dir, warn));
    writeLock('{"pid": garbage');
    await runInvocation('drover apply', async () => claimStateDir(dir, warn));
    expect(warnings).toEqual([
      `taking over the stale lock on state directory ${dir}: drover daemon (pid ${process.pid}, since earlier) is no longer running`,
      `taking over the stale lock on state directory ${dir}: an unreadable lock file (pid -1, since ?) is no longer running`,
    ]);
  });

  it('on release, leaves a lock that is no longer its own (taken over meanwhile)', async () => {
    const theirs = { pid: 4711, command: 'drover daemon', hostname: 'elsewhere', startedAt: 'now' };
    await runInvocation('drover apply', async () => {
      claimStateDir(dir, warn);
      writeLock(theirs);
    });
    expect(read()).toEqual(theirs);
  });

  it('refuses a second invocation in the same process while the first holds the lock', async () => {
    let release!: () => void;
    const first = runInvocation('drover daemon', () => {
      claimStateDir(dir, warn);
      return new Promise<void>((r) => (release = r));
    });
    await expect(runInvocation('drover sim call', async () => claimStateDir(dir, warn))).rejects.toThrow(/is in use by drover daemon \(pid \d+, since /);
    expect(otherHolder(dir)).toMatchObject({ command: 'drover daemon' });
    release();
    await first;
    expect(fs.existsSync(lockFile(dir))).toBe(false);
  });
});
