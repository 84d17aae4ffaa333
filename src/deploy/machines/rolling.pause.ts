/**
 * `drover rollout pause|resume` on a rolling deployment: PAUSE sets a flag; the next look at the
 * running instance refresh then suspends the group's InstanceRefresh process, so the batch being
 * replaced finishes and no new one starts (Auto Scaling's own pause), and the machine holds in
 * `paused`. RESUME resumes the process and goes back to watching the refresh, whose timeout does
 * not count the time held. ABORT or UNDO while held resume the process first, then roll back.
 */
import { stepKit } from './step-kit';
import type { RefreshHeld, RollingContext } from './rolling.types';

const { step, set } = stepKit<RollingContext>();

/** Handled anywhere in the rollout: the flag the refresh watch reads. */
export const rollingControlFlags = {
  PAUSE: { actions: set(() => ({ paused: true })) },
  RESUME: { actions: set(() => ({ paused: undefined })) },
};

/** Whether the refresh watch should hold now: a pause asked for while the refresh still runs. */
export function pauseRequested({ context }: { context: RollingContext }): boolean {
  return context.paused === true;
}

const hold = (holdIt: boolean) => ({ context }: { context: RollingContext }) => ({ groupName: context.input.groupName, hold: holdIt });

/** UNDO or ABORT while the process is (or may be) suspended: resume it, then roll back. */
const rollbackResumed = {
  UNDO: { target: '#rolling.rollout.resumeForRollback', actions: set(({ context }) => ({ failure: context.failure ?? { reason: 'Undo' as const, message: 'rollout undo requested' } })) },
  ABORT: { target: '#rolling.rollout.resumeForRollback', actions: set(({ context }) => ({ failure: context.failure ?? { reason: 'Aborted' as const, message: 'rollout abort requested' } })) },
};

/** The states inside `rollout` (ids under #rolling.rollout). */
export const rollingPauseStates = {
  suspendRefresh: step<RefreshHeld>('retryDelay', {
    src: 'holdInstanceRefresh',
    input: hold(true),
    onDone: { target: '#rolling.rollout.paused', actions: ['stepDone', set(({ event }) => ({ heldAtMs: event.output.nowMs }))] },
    onError: { target: 'wait', actions: 'recordError' },
  }, {
    // The suspend may have reached AWS already: resume the process before any rollback.
    on: rollbackResumed,
  }),
  paused: {
    entry: set(({ context }) => ({
      message: `paused between batches: instance refresh ${context.refreshId} of ${context.input.groupName} at ${context.percentComplete}%, no new batch starts; 'drover rollout resume' goes on`,
    })),
    on: {
      RESUME: { target: '#rolling.rollout.resumeRefresh', actions: set(() => ({ paused: undefined })) },
      PAUSE: {},
      ...rollbackResumed,
    },
  },
  resumeRefresh: step<RefreshHeld>('retryDelay', {
    src: 'holdInstanceRefresh',
    input: hold(false),
    onDone: {
      target: '#rolling.rollout.waitRefresh',
      // The refresh's timeout counts only the time it was allowed to run.
      actions: ['stepDone', set(({ context, event }) => ({
        heldAtMs: undefined,
        ...(context.refreshStartedAtMs !== undefined && context.heldAtMs !== undefined ? { refreshStartedAtMs: context.refreshStartedAtMs + (event.output.nowMs - context.heldAtMs) } : {}),
        message: `resuming instance refresh ${context.refreshId} of ${context.input.groupName}`,
      }))],
    },
    onError: { target: 'wait', actions: 'recordError' },
  }),
  /** The rollback refreshes back to the previous version; the suspended process would hold that refresh too. */
  resumeForRollback: step<RefreshHeld>('retryDelay', {
    src: 'holdInstanceRefresh',
    input: hold(false),
    onDone: { target: '#rolling.rollback', actions: ['stepDone', set(() => ({ paused: undefined, heldAtMs: undefined }))] },
    onError: { target: 'wait', actions: 'recordError' },
  }, { on: { UNDO: {}, ABORT: {} } }),
};
