/**
 * The daemon's view of the manifest directory. Each reload loads every manifest; a file that
 * fails keeps the fleets it defined before at their LAST GOOD spec (its errors, FILE:LINE:COL,
 * are kept for status and logged), and other fleets are unaffected. A fleet name declared in two
 * places is ambiguous: neither copy is used, the fleet stays at its last good spec, and it carries
 * a ManifestConflict issue naming both locations until one of them goes. A fleet whose file is gone
 * or no longer defines it is dropped from the loop (its AWS resources are left alone).
 * `watch` polls the directory's manifest files (names, sizes, mtimes) on the clock; `pull`
 * runs `git -C DIR pull --ff-only` for a push to the manifest repository and never throws.
 */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { EVENTS } from '../../log/events';
import type { Logger } from '../../log/logger';
import { duplicateNameOf } from '../../manifest/duplicates';
import { listManifestFiles, loadManifestDir } from '../../manifest/load-dir';
import type { DesiredFleet } from '../../model/fleet';
import type { Clock } from '../../util/clock';
import type { ManifestError } from '../../util/errors';

export interface ManifestProblem {
  file: string;
  line: number;
  col: number;
  message: string;
}

export interface ManifestSnapshot {
  fleets: DesiredFleet[];
  errors: ManifestProblem[];
  /** The last `git pull` failure, until one succeeds. */
  gitError?: string;
}

export type GitRunner = (args: string[]) => Promise<{ stdout: string; stderr: string }>;

export function execGit(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { timeout: 60_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${String(stderr || err.message).trim()}`));
      else resolve({ stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

export interface ManifestSourceOptions {
  dir: string;
  logger: Logger;
  clock: Clock;
  git?: GitRunner;
}

/**
 * A fleet kept at its last good spec, with why: its name declared twice (ManifestConflict,
 * every location) or its file broken (ManifestInvalid, every problem in that file).
 */
function withIssue(last: DesiredFleet, problems: ManifestProblem[]): DesiredFleet {
  const { manifestIssue: _old, ...fleet } = last;
  const at = (p: ManifestProblem) => `${p.file}:${p.line}:${p.col}: ${p.message}`;
  const conflicts = problems.filter((p) => duplicateNameOf(p.message) === fleet.name);
  if (conflicts.length) return { ...fleet, manifestIssue: { reason: 'ManifestConflict', message: conflicts.map(at).join('; ') } };
  const invalid = problems.filter((p) => p.file === fleet.source.file);
  return { ...fleet, manifestIssue: { reason: 'ManifestInvalid', message: invalid.map(at).join('; ') } };
}

function problemsOf(errors: ManifestError[]): ManifestProblem[] {
  return errors.flatMap((e) => e.problems.map((p) => ({ file: p.file, line: p.line, col: p.col, message: p.message })));
}

export class ManifestSource {
  private fleets = new Map<string, DesiredFleet>();
  private errors: ManifestProblem[] = [];
  private gitError?: string;
  private fingerprint = '';
  private readonly log: Logger;
  private readonly git: GitRunner;

  constructor(private readonly opts: ManifestSourceOptions) {
    this.log = opts.logger.child({ component: 'manifests' });
    this.git = opts.git ?? execGit;
  }

  snapshot(): ManifestSnapshot {
    return { fleets: [...this.fleets.values()], errors: [...this.errors], ...(this.gitError ? { gitError: this.gitError } : {}) };
  }

  /** Load the directory again, keeping last good specs for fleets whose files broke. */
  reload(): ManifestSnapshot {
    this.fingerprint = this.currentFingerprint();
    const { fleets, errors } = loadManifestDir(this.opts.dir);
    const problems = problemsOf(errors);
    const brokenFiles = new Set(problems.map((p) => p.file));
    const next = new Map(fleets.map((f) => [f.name, f]));
    for (const prev of this.fleets.values()) {
      const conflicted = problems.some((p) => duplicateNameOf(p.message) === prev.name);
      if (!next.has(prev.name) && (brokenFiles.has(prev.source.file) || conflicted)) next.set(prev.name, withIssue(prev, problems));
    }
    for (const name of this.fleets.keys()) {
      if (!next.has(name)) this.log.warn({ event: EVENTS.manifestFleetRemoved, fleet: name }, `fleet ${name} is no longer in ${this.opts.dir}; it is not reconciled any more (its resources are left alone)`);
    }
    for (const p of problems) {
      const kept = [...next.values()].filter((f) => f.source.file === p.file).map((f) => f.name);
      this.log.error({ event: EVENTS.manifestInvalid, file: p.file, line: p.line, col: p.col, keptFleets: kept }, `${p.file}:${p.line}:${p.col}: ${p.message}`);
    }
    this.fleets = next;
    this.errors = problems;
    this.log.info({ event: EVENTS.manifestsLoaded, fleets: [...next.keys()], errors: problems.length }, `${next.size} fleet(s) loaded from ${this.opts.dir}`);
    return this.snapshot();
  }

  /** True when the manifest files changed since the last reload. */
  changed(): boolean {
    return this.currentFingerprint() !== this.fingerprint;
  }

  /** Poll every `intervalMs` on the clock until `signal` aborts; `onChange` runs after a reload. */
  async watch(intervalMs: number, signal: AbortSignal, onChange: (s: ManifestSnapshot) => void): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.opts.clock.sleep(intervalMs, signal);
      } catch {
        return;
      }
      if (this.changed()) onChange(this.reload());
    }
  }

  /** `git -C DIR pull --ff-only`, then reload. A failure is logged and kept, never thrown. */
  async pull(): Promise<ManifestSnapshot> {
    try {
      const out = await this.git(['-C', this.opts.dir, 'pull', '--ff-only']);
      this.gitError = undefined;
      this.log.info({ event: EVENTS.manifestGitPulled, output: out.stdout.trim().slice(0, 500) }, `pulled ${this.opts.dir}`);
    } catch (err) {
      this.gitError = `pulling manifests in ${this.opts.dir}: ${(err as Error).message}`;
      this.log.error({ event: EVENTS.manifestGitPullFailed, err: String(err) }, this.gitError);
    }
    return this.reload();
  }

  /** The origin URL of the manifest checkout, when it is one (for routing pushes). */
  async originUrl(): Promise<string | undefined> {
    try {
      return (await this.git(['-C', this.opts.dir, 'remote', 'get-url', 'origin'])).stdout.trim() || undefined;
    } catch {
      return undefined;
    }
  }

  private currentFingerprint(): string {
    try {
      return listManifestFiles(this.opts.dir)
        .map((f) => {
          const st = statSync(f);
          return `${f}:${st.size}:${st.mtimeMs}`;
        })
        .join('|');
    } catch (err) {
      return `unreadable:${(err as Error).message}`;
    }
  }
}
