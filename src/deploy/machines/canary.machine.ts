/**
 * Canary of Auto Scaling groups: like the blue/green swap, green is a new group beside blue,
 * but traffic moves to it in steps (`setWeight`, `pause`). For each weight green first grows
 * to carry it and must serve before the weight rises, so serving capacity never drops below
 * desired; analysis runs after each weight change and periodically during pauses. A failing
 * analysis, an unhealthy green or ABORT/UNDO send traffic back to blue at once, then keep or
 * delete green (`onAbort`). Weight 100 is the swap's cut-over, and from there on the swap's
 * own states run (drain, soak, keepPrevious, delete blue; its rollback after cut-over).
 */
import { assign, fromPromise, setup } from 'xstate';
import { groupName } from '../../model/names';
import { errorRecorded, notProvided as kitNotProvided, retryDelayMs, stepCompleted, stepKit } from './step-kit';
import { rolloutSteps } from './swap.rollout';
import { swapActorStubs, swapMachine } from './swap.machine';
import { canarySteps } from './canary.steps';
import { pick, retarget } from './canary.reuse';
import { CUT_OVER_STEPS } from './swap.types';
import {
  canaryLine, canaryTarget,
  type CanaryAnalysisFacts, type CanaryAnalysisInput, type CanaryContext, type CanaryEvent, type CanaryInput, type CanaryOutput,
  type KeepGreenInput, type TrafficFacts, type TrafficWeightInput,
} from './canary.types';

export * from './canary.types';

const { step, set } = stepKit<CanaryContext>();

function notProvided(name: string): Promise<never> {
  return kitNotProvided('canary', name);
}

/** The swap steps from cut-over on, as the canary's last step runs them. */
const CUT_OVER: string[] = [...CUT_OVER_STEPS];
const SWAP_STATES = swapMachine.config.states as Record<string, any>;

const cutOver = ({ context }: { context: CanaryContext }) => context.cutOver;

type SwapGuard = 'retryable' | 'notFound' | 'greenWrong' | 'greenWrongOrStuck' | 'greenServes' | 'rederiveRestart' | 'rederiveRollback';
type SwapAction =
  | 'observed' | 'failFromError' | 'requestUndo' | 'rejectUndo' | 'recordScaleOut' | 'noteGreenProblem' | 'noteGreenGone' | 'noteMissingFromError'
  | 'noteBlueGone' | 'noteGreenShort' | 'restartRollout' | 'rollbackFromProblem' | 'failFromProblem' | 'ackScaleOut';
const swapGuards = swapMachine.implementations.guards as Record<SwapGuard, any>;
const swapActions = swapMachine.implementations.actions as Record<SwapAction, any>;

