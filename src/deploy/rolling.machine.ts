/**
 * Rolling deployment: one instance refresh of the fleet's group to a new launch template
 * version, keeping `minHealthyPercent` serving. A failed or timed-out refresh, a failed
 * step or `UNDO` rolls back by refreshing to the previous version, then ends `failed`.
 */
import { assign, fromPromise, setup } from 'xstate';
import {
  errorOf, errorRecorded, errorText, notProvided as kitNotProvided, retryDelayMs, retryableError, stepCompleted, stepKit,
} from './step-kit';
import { groupFacts, servesFully, type ReobserveInput, type ReobservedFacts } from '../model/reobserve';

export interface RollingInput {
  fleet: string;
  groupName: string;
  launchTemplateVersion: number;
  previousVersion: number;
  minHealthyPercent: number;
  timeoutSeconds: number;
}

export type RefreshStatus =
  | 'Pending' | 'InProgress' | 'Successful' | 'Failed' | 'Cancelling' | 'Cancelled'
  | 'RollbackInProgress' | 'RollbackFailed' | 'RollbackSuccessful' | 'Baking' | 'Missing';

/** Idempotent: returns a refresh to this version that is pending, running or successful; else starts one. */
export interface StartRefreshInput { groupName: string; launchTemplateVersion: number; minHealthyPercent: number }
export interface StartedRefresh { refreshId: string }
export interface PollRefreshInput { groupName: string; refreshId: string }
export interface RefreshFacts { status: RefreshStatus; percentComplete: number; statusReason?: string; nowMs: number }

export type RollingFailureReason = 'RefreshFailed' | 'RefreshTimedOut' | 'Undo' | 'StepFailed' | 'GroupMissing';

export type RollingOutput =
  | { status: 'succeeded'; refreshId: string }
  /** `rolledBackTo` is absent when the group was gone (nothing was refreshed back). */
  | { status: 'failed'; reason: RollingFailureReason; message: string; rolledBackTo?: number };

export interface RollingContext {
  input: RollingInput;
  refreshId?: string;
  refreshStartedAtMs?: number;
  percentComplete: number;
  rollbackRefreshId?: string;
  failure?: { reason: RollingFailureReason; message: string };
  /** When the last reobserve guard first saw the group short of N/N. */
  verifyStartedAtMs?: number;
  message: string;
  lastError?: string;
  errorCount: number;
  polls: number;
}

export type RollingEvent = { type: 'UNDO' } | { type: 'POLL' };

const FAILED: RefreshStatus[] = ['Failed', 'Cancelled', 'RollbackSuccessful', 'RollbackFailed', 'Missing'];
const { step, set } = stepKit<RollingContext>();

function notProvided(name: string): Promise<never> {
  return kitNotProvided('rolling', name);
}

