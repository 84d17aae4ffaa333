/**
 * Blue/green swap of Auto Scaling groups behind a Classic ELB or an ALB/NLB's target groups
 * (the ports decide how: attach/detach, or listener weights). Green comes up at blue's
 * full capacity and must be entirely InService before blue leaves the ELB, so serving
 * capacity never drops. Unhealthy green, a watched alarm during soak, a failed step or
 * `UNDO` roll back: blue back to full capacity and healthy first, then green goes.
 * Steps are idempotent invoked actors; waits poll observed facts carrying `nowMs`.
 */
import { assign, fromPromise, setup } from 'xstate';
import { groupName } from '../../model/names';
import type { ScaleGreenInput } from '../../model/deploy-io';
import { groupFacts, servesFully, type ReobserveInput, type ReobservedFacts } from '../../model/reobserve';
import {
  errorOf, errorRecorded, errorText, MAX_STEP_ERRORS, notProvided as kitNotProvided, retryDelayMs, retryableError, stepCompleted, stepKit,
} from './step-kit';
import { blueTarget, factsOf, greenIssue, greenShortTooLong, rederivation, reobserveBoth, targetDesired } from './swap.guards';
import { abortRollback, controlFlags, pausedState } from './swap.controls';
import { rolloutSteps } from './swap.rollout';
import type {
  AlarmFacts, AlarmsInput, ClockFacts, CreatedVersion, CreateGreenInput, CreateVersionInput, DeregisterBlueInput, GroupHealthFacts,
  GroupHealthInput, GroupInput, MovePoliciesInput, RestoreBlueInput, SwapContext, SwapEvent, SwapInput, SwapOutput,
} from './swap.types';

export * from './swap.types';
export { blueTarget, targetDesired } from './swap.guards';

const { step, set } = stepKit<SwapContext>();

/** The swap's actors, unprovided until the deploy actor provides them; the canary machine reuses them (named `machine` in the error). */
export function swapActorStubs(machine: string) {
  const notProvided = (name: string): Promise<never> => kitNotProvided(machine, name);
  return {
    createLaunchTemplateVersion: fromPromise<CreatedVersion, CreateVersionInput>(() => notProvided('createLaunchTemplateVersion')),
    createGreenGroup: fromPromise<void, CreateGreenInput>(() => notProvided('createGreenGroup')),
    attachGreen: fromPromise<void, GroupInput>(() => notProvided('attachGreen')),
    pollGroupHealth: fromPromise<GroupHealthFacts, GroupHealthInput>(() => notProvided('pollGroupHealth')),
    deregisterBlue: fromPromise<void, DeregisterBlueInput>(() => notProvided('deregisterBlue')),
    pollAlarms: fromPromise<AlarmFacts, AlarmsInput>(() => notProvided('pollAlarms')),
    pollClock: fromPromise<ClockFacts, void>(() => notProvided('pollClock')),
    movePolicies: fromPromise<void, MovePoliciesInput>(() => notProvided('movePolicies')),
    scaleToZero: fromPromise<void, GroupInput>(() => notProvided('scaleToZero')),
    deleteGroup: fromPromise<void, GroupInput>(() => notProvided('deleteGroup')),
    restoreBlue: fromPromise<void, RestoreBlueInput>(() => notProvided('restoreBlue')),
    detachGreen: fromPromise<void, GroupInput>(() => notProvided('detachGreen')),
    reobserve: fromPromise<ReobservedFacts, ReobserveInput>(() => notProvided('reobserve')),
    scaleGreen: fromPromise<void, ScaleGreenInput>(() => notProvided('scaleGreen')),
  };
}

