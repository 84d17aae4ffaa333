/**
 * Pure reading of a persisted deployment snapshot for status and the CLI: which phase it is
 * in, whether it is over, how it ended and one human line about it.
 */
import { STEP_SUBSTATES } from './diagram';

export { deploymentDiagram, STEP_SUBSTATES } from './diagram';

export { CUT_OVER_STEPS, POLICIES_ON_GREEN } from './swap.types';

export interface PhaseDescription {
  /** The step or wait, e.g. `waitGreenHealthy`, or the final state, e.g. `rolledBack`. */
  phase: string;
  /** Dotted full state path, e.g. `rollout.waitGreenHealthy.wait`. */
  path: string;
  final: boolean;
  /** How it ended (`succeeded`, `failed`, `rolledBack`), once final. */
  result?: string;
  /** Why it failed or rolled back (PascalCase), when it did. */
  reason?: string;
  message: string;
  /** Between polls or backing off after an error. */
  waiting: boolean;
  lastError?: string;
  /** Swap only: false once the previous group is being deleted. */
  undoPossible?: boolean;
}

interface SnapshotLike {
  status?: string;
  value?: unknown;
  output?: { status?: string; reason?: string; message?: string };
  error?: unknown;
  context?: {
    message?: string;
    lastError?: string;
    undoPossible?: boolean;
    failure?: { reason?: string };
    rollback?: { reason?: string };
  };
}

/** Flatten a state value (`{ rollout: { soak: 'wait' } }`) to its path. */
export function statePath(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') {
    const [key] = Object.keys(value);
    if (key !== undefined) return [key, ...statePath((value as Record<string, unknown>)[key])];
  }
  return [];
}

export function describePhase(persisted: unknown): PhaseDescription {
  const s = (persisted ?? {}) as SnapshotLike;
  const path = statePath(s.value);
  const phase = [...path].reverse().find((p) => !(STEP_SUBSTATES as readonly string[]).includes(p)) ?? 'unknown';
  const final = s.status === 'done' || s.status === 'error';
  const ctx = s.context ?? {};
  const reason = s.output?.reason ?? ctx.failure?.reason ?? ctx.rollback?.reason;
  const message = s.status === 'error' ? `deployment stopped on an error: ${errorText(s.error)}` : (ctx.message ?? phase);
  return {
    phase,
    path: path.join('.'),
    final,
    result: s.status === 'done' ? s.output?.status : s.status === 'error' ? 'error' : undefined,
    reason,
    message,
    waiting: path[path.length - 1] === 'wait',
    lastError: ctx.lastError,
    undoPossible: ctx.undoPossible,
  };
}

function errorText(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}
