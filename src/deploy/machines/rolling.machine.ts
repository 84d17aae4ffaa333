/**
 * Rolling deployment: make a launch template version for the image (the first step, so its
 * AWS write waits for the saved snapshot like every other), then one instance refresh of the
 * fleet's group to it, keeping `minHealthyPercent` serving. A failed or timed-out refresh, a
 * failed step or `UNDO` rolls back by refreshing to the previous version, then ends `failed`.
 */
import { assign, fromPromise, setup } from 'xstate';
import {
  errorOf, errorRecorded, errorText, notProvided as kitNotProvided, retryDelayMs, retryableError, stepCompleted, stepKit,
} from './step-kit';
import { groupFacts, servesFully, type ReobserveInput, type ReobservedFacts } from '../../model/reobserve';

import { pauseRequested, rollingControlFlags, rollingPauseStates } from './rolling.pause';
import type {
  HoldRefreshInput, RefreshHeld, PollRefreshInput, PreparedVersion, PrepareVersionInput, RefreshFacts, RefreshStatus, RollingContext, RollingEvent, RollingInput,
  RollingOutput, StartedRefresh, StartRefreshInput,
} from './rolling.types';

export * from './rolling.types';

const FAILED: RefreshStatus[] = ['Failed', 'Cancelled', 'RollbackSuccessful', 'RollbackFailed', 'Missing'];
const { step, set } = stepKit<RollingContext>();

function notProvided(name: string): Promise<never> {
  return kitNotProvided('rolling', name);
}

/** The version to refresh to: prepared by the first step, or given by a snapshot saved before that step existed. */
function targetVersion(context: RollingContext): number {
  return (context.launchTemplateVersion ?? context.input.launchTemplateVersion)!;
}

/** The version a rollback refreshes back to. */
function rollbackVersion(context: RollingContext): number | undefined {
  return context.previousVersion ?? context.input.previousVersion;
}

export const rollingMachine = setup({
  types: {} as { context: RollingContext; events: RollingEvent; input: RollingInput; output: RollingOutput },
  actors: {
    prepareVersion: fromPromise<PreparedVersion, PrepareVersionInput>(() => notProvided('prepareVersion')),
    startInstanceRefresh: fromPromise<StartedRefresh, StartRefreshInput>(() => notProvided('startInstanceRefresh')),
    pollInstanceRefresh: fromPromise<RefreshFacts, PollRefreshInput>(() => notProvided('pollInstanceRefresh')),
    holdInstanceRefresh: fromPromise<RefreshHeld, HoldRefreshInput>(() => notProvided('holdInstanceRefresh')),
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
  initial: 'prepare',
  context: ({ input }) => ({
    input,
    percentComplete: 0,
    message: `making a launch template version for ${input.amiId ?? 'the new image'}`,
    errorCount: 0,
    polls: 0,
  }),
  on: rollingControlFlags,
  states: {
    /** Nothing touched yet: a failure or UNDO here ends the deployment with nothing to roll back. */
    prepare: step<PreparedVersion>('retryDelay', {
      src: 'prepareVersion',
      input: ({ context }) => ({ amiId: context.input.amiId!, deploymentId: context.input.deploymentId! }),
      onDone: {
        target: '#rolling.rollout',
        actions: ['stepDone', set(({ context, event }) => ({
          launchTemplateVersion: event.output.version,
          previousVersion: event.output.previousVersion ?? context.input.pinnedVersion ?? event.output.version,
          message: `refreshing ${context.input.groupName} to launch template version ${event.output.version}`,
        }))],
      },
      onError: [{ guard: 'retryable', target: 'wait', actions: 'recordError' }, { target: '#rolling.notStarted', actions: 'failFromError' }],
    }, {
      on: {
        UNDO: { target: '#rolling.notStarted', actions: set(() => ({ failure: { reason: 'Undo' as const, message: 'rollout undo requested' } })) },
        ABORT: { target: '#rolling.notStarted', actions: set(() => ({ failure: { reason: 'Aborted' as const, message: 'rollout abort requested' } })) },
      },
    }),
    rollout: {
      initial: 'startInstanceRefresh',
      on: {
        UNDO: {
          target: '#rolling.rollback',
          actions: set(({ context }) => ({ failure: context.failure ?? { reason: 'Undo' as const, message: 'rollout undo requested' } })),
        },
        ABORT: {
          target: '#rolling.rollback',
          actions: set(({ context }) => ({ failure: context.failure ?? { reason: 'Aborted' as const, message: 'rollout abort requested' } })),
        },
      },
      states: {
        startInstanceRefresh: step<StartedRefresh>('retryDelay', {
          src: 'startInstanceRefresh',
          input: ({ context }) => ({
            groupName: context.input.groupName,
            launchTemplateVersion: targetVersion(context),
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
              // Still running, and `rollout pause` asked to hold: suspend the refresh between batches.
              guard: pauseRequested,
              target: '#rolling.rollout.suspendRefresh',
              actions: ['stepDone', set(({ context, event }) => ({ refreshStartedAtMs: context.refreshStartedAtMs ?? event.output.nowMs, percentComplete: event.output.percentComplete }))],
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
        ...rollingPauseStates,
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
    /** No version was made (or UNDO came first): nothing changed, nothing to refresh back. */
    notStarted: {
      type: 'final',
      entry: set(({ context }) => ({ message: `failed: ${context.failure?.message ?? 'no launch template version was made'}` })),
    },
    /** The group is gone: nothing to refresh back; the fleet's reconcile rebuilds from the world. */
    gone: {
      type: 'final',
      entry: set(({ context }) => ({ message: `failed: ${context.failure?.message ?? 'the group is missing'}` })),
    },
    succeeded: {
      type: 'final',
      entry: set(({ context }) => ({ message: `${context.input.groupName} runs launch template version ${targetVersion(context)}` })),
    },
    rollback: {
      initial: 'startRollbackRefresh',
      entry: set(({ context }) => ({ message: `rolling back to version ${rollbackVersion(context)}: ${context.failure?.message ?? 'requested'}` })),
      states: {
        startRollbackRefresh: step<StartedRefresh>('retryDelay', {
          src: 'startInstanceRefresh',
          input: ({ context }) => ({
            groupName: context.input.groupName,
            launchTemplateVersion: rollbackVersion(context)!,
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
      entry: set(({ context }) => ({ message: `rolled back to version ${rollbackVersion(context)}: ${context.failure?.message ?? 'failed'}` })),
    },
  },
  output: ({ context }): RollingOutput =>
    context.failure && (context.failure.reason === 'GroupMissing' || rollbackVersion(context) === undefined)
      ? { status: 'failed', ...context.failure }
      : context.failure
      ? { status: 'failed', ...context.failure, rolledBackTo: rollbackVersion(context)! }
      : { status: 'succeeded', refreshId: context.refreshId! },
});

export type RollingMachine = typeof rollingMachine;