export const rollingMachine = setup({
  types: {} as { context: RollingContext; events: RollingEvent; input: RollingInput; output: RollingOutput },
  actors: {
    startInstanceRefresh: fromPromise<StartedRefresh, StartRefreshInput>(() => notProvided('startInstanceRefresh')),
    pollInstanceRefresh: fromPromise<RefreshFacts, PollRefreshInput>(() => notProvided('pollInstanceRefresh')),
    reobserve: fromPromise<ReobservedFacts, ReobserveInput>(() => notProvided('reobserve')),
  },
  guards: {
    retryable: ({ context, event }) => retryableError(context, event),
  },
  actions: {
    recordError: assign(({ context, event }) => errorRecorded(context, event)),
    stepDone: assign(({ context }) => stepCompleted(context)),
    failFromError: assign(({ event }) => ({ failure: { reason: 'StepFailed' as const, message: errorText(errorOf(event)) } })),
  },
  delays: {
    pollInterval: 15_000,
    retryDelay: ({ context }) => retryDelayMs(context),
  },
}).createMachine({
  id: 'rolling',
  initial: 'rollout',
  context: ({ input }) => ({
    input,
    percentComplete: 0,
    message: `refreshing ${input.groupName} to launch template version ${input.launchTemplateVersion}`,
    errorCount: 0,
    polls: 0,
  }),
  states: {
    rollout: {
      initial: 'startInstanceRefresh',
      on: {
        UNDO: {
          target: '#rolling.rollback',
          actions: set(({ context }) => ({ failure: context.failure ?? { reason: 'Undo' as const, message: 'rollout undo requested' } })),
        },
      },
      states: {
        startInstanceRefresh: step<StartedRefresh>('retryDelay', {
          src: 'startInstanceRefresh',
          input: ({ context }) => ({
            groupName: context.input.groupName,
            launchTemplateVersion: context.input.launchTemplateVersion,
            minHealthyPercent: context.input.minHealthyPercent,
          }),
          onDone: { target: '#rolling.rollout.waitRefresh', actions: ['stepDone', set(({ event }) => ({ refreshId: event.output.refreshId }))] },
          onError: [{ guard: 'retryable', target: 'wait', actions: 'recordError' }, { target: '#rolling.rollback', actions: 'failFromError' }],
        }),
        waitRefresh: step<RefreshFacts>('pollInterval', {
          src: 'pollInstanceRefresh',
          input: ({ context }) => ({ groupName: context.input.groupName, refreshId: context.refreshId! }),
          onDone: [
            {
              guard: ({ event }) => event.output.status === 'Successful',
              target: '#rolling.verifyServing',
              actions: ['stepDone', set(({ context }) => ({ percentComplete: 100, message: `checking that ${context.input.groupName} serves` }))],
            },
            {
              guard: ({ event }) => FAILED.includes(event.output.status),
              target: '#rolling.rollback',
              actions: set(({ context, event }) => ({
                failure: { reason: 'RefreshFailed' as const, message: `instance refresh ${context.refreshId} is ${event.output.status}${event.output.statusReason ? `: ${event.output.statusReason}` : ''}` },
              })),
            },
            {
              guard: ({ context, event }) => event.output.nowMs - (context.refreshStartedAtMs ?? event.output.nowMs) > context.input.timeoutSeconds * 1000,
              target: '#rolling.rollback',
              actions: set(({ context, event }) => ({
                failure: { reason: 'RefreshTimedOut' as const, message: `instance refresh ${context.refreshId} at ${event.output.percentComplete}% after ${context.input.timeoutSeconds}s` },
              })),
            },
            {
              target: 'wait',
              actions: ['stepDone', set(({ context, event }) => ({
                refreshStartedAtMs: context.refreshStartedAtMs ?? event.output.nowMs,
                percentComplete: event.output.percentComplete,
                message: `instance refresh ${event.output.status.toLowerCase()}, ${event.output.percentComplete}% complete`,
              }))],
            },
          ],
          onError: { target: 'wait', actions: 'recordError' },
        }),
      },
    },
    /** The reobserve guard before Succeeded: the group exists and serves N/N on the load balancer. */
    verifyServing: step<ReobservedFacts>('pollInterval', {
      src: 'reobserve',
      input: ({ context }): ReobserveInput => ({ groupNames: [context.input.groupName], health: true }),
      onDone: [
        {
          guard: ({ context, event }) => !groupFacts(event.output, context.input.groupName).exists,
          target: '#rolling.gone',
          actions: ['stepDone', set(({ context }) => ({ failure: { reason: 'GroupMissing' as const, message: `group ${context.input.groupName} is missing` } }))],
        },
        { guard: ({ context, event }) => servesFully(groupFacts(event.output, context.input.groupName)), target: '#rolling.succeeded', actions: 'stepDone' },
        {
          guard: ({ context, event }) => event.output.nowMs - (context.verifyStartedAtMs ?? event.output.nowMs) > context.input.timeoutSeconds * 1000,
          target: '#rolling.rollback',
          actions: set(({ context, event }) => {
            const g = groupFacts(event.output, context.input.groupName);
            return { failure: { reason: 'RefreshTimedOut' as const, message: `${context.input.groupName} serves ${g.inService}/${g.desired} InService ${context.input.timeoutSeconds}s after its refresh` } };
          }),
        },
        {
          target: 'wait',
          actions: ['stepDone', set(({ context, event }) => {
            const g = groupFacts(event.output, context.input.groupName);
            return { verifyStartedAtMs: context.verifyStartedAtMs ?? event.output.nowMs, message: `waiting for ${context.input.groupName} to serve ${g.desired}/${g.desired} InService (now ${g.inService})` };
          })],
        },
      ],
      onError: { target: 'wait', actions: 'recordError' },
    }),
    /** The group is gone: nothing to refresh back; the fleet's reconcile rebuilds from the world. */
    gone: {
      type: 'final',
      entry: set(({ context }) => ({ message: `failed: ${context.failure?.message ?? 'the group is missing'}` })),
    },
    succeeded: {
      type: 'final',
      entry: set(({ context }) => ({ message: `${context.input.groupName} runs launch template version ${context.input.launchTemplateVersion}` })),
    },
    rollback: {
      initial: 'startRollbackRefresh',
      entry: set(({ context }) => ({ message: `rolling back to version ${context.input.previousVersion}: ${context.failure?.message ?? 'requested'}` })),
      states: {
        startRollbackRefresh: step<StartedRefresh>('retryDelay', {
          src: 'startInstanceRefresh',
          input: ({ context }) => ({
            groupName: context.input.groupName,
            launchTemplateVersion: context.input.previousVersion,
            minHealthyPercent: context.input.minHealthyPercent,
          }),
          onDone: { target: '#rolling.rollback.waitRollbackRefresh', actions: ['stepDone', set(({ event }) => ({ rollbackRefreshId: event.output.refreshId }))] },
          onError: { target: 'wait', actions: 'recordError' },
        }),
        waitRollbackRefresh: step<RefreshFacts>('pollInterval', {
          src: 'pollInstanceRefresh',
          input: ({ context }) => ({ groupName: context.input.groupName, refreshId: context.rollbackRefreshId! }),
          onDone: [
            { guard: ({ event }) => event.output.status === 'Successful', target: '#rolling.failed', actions: 'stepDone' },
            {
              guard: ({ event }) => FAILED.includes(event.output.status),
              target: '#rolling.rollback.startRollbackRefresh',
              actions: set(({ context, event }) => ({ lastError: `rollback refresh is ${event.output.status}`, errorCount: context.errorCount + 1 })),
            },
            { target: 'wait', actions: ['stepDone', set(({ event }) => ({ percentComplete: event.output.percentComplete }))] },
          ],
          onError: { target: 'wait', actions: 'recordError' },
        }),
      },
    },
    failed: {
      type: 'final',
      entry: set(({ context }) => ({ message: `rolled back to version ${context.input.previousVersion}: ${context.failure?.message ?? 'failed'}` })),
    },
  },
  output: ({ context }): RollingOutput =>
    context.failure && context.failure.reason === 'GroupMissing'
      ? { status: 'failed', ...context.failure }
      : context.failure
      ? { status: 'failed', ...context.failure, rolledBackTo: context.input.previousVersion }
      : { status: 'succeeded', refreshId: context.refreshId! },
});

export type RollingMachine = typeof rollingMachine;
