/**
 * The rollout controls of the swap (`drover rollout pause|resume|promote|abort`), as events:
 * PAUSE and RESUME set a context flag that holds the swap before cut-over (green healthy, blue
 * still serving) in the `paused` state; PROMOTE lifts a pause and skips the next wait (soak or
 * keepPrevious), or every remaining one with `full`; ABORT rolls back like UNDO. Flags live in
 * the context, so a snapshot saved while paused or promoted restores that way.
 */
import { stepKit } from './step-kit';
import { scaleOutFolded } from './swap.guards';
import type { SwapContext, SwapEvent } from './swap.types';

const { set } = stepKit<SwapContext>();

type PromoteEvent = Extract<SwapEvent, { type: 'PROMOTE' }>;

function promotion(context: SwapContext, event: unknown): SwapContext['promote'] {
  return (event as PromoteEvent).full || context.promote === 'full' ? 'full' : 'step';
}

/** Handled wherever the swap is: the flags the gates read. */
export const controlFlags = {
  PAUSE: { actions: set(() => ({ paused: true })) },
  RESUME: { actions: set(() => ({ paused: undefined })) },
  PROMOTE: { actions: set(({ context, event }) => ({ paused: undefined, promote: promotion(context, event) })) },
};

/** A pause requested before cut-over takes effect here, once green is healthy. */
export function pausedNow({ context }: { context: SwapContext }): boolean {
  return context.paused === true;
}

/** A wait (soak, keepPrevious) is cut short by PROMOTE. */
export function promoted({ context }: { context: SwapContext }): boolean {
  return context.promote !== undefined;
}

/** Skipping one wait uses up a step promotion; a full one skips every remaining wait. */
export const usePromotion = set(({ context }) => ({ promote: context.promote === 'full' ? 'full' : undefined }));

/** Leaving the hold: green is checked again before cut-over, with a fresh healthy timeout. */
const leaveHold = { target: '#swap.rollout.waitGreenHealthy', actions: set(() => ({ paused: undefined, greenWaitStartedAtMs: undefined })) };

/** The hold before cut-over: blue serves, green is healthy, nothing moves until RESUME or PROMOTE. */
export const pausedState = {
  entry: set(({ context }) => ({
    message: `paused before cut-over: ${context.greenGroup} is healthy, ${context.input.blueGroup} still serves; 'drover rollout resume' goes on`,
  })),
  // Blue scaled out during the hold: green grows now (then is checked healthy and holds again), not only after resume.
  always: { guard: ({ context }: { context: SwapContext }) => context.pendingScaleOut > 0, target: '#swap.rollout.scaleOutGreen', actions: set(({ context }) => scaleOutFolded(context)) },
  on: {
    RESUME: leaveHold,
    PROMOTE: { ...leaveHold, actions: set(({ context, event }) => ({ paused: undefined, greenWaitStartedAtMs: undefined, promote: (event as unknown as PromoteEvent).full ? 'full' : context.promote })) },
  },
};

export const abortRollback = set(({ context }) => ({
  rollback: context.rollback ?? { reason: 'Aborted' as const, message: 'rollout abort requested', failingInstanceIds: [] },
}));
