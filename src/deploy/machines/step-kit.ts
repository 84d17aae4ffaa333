/**
 * The shape every deploy-machine step shares, written once: a step is a state with a `run`
 * substate that invokes one idempotent actor and a `wait` substate that goes back to `run`
 * after a delay (`retryDelay` after an error, `pollInterval` between polls) or on `POLL`.
 * Machines list their steps with `step(delay, invoke)`; state ids, paths and context keys
 * stay those of the hand-written shape, so persisted snapshots restore unchanged.
 */
import { assign } from 'xstate';

/** Errors a step meets in a row before a retryable error stops being retried. */
export const MAX_STEP_ERRORS = 5;

/** The bookkeeping every machine context carries about its current step. */
export interface StepCounters {
  lastError?: string;
  errorCount: number;
  polls: number;
}

/** The named delay a step's `wait` substate uses before running again. */
export type StepDelay = 'retryDelay' | 'pollInterval';

/** Exponential backoff after step errors: 1s, 2s, 4s… capped at five minutes. */
export function retryDelayMs(context: StepCounters): number {
  return Math.min(300_000, 1000 * 2 ** context.errorCount);
}

/** The placeholder behind every actor until the machine is provided with ports. */
export function notProvided(machine: string, name: string): Promise<never> {
  return Promise.reject(new Error(`running ${machine} step ${name}: no actor provided`));
}

export function errorOf(event: unknown): unknown {
  return (event as { error?: unknown }).error;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The step's error is marked retryable and the step has errors to spare. */
export function retryableError(context: StepCounters, event: unknown): boolean {
  const error = errorOf(event);
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === true && context.errorCount < MAX_STEP_ERRORS;
}

/** The context update `recordError` makes: the error's text, one more error in a row. */
export function errorRecorded(context: StepCounters, event: unknown): Partial<StepCounters> {
  return { lastError: errorText(errorOf(event)), errorCount: context.errorCount + 1 };
}

/** The context update `stepDone` makes: errors cleared, one more poll. */
export function stepCompleted(context: StepCounters): Partial<StepCounters> {
  return { lastError: undefined, errorCount: 0, polls: context.polls + 1 };
}

/** What a transition's guard and inline actions see: the context and the actor's event. */
export interface StepArgs<C, O> {
  context: C;
  event: { output: O; error?: unknown } & Record<string, any>;
}

export interface StepEdge<C, O> {
  target: string;
  guard?: string | ((args: StepArgs<C, O>) => boolean);
  actions?: unknown;
}

export type StepEdges<C, O> = StepEdge<C, O> | StepEdge<C, O>[];

/** The actor a step runs, as xstate's `invoke` takes it. */
export interface StepInvoke<C, O> {
  src: string;
  input?: (args: { context: C }) => unknown;
  onDone: StepEdges<C, O>;
  onError: StepEdges<C, O>;
}

/** What a step state may carry besides its run/wait pair. */
export interface StepExtra {
  on?: Record<string, unknown>;
  entry?: unknown;
}

/**
 * One step: `run` invokes the actor, `wait` returns to `run` after `delay` or on POLL.
 * Typed loosely on purpose: xstate checks the assembled machine in `createMachine`.
 */
export function stepState<C, O>(delay: StepDelay, invoke: StepInvoke<C, O>, extra: StepExtra = {}): any {
  return {
    initial: 'run',
    ...extra,
    states: {
      run: { invoke },
      wait: { after: { [delay]: 'run' }, on: { POLL: 'run' } },
    },
  };
}

/**
 * `stepState` bound to one machine's context type, so guards and inputs are typed, and
 * `set`: xstate's `assign` with that context type for the inline updates of a step table.
 */
export function stepKit<C>() {
  return {
    step: <O = void>(delay: StepDelay, invoke: StepInvoke<C, O>, extra?: StepExtra): any => stepState<C, O>(delay, invoke, extra),
    set: (update: (args: StepArgs<C, any>) => Partial<C>): any => assign(update as any),
  };
}