export const swapMachine = setup({
  types: {} as { context: SwapContext; events: SwapEvent; input: SwapInput; output: SwapOutput },
  actors: swapActorStubs('swap'),
  guards: {
    retryable: ({ context, event }) => retryableError(context, event),
    /** AWS says a group (or what it needs) is gone; bounded, so a rollback that keeps meeting it backs off instead. */
    notFound: ({ context, event }) => (errorOf(event) as { errorClass?: unknown } | undefined)?.errorClass === 'notFound' && context.errorCount < MAX_STEP_ERRORS,
    greenWrong: ({ context, event }) => greenIssue(context, factsOf(event)) !== undefined,
    greenWrongOrStuck: ({ context, event }) => (greenIssue(context, factsOf(event)) ?? greenShortTooLong(context, factsOf(event))) !== undefined,
    greenServes: ({ context, event }) => servesFully(groupFacts(factsOf(event), context.greenGroup)),
    rederiveRestart: ({ context, event }) => rederivation(context, factsOf(event)).action === 'restart',
    rederiveRollback: ({ context, event }) => rederivation(context, factsOf(event)).action === 'rollback',
  },
  actions: {
    recordError: assign(({ context, event }) => errorRecorded(context, event)),
    stepDone: assign(({ context }) => stepCompleted(context)),
    /** A poll that settles nothing: errors met on the way stay counted. */
    observed: assign(({ context }) => ({ polls: context.polls + 1 })),
    failFromError: assign(({ event }) => ({
      rollback: { reason: 'StepFailed' as const, message: errorText(errorOf(event)), failingInstanceIds: [] },
    })),
    requestUndo: assign(({ context }) => ({
      rollback: context.rollback ?? { reason: 'Undo' as const, message: 'rollout undo requested', failingInstanceIds: [] },
    })),
    rejectUndo: assign(({ context }) => ({
      undoRejected: `undo is no longer possible: blue group ${context.input.blueGroup} is being deleted`,
    })),
    recordScaleOut: assign(({ context, event }) => ({
      pendingScaleOut: context.pendingScaleOut + ((event as { adjustment?: number }).adjustment ?? 1),
    })),
    noteGreenProblem: assign(({ context, event }) => ({
      problem: greenIssue(context, factsOf(event)) ?? greenShortTooLong(context, factsOf(event)),
      verifyStartedAtMs: undefined,
    })),
    noteGreenGone: assign(({ context }) => ({ problem: { reason: 'GroupMissing' as const, message: `green group ${context.greenGroup} is missing` } })),
    noteMissingFromError: assign(({ event }) => ({ problem: { reason: 'GroupMissing' as const, message: errorText(errorOf(event)) } })),
    noteBlueGone: assign(({ context, event }) => ({ problem: { reason: 'GroupMissing' as const, message: `blue group ${context.input.blueGroup} is missing: ${errorText(errorOf(event))}` } })),
    noteGreenShort: assign(({ context, event }) => {
      const g = groupFacts(factsOf(event), context.greenGroup);
      return {
        verifyStartedAtMs: context.verifyStartedAtMs ?? factsOf(event).nowMs,
        message: `waiting for ${context.greenGroup} to serve ${g.desired}/${g.desired} InService (now ${g.inService}) before going on`,
      };
    }),
    restartRollout: assign(({ context, event }) => ({
      restarts: context.restarts + 1, message: rederivation(context, factsOf(event)).message, problem: undefined, undoPossible: true,
      green: undefined, greenWaitStartedAtMs: undefined, drainStartedAtMs: undefined, soakStartedAtMs: undefined, keepStartedAtMs: undefined, verifyStartedAtMs: undefined,
    })),
    rollbackFromProblem: assign(({ context, event }) => ({
      rollback: context.rollback ?? { reason: context.problem?.reason ?? 'WorldChanged', message: rederivation(context, factsOf(event)).message, failingInstanceIds: [] },
      problem: undefined,
    })),
    failFromProblem: assign(({ context, event }) => ({
      failure: { reason: context.problem?.reason ?? 'WorldChanged', message: rederivation(context, factsOf(event)).message },
    })),
    ackScaleOut: assign(({ context, event }) => {
      const applied = Math.min(context.pendingScaleOut, (event as { adjustment?: number }).adjustment ?? 0);
      return { pendingScaleOut: context.pendingScaleOut - applied, scaleOutApplied: context.scaleOutApplied + applied };
    }),
  },
  delays: {
    pollInterval: 10_000,
    retryDelay: ({ context }) => retryDelayMs(context),
  },
}).createMachine({
  id: 'swap',
  initial: 'rollout',
  context: ({ input }) => ({
    input,
    greenGroup: groupName(input.fleet, input.generation),
    undoPossible: true,
    restarts: 0,
    pendingScaleOut: 0,
    scaleOutApplied: 0,
    message: `creating launch template version for ${input.amiId}`,
    errorCount: 0,
    polls: 0,
  }),
  on: {
    SCALE_OUT: { actions: 'recordScaleOut' },
    SCALE_OUT_APPLIED: { actions: 'ackScaleOut' },
    ...controlFlags,
  },
  states: {
    rollout: {
      initial: 'createLaunchTemplateVersion',
      on: { UNDO: { target: '#swap.rollback', actions: 'requestUndo' }, ABORT: { target: '#swap.rollback', actions: abortRollback } },
      states: { ...rolloutSteps, paused: pausedState },
    },
    deleteBlue: step('retryDelay', {
      src: 'deleteGroup',
      input: ({ context }) => ({ groupName: context.input.blueGroup }),
      onDone: { target: '#swap.verifyServing', actions: ['stepDone', set(({ context }) => ({ message: `checking that ${context.greenGroup} serves` }))] },
      onError: { target: 'wait', actions: 'recordError' },
    }, { on: { UNDO: { actions: 'rejectUndo' }, ABORT: { actions: 'rejectUndo' } } }),
    /** The last reobserve guard: Succeeded only while green serves N/N on the load balancer. */
    verifyServing: step<ReobservedFacts>('pollInterval', {
      src: 'reobserve',
      input: ({ context }) => reobserveBoth(context, true),
      onDone: [
        { guard: 'greenWrongOrStuck', target: '#swap.rederive', actions: ['stepDone', 'noteGreenProblem'] },
        { guard: 'greenServes', target: '#swap.succeeded', actions: 'stepDone' },
        { target: 'wait', actions: ['stepDone', 'noteGreenShort'] },
      ],
      onError: { target: 'wait', actions: 'recordError' },
    }, { on: { UNDO: { actions: 'rejectUndo' }, ABORT: { actions: 'rejectUndo' } } }),
    /**
     * The world and the snapshot disagree: read both groups and go where the world says
     * (see reobserve.ts): make green again, roll back to blue, or end truthfully as failed.
     */
    rederive: step<ReobservedFacts>('retryDelay', {
      src: 'reobserve',
      input: ({ context }) => reobserveBoth(context, true),
      onDone: [
        { guard: 'rederiveRestart', target: '#swap.rollout', actions: ['stepDone', 'restartRollout'] },
        { guard: 'rederiveRollback', target: '#swap.rollback', actions: ['observed', 'rollbackFromProblem'] },
        { target: '#swap.failed', actions: ['observed', 'failFromProblem'] },
      ],
      onError: { target: 'wait', actions: 'recordError' },
    }, { entry: set(({ context }) => ({ message: `re-deriving from the world: ${context.problem?.message ?? 'the world changed'}` })) }),
    failed: {
      type: 'final',
      entry: set(({ context }) => ({ message: `failed: ${context.failure?.message ?? 'the world changed'}` })),
    },
    succeeded: {
      type: 'final',
      entry: set(({ context }) => ({ message: `${context.greenGroup} serves ${context.input.amiId}` })),
    },
    rollback: {
      initial: 'restoreBlue',
      entry: set(({ context }) => ({ message: `rolling back: ${context.rollback?.message ?? 'requested'}` })),
      states: {
        restoreBlue: step('retryDelay', {
          src: 'restoreBlue',
          input: ({ context }) => ({ fleet: context.input.fleet, blueGroup: context.input.blueGroup, greenGroup: context.greenGroup, desired: targetDesired(context) }),
          onDone: { target: '#swap.rollback.waitBlueHealthy', actions: 'stepDone' },
          onError: [{ guard: 'notFound', target: '#swap.rederive', actions: ['recordError', 'noteBlueGone'] }, { target: 'wait', actions: 'recordError' }],
        }),
        waitBlueHealthy: step<GroupHealthFacts>('pollInterval', {
          src: 'pollGroupHealth',
          input: ({ context }) => ({ groupName: context.input.blueGroup, desired: targetDesired(context) }),
          onDone: [
            {
              guard: ({ event }) => event.output.exists === false,
              target: '#swap.rederive',
              actions: ['stepDone', set(({ context }) => ({ problem: { reason: 'GroupMissing' as const, message: `blue group ${context.input.blueGroup} is missing` } }))],
            },
            { guard: ({ context, event }) => event.output.inService.length >= blueTarget(context, event.output), target: '#swap.rollback.detachGreen', actions: 'stepDone' },
            { target: 'wait', actions: ['stepDone', set(({ context, event }) => ({ message: `rolling back: ${event.output.inService.length}/${blueTarget(context, event.output)} blue instances InService` }))] },
          ],
          onError: { target: 'wait', actions: 'recordError' },
        }),
        detachGreen: step('retryDelay', {
          src: 'detachGreen',
          input: ({ context }) => ({ groupName: context.greenGroup }),
          onDone: { target: '#swap.rollback.deleteGreen', actions: 'stepDone' },
          onError: { target: 'wait', actions: 'recordError' },
        }),
        deleteGreen: step('retryDelay', {
          src: 'deleteGroup',
          input: ({ context }) => ({ groupName: context.greenGroup }),
          onDone: { target: '#swap.rolledBack', actions: 'stepDone' },
          onError: { target: 'wait', actions: 'recordError' },
        }),
      },
    },
    rolledBack: {
      type: 'final',
      entry: set(({ context }) => ({ message: `rolled back: ${context.rollback?.message ?? 'requested'}` })),
    },
  },
  output: ({ context }): SwapOutput =>
    context.failure
      ? { status: 'failed', ...context.failure, failingInstanceIds: [] }
      : context.rollback
      ? { status: 'rolledBack', ...context.rollback }
      : { status: 'succeeded', greenGroup: context.greenGroup, generation: context.input.generation, launchTemplateVersion: context.launchTemplateVersion! },
});

export type SwapMachine = typeof swapMachine;
