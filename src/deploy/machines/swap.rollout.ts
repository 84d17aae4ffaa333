/**
 * The swap's rollout, step by step: make the template version and green, wait for green to
 * serve, take blue out, drain, soak, move the scaling policies, then re-observe before
 * scaling blue in and before deleting it. Each entry is one run/wait step of the step kit.
 */
import { assign } from 'xstate';
import { stepKit, type StepArgs } from './step-kit';
import { pausedNow, promoted, usePromotion } from './swap.controls';
import { elapsedMs, MISSING_GRACE_MS, reobserveBoth, scaleOutFolded, scaleOutPending, targetDesired } from './swap.guards';
import type { AlarmFacts, ClockFacts, CreatedVersion, GroupHealthFacts, SwapContext } from './swap.types';
import type { ReobservedFacts } from '../../model/reobserve';

const { step, set } = stepKit<SwapContext>();

/** Blue's recorded scale-out becomes part of the target (see scaleOutFolded). */
export const foldScaleOut = set(({ context }) => scaleOutFolded(context));

export const rolloutSteps = {
    createLaunchTemplateVersion: step<CreatedVersion>('retryDelay', {
      src: 'createLaunchTemplateVersion',
      input: ({ context }) => ({ fleet: context.input.fleet, generation: context.input.generation, amiId: context.input.amiId }),
      onDone: {
        target: '#swap.rollout.createGreenGroup',
        actions: ['stepDone', set(({ context, event }) => ({
          launchTemplateVersion: event.output.version,
          previousVersion: event.output.previousVersion,
          message: `creating green group ${context.greenGroup}`,
        }))],
      },
      onError: [{ guard: 'retryable', target: 'wait', actions: 'recordError' }, { target: '#swap.rollback', actions: 'failFromError' }],
    }),
    createGreenGroup: step('retryDelay', {
      src: 'createGreenGroup',
      input: ({ context }) => ({
        fleet: context.input.fleet, generation: context.input.generation, groupName: context.greenGroup,
        launchTemplateVersion: context.launchTemplateVersion!, desired: targetDesired(context),
      }),
      onDone: { target: '#swap.rollout.attachGreen', actions: ['stepDone', set(({ context }) => ({ message: `attaching ${context.greenGroup} to the load balancer` }))] },
      onError: [{ guard: 'retryable', target: 'wait', actions: 'recordError' }, { target: '#swap.rollback', actions: 'failFromError' }],
    }),
    attachGreen: step('retryDelay', {
      src: 'attachGreen',
      input: ({ context }) => ({ groupName: context.greenGroup }),
      onDone: { target: '#swap.rollout.waitGreenHealthy', actions: ['stepDone', set(({ context }) => ({ message: `waiting for ${context.greenGroup} to be InService` }))] },
      onError: [
        { guard: 'notFound', target: '#swap.rederive', actions: ['recordError', 'noteMissingFromError'] },
        { guard: 'retryable', target: 'wait', actions: 'recordError' },
        { target: '#swap.rollback', actions: 'failFromError' },
      ],
    }),
    waitGreenHealthy: step<GroupHealthFacts>('pollInterval', {
      src: 'pollGroupHealth',
      input: ({ context }) => ({ groupName: context.greenGroup, desired: targetDesired(context) }),
      onDone: [
        {
          // A group created moments ago may not show yet (eventual consistency): missing counts after a grace.
          guard: ({ context, event }) => event.output.exists === false && elapsedMs(context.greenWaitStartedAtMs, event.output.nowMs) >= MISSING_GRACE_MS,
          target: '#swap.rederive',
          actions: ['stepDone', 'noteGreenGone'],
        },
        // Blue scaled out (its own policy) while green comes up: green grows to the new desired before cut-over.
        { guard: ({ context, event }) => scaleOutPending(context, event.output), target: '#swap.rollout.scaleOutGreen', actions: ['stepDone', foldScaleOut] },
        {
          guard: ({ context, event }) => pausedNow({ context }) && event.output.inService.length >= targetDesired(context) && event.output.notInService.length === 0,
          target: '#swap.rollout.paused',
          actions: ['stepDone', set(({ context, event }) => ({ green: { inService: event.output.inService.length, desired: targetDesired(context), notInService: [] } }))],
        },
        {
          guard: ({ context, event }) => event.output.inService.length >= targetDesired(context) && event.output.notInService.length === 0,
          target: '#swap.rollout.deregisterBlue',
          actions: ['stepDone', set(({ context, event }) => ({
            green: { inService: event.output.inService.length, desired: targetDesired(context), notInService: [] },
            message: `green healthy; taking ${context.input.blueGroup} out of the load balancer`,
          }))],
        },
        {
          // Launches that cannot succeed: roll back within one poll, with AWS's reason.
          guard: ({ event }) => !!event.output.launchFailure,
          target: '#swap.rollback',
          actions: set(({ context, event }) => ({
            green: { inService: event.output.inService.length, desired: targetDesired(context), notInService: event.output.notInService },
            rollback: { reason: 'LaunchFailed' as const, message: event.output.launchFailure!, failingInstanceIds: event.output.notInService },
          })),
        },
        {
          guard: ({ context, event }) => elapsedMs(context.greenWaitStartedAtMs, event.output.nowMs) > context.input.healthyTimeoutSeconds * 1000,
          target: '#swap.rollback',
          actions: set(({ context, event }) => ({
            green: { inService: event.output.inService.length, desired: targetDesired(context), notInService: event.output.notInService },
            rollback: {
              reason: 'GreenUnhealthy' as const,
              message: `${event.output.inService.length}/${targetDesired(context)} green instances InService after ${context.input.healthyTimeoutSeconds}s`,
              failingInstanceIds: event.output.notInService,
            },
          })),
        },
        {
          target: 'wait',
          actions: ['stepDone', set(({ context, event }) => ({
            greenWaitStartedAtMs: context.greenWaitStartedAtMs ?? event.output.nowMs,
            green: { inService: event.output.inService.length, desired: targetDesired(context), notInService: event.output.notInService },
            message: `${event.output.inService.length}/${targetDesired(context)} green instances InService`,
          }))],
        },
      ],
      onError: { target: 'wait', actions: 'recordError' },
    }),
    /** Green's desired capacity set to the target with blue's scale-out in it (absolute, so a re-run sets the same); then healthy again. */
    scaleOutGreen: step('retryDelay', {
      src: 'scaleGreen',
      input: ({ context }) => ({ groupName: context.greenGroup, desired: targetDesired(context) }),
      onDone: {
        target: '#swap.rollout.waitGreenHealthy',
        actions: ['stepDone', set(({ context }) => ({ greenWaitStartedAtMs: undefined, message: `${context.input.blueGroup} scaled out: waiting for ${context.greenGroup} to serve ${targetDesired(context)}` }))],
      },
      onError: [
        { guard: 'notFound', target: '#swap.rederive', actions: ['recordError', 'noteMissingFromError'] },
        { guard: 'retryable', target: 'wait', actions: 'recordError' },
        { target: '#swap.rollback', actions: 'failFromError' },
      ],
    }, { entry: set(({ context }) => ({ message: `${context.input.blueGroup} scaled out: scaling ${context.greenGroup} to ${targetDesired(context)}` })) }),
    deregisterBlue: step('retryDelay', {
      src: 'deregisterBlue',
      input: ({ context }) => ({ blueGroup: context.input.blueGroup, greenGroup: context.greenGroup }),
      onDone: { target: '#swap.rollout.drainBlue', actions: ['stepDone', set(({ context }) => ({ message: `draining ${context.input.blueGroup}` }))] },
      onError: [{ guard: 'retryable', target: 'wait', actions: 'recordError' }, { target: '#swap.rollback', actions: 'failFromError' }],
    }),
    drainBlue: step<ClockFacts>('pollInterval', {
      src: 'pollClock',
      onDone: [
        { guard: ({ context }) => context.pendingScaleOut > 0, target: '#swap.rollout.scaleOutServing', actions: ['stepDone', foldScaleOut] },
        {
          guard: ({ context, event }) => elapsedMs(context.drainStartedAtMs, event.output.nowMs) >= context.input.drainingSeconds * 1000,
          target: '#swap.rollout.soak',
          actions: ['stepDone', assign({ message: 'soaking green' })],
        },
        { target: 'wait', actions: ['stepDone', set(({ context, event }) => ({ drainStartedAtMs: context.drainStartedAtMs ?? event.output.nowMs }))] },
      ],
      onError: { target: 'wait', actions: 'recordError' },
    }),
    soak: step<AlarmFacts>('pollInterval', {
      src: 'pollAlarms',
      input: ({ context }) => ({ alarmNames: context.input.rollbackOnAlarms }),
      onDone: [
        {
          guard: ({ event }) => event.output.firing.length > 0,
          target: '#swap.rollback',
          actions: set(({ event }) => ({
            rollback: { reason: 'AlarmFired' as const, message: `alarm ${event.output.firing.join(', ')} fired during soak`, failingInstanceIds: [] },
          })),
        },
        { guard: ({ context }) => context.pendingScaleOut > 0, target: '#swap.rollout.scaleOutServing', actions: ['stepDone', foldScaleOut] },
        {
          guard: ({ context, event }) => promoted({ context }) || elapsedMs(context.soakStartedAtMs, event.output.nowMs) >= context.input.soakSeconds * 1000,
          target: '#swap.rollout.movePolicies',
          actions: ['stepDone', usePromotion, set(({ context }) => ({ message: `moving scaling policies to ${context.greenGroup}` }))],
        },
        { target: 'wait', actions: ['stepDone', set(({ context, event }) => ({ soakStartedAtMs: context.soakStartedAtMs ?? event.output.nowMs }))] },
      ],
      onError: { target: 'wait', actions: 'recordError' },
    }, {
      on: {
        ALARM: {
          guard: ({ context, event }: StepArgs<SwapContext, AlarmFacts>) => context.input.rollbackOnAlarms.includes(event.alarmName),
          target: '#swap.rollback',
          actions: set(({ event }) => ({ rollback: { reason: 'AlarmFired' as const, message: `alarm ${event.alarmName} fired during soak`, failingInstanceIds: [] } })),
        },
      },
    }),
    /**
     * A scale-out of blue the reconciler saw only after cut-over (blue's alarm acted just before it; blue's
     * processes are suspended since): green, which has no policies yet, grows to it; drain and soak go on
     * where they were (their start times are kept). From movePolicies on, green's own policies rule.
     */
    scaleOutServing: step('retryDelay', {
      src: 'scaleGreen',
      input: ({ context }) => ({ groupName: context.greenGroup, desired: targetDesired(context) }),
      onDone: { target: '#swap.rollout.drainBlue', actions: 'stepDone' },
      // Green serves what it served at cut-over: a scale-out AWS refuses is not worth a rollback, and green's policies come next.
      onError: [
        { guard: 'notFound', target: '#swap.rederive', actions: ['recordError', 'noteMissingFromError'] },
        { guard: 'retryable', target: 'wait', actions: 'recordError' },
        { target: '#swap.rollout.drainBlue', actions: 'recordError' },
      ],
    }, { entry: set(({ context }) => ({ message: `${context.input.blueGroup} scaled out before cut-over: scaling ${context.greenGroup} to ${targetDesired(context)}` })) }),
    movePolicies: step('retryDelay', {
      src: 'movePolicies',
      input: ({ context }) => ({ fleet: context.input.fleet, fromGroup: context.input.blueGroup, toGroup: context.greenGroup }),
      onDone: { target: '#swap.rollout.verifyBeforeScaleIn', actions: ['stepDone', set(({ context }) => ({ message: `checking that ${context.greenGroup} serves before scaling ${context.input.blueGroup} to zero` }))] },
      onError: [{ guard: 'notFound', target: '#swap.rederive', actions: ['recordError', 'noteMissingFromError'] }, { target: 'wait', actions: 'recordError' }],
    }),
    verifyBeforeScaleIn: step<ReobservedFacts>('pollInterval', {
      src: 'reobserve',
      input: ({ context }) => reobserveBoth(context, true),
      onDone: [
        { guard: 'greenWrongOrStuck', target: '#swap.rederive', actions: ['stepDone', 'noteGreenProblem'] },
        { guard: 'greenServes', target: '#swap.rollout.scaleBlueToZero', actions: ['stepDone', set(({ context }) => ({ verifyStartedAtMs: undefined, message: `scaling ${context.input.blueGroup} to zero` }))] },
        { target: 'wait', actions: ['stepDone', 'noteGreenShort'] },
      ],
      onError: { target: 'wait', actions: 'recordError' },
    }),
    scaleBlueToZero: step('retryDelay', {
      src: 'scaleToZero',
      input: ({ context }) => ({ groupName: context.input.blueGroup }),
      onDone: { target: '#swap.rollout.keepPrevious', actions: ['stepDone', set(({ context }) => ({ message: `keeping ${context.input.blueGroup} for a fast undo` }))] },
      onError: { target: 'wait', actions: 'recordError' },
    }),
    keepPrevious: step<ReobservedFacts>('pollInterval', {
      src: 'reobserve',
      input: ({ context }) => reobserveBoth(context, false),
      onDone: [
        { guard: 'greenWrong', target: '#swap.rederive', actions: ['stepDone', 'noteGreenProblem'] },
        {
          guard: ({ context, event }) => promoted({ context }) || elapsedMs(context.keepStartedAtMs, event.output.nowMs) >= context.input.keepPreviousSeconds * 1000,
          target: '#swap.rollout.verifyBeforeDeleteBlue',
          actions: ['stepDone', usePromotion, set(({ context }) => ({ message: `checking that ${context.greenGroup} serves before deleting ${context.input.blueGroup}` }))],
        },
        { target: 'wait', actions: ['stepDone', set(({ context, event }) => ({ keepStartedAtMs: context.keepStartedAtMs ?? event.output.nowMs }))] },
      ],
      onError: { target: 'wait', actions: 'recordError' },
    }),
    verifyBeforeDeleteBlue: step<ReobservedFacts>('pollInterval', {
      src: 'reobserve',
      input: ({ context }) => reobserveBoth(context, true),
      onDone: [
        { guard: 'greenWrongOrStuck', target: '#swap.rederive', actions: ['stepDone', 'noteGreenProblem'] },
        { guard: 'greenServes', target: '#swap.deleteBlue', actions: ['stepDone', set(({ context }) => ({ verifyStartedAtMs: undefined, undoPossible: false, message: `deleting ${context.input.blueGroup}` }))] },
        { target: 'wait', actions: ['stepDone', 'noteGreenShort'] },
      ],
      onError: { target: 'wait', actions: 'recordError' },
    }),
  };
