/**
 * Rollout controls as facts on the fleet's durable record (`controls` in fleet memory):
 * `drover rollout pause|resume|promote|abort|retry|undo` each record one fact, and the
 * reconciler acts on facts it has not applied yet (control-apply.ts). The same request twice
 * in a row for the same deployment is one fact (same id).
 *
 * Who writes: the state directory has one writer at a time (state-lock.ts). A CLI that can
 * take the lock writes the fact into fleet memory itself; while a daemon (or an apply) holds
 * the lock, the CLI drops the fact into `<state-dir>/inbox/` (one atomic file per fact) and
 * the holder's next reconcile of that fleet moves it into memory, so only the lock holder
 * ever writes the memory file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { writeJsonFileAtomic } from '../../util/atomic-file';
import { CONTROL_KINDS, type ControlArgs, type ControlFact, type ControlKind } from './control-fact';
import type { FleetMemory } from './fleet-memory';

export { CONTROL_KINDS, type ControlArgs, type ControlFact, type ControlKind } from './control-fact';

/** Facts kept per fleet (oldest dropped first). */
const CONTROLS_CAP = 50;

function sameRequest(a: ControlFact, b: Pick<ControlFact, 'kind' | 'args' | 'deployment'>): boolean {
  return a.kind === b.kind && a.deployment === b.deployment && JSON.stringify(a.args) === JSON.stringify(b.args);
}

/** The last fact about `deployment` (by request time), among `facts`. */
function lastFor(facts: ControlFact[], deployment: string | undefined): ControlFact | undefined {
  return facts.filter((f) => f.deployment === deployment).sort((a, b) => a.requestedAt.localeCompare(b.requestedAt)).pop();
}

/**
 * The fact for a request: the existing one when the same request is already the latest for
 * that deployment (idempotent), else a new one with a fresh id.
 */
export function controlFact(
  known: ControlFact[],
  req: { fleet: string; kind: ControlKind; args: ControlArgs; deployment?: string; requestedAt: string; by: string },
): { fact: ControlFact; existing: boolean } {
  const last = lastFor(known, req.deployment);
  if (last && sameRequest(last, req)) return { fact: last, existing: true };
  const id = `${req.kind}-${createHash('sha256').update(JSON.stringify([req.fleet, req.kind, req.args, req.deployment, req.requestedAt, known.length])).digest('hex').slice(0, 10)}`;
  return { fact: { id, fleet: req.fleet, kind: req.kind, args: req.args, ...(req.deployment ? { deployment: req.deployment } : {}), requestedAt: req.requestedAt, by: req.by }, existing: false };
}

export function controlsOf(memory: FleetMemory): ControlFact[] {
  return memory.controls ?? [];
}

/** Memory with `fact` added, unless it (or the same request, as the latest) is there already. */
export function withControl(memory: FleetMemory, fact: ControlFact): { memory: FleetMemory; added: boolean } {
  const controls = controlsOf(memory);
  if (controls.some((f) => f.id === fact.id)) return { memory, added: false };
  const last = lastFor(controls, fact.deployment);
  if (last && sameRequest(last, fact) && !last.appliedAt) return { memory, added: false };
  return { memory: { ...memory, controls: [...controls, fact].slice(-CONTROLS_CAP) }, added: true };
}

/** Facts not acted on yet, oldest first. */
export function pendingControls(memory: FleetMemory): ControlFact[] {
  return controlsOf(memory).filter((f) => !f.appliedAt).sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
}

export function markApplied(memory: FleetMemory, id: string, at: string, outcome: string): FleetMemory {
  return { ...memory, controls: controlsOf(memory).map((f) => (f.id === id ? { ...f, appliedAt: at, outcome } : f)) };
}

/** The inbox where a CLI hands facts to the process holding the state directory. */
export class ControlInbox {
  constructor(private readonly stateDir: string) {}

  dir(): string {
    return path.join(this.stateDir, 'inbox');
  }

  /** Atomic: the holder sees the whole fact or none of it. */
  put(fact: ControlFact): string {
    const file = path.join(this.dir(), `${fact.id}.json`);
    writeJsonFileAtomic(file, fact);
    return file;
  }

  /** Facts waiting for `fleet` (all fleets when omitted), with their files; unreadable files are skipped (a write in flight is a `.tmp`). */
  list(fleet?: string): Array<{ file: string; fact: ControlFact }> {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir());
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: Array<{ file: string; fact: ControlFact }> = [];
    for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
      const file = path.join(this.dir(), name);
      try {
        const fact = JSON.parse(fs.readFileSync(file, 'utf8')) as ControlFact;
        if (fact && typeof fact.id === 'string' && (CONTROL_KINDS as readonly string[]).includes(fact.kind) && (!fleet || fact.fleet === fleet)) out.push({ file, fact });
      } catch {
        // gone meanwhile, or not a fact: left for a person to look at
      }
    }
    return out;
  }

  /** The fleets with facts waiting (the daemon enqueues them). */
  fleets(): string[] {
    return [...new Set(this.list().map((e) => e.fact.fleet))];
  }

  remove(file: string): void {
    fs.rmSync(file, { force: true });
  }
}

/** The daemon's side: every `intervalMs` on the clock, enqueue the fleets with facts waiting, so they apply within seconds. */
export async function watchInbox(stateDir: string, clock: { sleep(ms: number, signal?: AbortSignal): Promise<void> }, intervalMs: number, signal: AbortSignal, enqueue: (fleet: string) => void): Promise<void> {
  const inbox = new ControlInbox(stateDir);
  while (!signal.aborted) {
    try {
      await clock.sleep(intervalMs, signal);
    } catch {
      return;
    }
    try {
      for (const fleet of inbox.fleets()) enqueue(fleet);
    } catch {
      // an unreadable inbox directory: looked at again next time
    }
  }
}
