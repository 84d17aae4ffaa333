/**
 * The exclusive lock on the state directory: one writer at a time (a daemon, an apply, a bake,
 * a `sim` command, `rollout undo`, `delete fleet`). The lock is the file `<state-dir>/lock`
 * holding the holder's pid, command, hostname and start time. It is created atomically: the
 * content is written to a temporary file first, then hard-linked into place, which fails with
 * EEXIST when a lock exists (a reader never sees a half-written lock).
 *
 * The lock belongs to one CLI invocation (`runInvocation`, entered once by `main()`): commands
 * take it where they open the state directory for writing (assertWritableStateDir, openRuntime,
 * openSimAccount), it is re-entrant within that invocation (the demo's daemon and its steps are
 * one invocation), and it is released when the invocation ends, normally, on an error or after
 * the clean stop on SIGINT/SIGTERM; a `process.exit` on the way out releases it too. A second
 * invocation in the same process (two in-process applies) is refused like another process.
 * Library use without an invocation (tests that build a daemon or controller directly) takes no lock.
 *
 * A lock whose pid no longer runs on this host (a SIGKILLed holder) is stale: the next writer
 * takes it over, with one warning line. A lock from another host is never judged stale.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface LockHolder {
  pid: number;
  command: string;
  hostname: string;
  startedAt: string;
}

/** Another process (or another command in this process) holds the state directory: exit 1, one line. */
export class StateDirInUse extends Error {}

interface Invocation {
  command: string;
  held: Map<string, string>;
}

const current = new AsyncLocalStorage<Invocation>();
const heldInProcess = new Map<string, Invocation>();
let exitHookInstalled = false;

export function lockFile(stateDir: string): string {
  return path.join(stateDir, 'lock');
}

/** Run one CLI command (`drover apply`, `drover daemon`); every lock it took is released after. */
export async function runInvocation<T>(command: string, fn: () => Promise<T>): Promise<T> {
  const inv: Invocation = { command, held: new Map() };
  try {
    return await current.run(inv, fn);
  } finally {
    release(inv);
  }
}

/**
 * Take the state directory's lock for the running invocation (nothing outside one), or throw
 * StateDirInUse naming the holder. `warn` gets the line about a stale lock taken over.
 */
export function claimStateDir(stateDir: string, warn: (line: string) => void = (l) => process.stderr.write(`drover: ${l}\n`)): void {
  const inv = current.getStore();
  if (!inv) return;
  const file = lockFile(stateDir);
  const owner = heldInProcess.get(file);
  if (owner === inv) return;
  if (owner) throw new StateDirInUse(inUseMessage(stateDir, readHolder(file) ?? { pid: process.pid, command: owner.command, hostname: os.hostname(), startedAt: '?' }));
  fs.mkdirSync(stateDir, { recursive: true });
  const content = `${JSON.stringify({ pid: process.pid, command: inv.command, hostname: os.hostname(), startedAt: new Date().toISOString() } satisfies LockHolder)}\n`;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(file, content)) {
      hold(inv, file, content);
      return;
    }
    const holder = readHolder(file);
    if (holder === undefined) continue;
    if (!isStale(holder)) throw new StateDirInUse(inUseMessage(stateDir, holder));
    if (moveStaleAside(file, holder)) warn(`taking over the stale lock on state directory ${shown(stateDir)}: ${holder.command} (pid ${holder.pid}, since ${holder.startedAt}) is no longer running`);
  }
  throw new StateDirInUse(`locking state directory ${shown(stateDir)}: the lock file ${file} keeps changing; another drover is starting there`);
}

/** Who holds the state directory, when that is a live process other than this invocation (plan uses it to stay read-only). */
export function otherHolder(stateDir: string): LockHolder | undefined {
  const file = lockFile(stateDir);
  const owner = heldInProcess.get(file);
  if (owner) return owner === current.getStore() ? undefined : (readHolder(file) ?? undefined);
  const holder = readHolder(file);
  return holder && !isStale(holder) ? holder : undefined;
}

export function inUseMessage(stateDir: string, h: LockHolder): string {
  const host = h.hostname === os.hostname() ? '' : ` on host ${h.hostname}`;
  return `state directory ${shown(stateDir)} is in use by ${h.command} (pid ${h.pid}${host}, since ${h.startedAt}); stop it or use another --state-dir (daemons that share fleets use --state dynamodb://TABLE)`;
}

/** The state directory as the user would type it: ./.drover under the working directory. */
function shown(stateDir: string): string {
  const rel = path.relative(process.cwd(), stateDir);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? `./${rel}` : stateDir;
}

function tryCreate(file: string, content: string): boolean {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(tmp, content);
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    // A filesystem without hard links: O_EXCL creation is atomic too.
    try {
      fs.writeFileSync(file, content, { flag: 'wx' });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** The lock's holder; undefined when there is no lock file. A damaged lock file reads as a dead holder. */
function readHolder(file: string): LockHolder | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    if (Number.isInteger(h.pid) && typeof h.hostname === 'string') return h;
  } catch {
    // falls through: damaged
  }
  return { pid: -1, command: 'an unreadable lock file', hostname: os.hostname(), startedAt: '?' };
}

/** On this host, a holder whose pid is gone (ESRCH), or our own pid from an earlier life, is stale. */
function isStale(h: LockHolder): boolean {
  if (h.hostname !== os.hostname()) return false;
  // Our own pid, not held by this process (callers check that first): a container restarted with the same pid.
  if (h.pid <= 0 || h.pid === process.pid) return true;
  try {
    process.kill(h.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Move the stale lock aside (rename is atomic: of two takers only one moves it). If what was
 * moved is not the stale lock judged (another taker already replaced it), put it back.
 */
function moveStaleAside(file: string, stale: LockHolder): boolean {
  const aside = `${file}.stale-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    fs.renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  const moved = readHolder(aside);
  const same = moved?.pid === stale.pid && moved.startedAt === stale.startedAt;
  if (!same) {
    try {
      fs.linkSync(aside, file);
    } catch {
      // someone else locked meanwhile: theirs stands
    }
  }
  fs.rmSync(aside, { force: true });
  return same;
}

function hold(inv: Invocation, file: string, content: string): void {
  inv.held.set(file, content);
  heldInProcess.set(file, inv);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => heldInProcess.forEach((i) => release(i)));
  }
}

/** Remove the invocation's lock files, but only while they are still its own. */
function release(inv: Invocation): void {
  for (const [file, content] of inv.held) {
    heldInProcess.delete(file);
    try {
      if (fs.readFileSync(file, 'utf8') === content) fs.rmSync(file, { force: true });
    } catch {
      // already gone (sim reset, a removed state directory)
    }
  }
  inv.held.clear();
}