export const canaryMachine = setup({
  types: {} as { context: CanaryContext; events: CanaryEvent; input: CanaryInput; output: CanaryOutput },
  actors: {
    ...swapActorStubs('canary'),
    setTrafficWeight: fromPromise<TrafficFacts, TrafficWeightInput>(() => notProvided('setTrafficWeight')),
    analyze: fromPromise<CanaryAnalysisFacts, CanaryAnalysisInput>(() => notProvided('analyze')),
    keepGreen: fromPromise<void, KeepGreenInput>(() => notProvided('keepGreen')),
  },
  // The swap's named guards and actions run the reused swap states; they read only what CanaryContext shares with SwapContext.
  guards: { ...swapGuards },
  actions: {
    ...swapActions,
    recordError: assign(({ context, event }) => errorRecorded(context, event)),
    stepDone: assign(({ context }) => stepCompleted(context)),
    requestAbort: assign(({ context }) => ({
      rollback: context.rollback ?? { reason: 'Aborted' as const, message: 'rollout abort requested', failingInstanceIds: [] },
    })),
    // --full skips the swap's waits after cut-over too (keepPrevious); after cut-over, promote skips the current one, as on a swap.
    promote: assign(({ context, event }) => {
      const full = (event as { full?: boolean }).full === true;
      const promote = full || context.promote === 'full' ? ('full' as const) : context.cutOver ? ('step' as const) : context.promote;
      return { promoted: full ? ('full' as const) : ('pauses' as const), ...(promote ? { promote } : {}) };
    }),
  },
  delays: {
    pollInterval: 10_000,
    retryDelay: ({ context }) => retryDelayMs(context),
  },
}).createMachine({
  id: 'canary',
  initial: 'rollout',
  context: ({ input }) => ({
    input,
    greenGroup: groupName(input.fleet, input.generation),
    undoPossible: true,
    restarts: 0,
    pendingScaleOut: 0,
    scaleOutApplied: 0,
    stepIndex: 0,
    weight: 0,
    analyses: 0,
    cutOver: false,
    paused: false,
    message: `creating launch template version for ${input.amiId}`,
    errorCount: 0,
    polls: 0,
  }),
  on: {
    SCALE_OUT: { actions: 'recordScaleOut' },
    SCALE_OUT_APPLIED: { actions: 'ackScaleOut' },
    PAUSE: { actions: assign({ paused: true }) },
    RESUME: { actions: assign({ paused: false }) },
  },
  states: {
    rollout: {
      initial: 'createLaunchTemplateVersion',
      // Entered again when the re-derive path restarts the rollout: the canary starts from its first step.
      entry: assign({ stepIndex: 0, weight: 0, traffic: undefined, cutOver: false, pauseStartedAtMs: undefined, lastAnalysisAtMs: undefined }),
      on: {
        UNDO: { target: '#canary.rollback', actions: 'requestUndo' },
        ABORT: { target: '#canary.rollback', actions: 'requestAbort' },
        PROMOTE: { actions: 'promote' },
      },
      states: {
        createLaunchTemplateVersion: retarget(rolloutSteps.createLaunchTemplateVersion),
        ...canarySteps,
        ...pick(rolloutSteps as Record<string, unknown>, CUT_OVER),
      },
    },
    ...pick(SWAP_STATES, ['deleteBlue', 'verifyServing', 'rederive', 'failed', 'succeeded', 'rolledBack']),
    /** Before cut-over blue still serves: the canary's abort. After it, the swap's rollback. */
    rollback: {
      always: [{ guard: cutOver, target: 'swapRollback' }, { target: 'abort' }],
    },
    swapRollback: retarget(SWAP_STATES.rollback) as any,
    abort: {
      initial: 'restoreTraffic',
      entry: set(({ context }) => ({ message: `aborting at ${canaryLine(context)}: ${context.rollback?.message ?? 'requested'}; traffic back to blue` })),
      states: {
        /** All traffic to blue; green leaves the load balancer once blue serves fully, so capacity holds. */
        restoreTraffic: step<TrafficFacts>('pollInterval', {
          src: 'setTrafficWeight',
          input: ({ context }) => ({ fleet: context.input.fleet, blueGroup: context.input.blueGroup, greenGroup: context.greenGroup, weight: 0, desired: canaryTarget(context) }),
          onDone: [
            {
              guard: ({ event }) => event.output.greenServing === 0 && event.output.blueServing > 0,
              target: '#canary.abort.removeGreen',
              actions: ['stepDone', set(({ event }) => ({ weight: 0, traffic: { greenServing: 0, blueServing: event.output.blueServing, approximate: event.output.approximate } }))],
            },
            { target: 'wait', actions: ['stepDone', set(({ event }) => ({ message: `aborting: blue serves ${event.output.blueServing}, green ${event.output.greenServing} until blue serves fully` }))] },
          ],
          onError: { target: 'wait', actions: 'recordError' },
        }),
        removeGreen: {
          always: [
            { guard: ({ context }: { context: CanaryContext }) => context.input.onAbort === 'keep', target: 'keepGreen' },
            { target: 'deleteGreen' },
          ],
        },
        keepGreen: step('retryDelay', {
          src: 'keepGreen',
          input: ({ context }) => ({ groupName: context.greenGroup, reason: context.rollback?.reason ?? 'Aborted' }),
          onDone: { target: '#canary.aborted', actions: 'stepDone' },
          onError: [{ guard: 'notFound', target: '#canary.aborted', actions: 'stepDone' }, { target: 'wait', actions: 'recordError' }],
        }),
        deleteGreen: step('retryDelay', {
          src: 'deleteGroup',
          input: ({ context }) => ({ groupName: context.greenGroup }),
          onDone: { target: '#canary.aborted', actions: 'stepDone' },
          onError: { target: 'wait', actions: 'recordError' },
        }),
      },
    },
    aborted: {
      type: 'final',
      entry: set(({ context }) => ({
        message: `aborted: ${context.rollback?.message ?? 'requested'}; blue serves 100 %; ${context.greenGroup} ${context.input.onAbort === 'keep' ? 'kept for inspection' : 'deleted'}`,
      })),
    },
  },
  output: ({ context }): CanaryOutput =>
    context.failure
      ? { status: 'failed', ...context.failure, failingInstanceIds: [] }
      : context.rollback
      ? { status: 'rolledBack', ...context.rollback }
      : { status: 'succeeded', greenGroup: context.greenGroup, generation: context.input.generation, launchTemplateVersion: context.launchTemplateVersion! },
});

export type CanaryMachine = typeof canaryMachine;
