/**
 * The canary's steps before cut-over, each a run/wait step of the step kit: make green (at 0)
 * and attach it, then for each setWeight: scale green first, wait until it serves, move the
 * weight, analyse; for each pause: hold, analysing every `analysisIntervalSeconds`. The last
 * step (weight 100) ends in the swap's cut-over (`deregisterBlue`).
 */
import { stepKit } from './step-kit';
import { elapsedMs, MISSING_GRACE_MS, scaleOutFolded, scaleOutPending } from './swap.guards';
import {
  canaryLine, canaryTarget, currentStep, greenWanted, stepWeight,
  type CanaryAnalysisFacts, type CanaryContext, type TrafficFacts,
} from './canary.types';
import type { ClockFacts, GroupHealthFacts } from './swap.types';

const { step, set } = stepKit<CanaryContext>();

/**
 * Blue's recorded scale-out becomes part of the target green is sized from. Taken in at a weight
 * step (scaleGreen sizes green for it), while green comes up, and during a pause (green grows to
 * the weight's share of the new target, then the pause goes on): every place green exists before cut-over.
 */
const foldScaleOut = set(({ context }) => scaleOutFolded(context));
const inPause = ({ context }: { context: CanaryContext }) => pauseSeconds(context) > 0;

/** Inconclusive analyses of one weight step before the rollout holds for an operator. */
export const INCONCLUSIVE_LIMIT = 5;

const failOrRetry = [
  { guard: 'notFound', target: '#canary.rederive', actions: ['recordError', 'noteMissingFromError'] },
  { guard: 'retryable', target: 'wait', actions: 'recordError' },
  { target: '#canary.rollback', actions: 'failFromError' },
];

function pauseSeconds(context: CanaryContext): number {
  const s = currentStep(context);
  return s && 'pauseSeconds' in s ? s.pauseSeconds : 0;
}

/** The pause's last analysis left a question open (and it has not been asked too often). */
function openAnalysis(context: CanaryContext): boolean {
  return context.analysis?.phase === 'pause' && context.analysis.stepIndex === context.stepIndex && context.analysis.verdict === 'inconclusive' && (context.inconclusive ?? 0) < INCONCLUSIVE_LIMIT;
}

function analysisInput(context: CanaryContext, phase: 'step' | 'pause') {
  const { fleet, blueGroup } = context.input;
  return { fleet, blueGroup, greenGroup: context.greenGroup, stepIndex: context.stepIndex, weight: context.weight, phase };
}

function analysed(phase: 'step' | 'pause') {
  return set(({ context, event }) => {
    const out = event.output as CanaryAnalysisFacts;
    return {
      analysis: { verdict: out.verdict, checks: out.checks, stepIndex: context.stepIndex, weight: context.weight, phase, atMs: out.nowMs },
      analyses: context.analyses + 1,
      lastAnalysisAtMs: out.nowMs,
    };
  });
}

function analysisFailed(phase: 'step' | 'pause') {
  return {
    guard: ({ event }: { event: { output: CanaryAnalysisFacts } }) => event.output.verdict === 'fail',
    target: '#canary.rollback',
    actions: [analysed(phase), set(({ context, event }) => {
      const out = event.output as CanaryAnalysisFacts;
      const failing = out.checks.filter((c) => c.verdict === 'fail').map((c) => (c.message ? `${c.name}: ${c.message}` : c.name));
      return { rollback: { reason: 'AnalysisFailed' as const, message: `analysis failed at ${canaryLine(context)}: ${failing.join('; ') || 'verdict fail'}`, failingInstanceIds: [] } };
    })],
  };
}

export const canarySteps = {
  createGreenGroup: step('retryDelay', {
    src: 'createGreenGroup',
    input: ({ context }) => ({
      fleet: context.input.fleet, generation: context.input.generation, groupName: context.greenGroup,
      launchTemplateVersion: context.launchTemplateVersion!, desired: 0,
    }),
    onDone: { target: '#canary.rollout.attachGreen', actions: ['stepDone', set(({ context }) => ({ message: `attaching ${context.greenGroup} to the load balancer` }))] },
    onError: [{ guard: 'retryable', target: 'wait', actions: 'recordError' }, { target: '#canary.rollback', actions: 'failFromError' }],
  }),
  attachGreen: step('retryDelay', {
    src: 'attachGreen',
    input: ({ context }) => ({ groupName: context.greenGroup }),
    onDone: { target: '#canary.rollout.nextStep', actions: 'stepDone' },
    onError: failOrRetry,
  }),
  /** Chooses what the current step does; never rests here. */
  nextStep: {
    always: [
      { guard: ({ context }: { context: CanaryContext }) => context.paused, target: 'held' },
      {
        guard: ({ context }: { context: CanaryContext }) => context.promoted === 'full' && context.stepIndex < context.input.steps.length - 1,
        target: 'nextStep',
        actions: set(({ context }) => ({ stepIndex: context.input.steps.length - 1 })),
      },
      {
        guard: ({ context }: { context: CanaryContext }) => context.promoted !== undefined && pauseSeconds(context) > 0,
        target: 'advance',
      },
      { guard: ({ context }: { context: CanaryContext }) => pauseSeconds(context) > 0, target: 'pause' },
      { target: 'scaleGreen', actions: foldScaleOut },
    ],
  },
  /** On to the next step. */
  advance: {
    always: { target: 'nextStep', actions: set(({ context }) => ({ stepIndex: context.stepIndex + 1, pauseStartedAtMs: undefined, greenWaitStartedAtMs: undefined })) },
  },
  held: {
    entry: set(({ context }) => ({
      message: context.heldBy === 'analysis'
        ? `${canaryLine(context)}; held: analysis still inconclusive after ${INCONCLUSIVE_LIMIT} tries (rollout resume analyses again, promote goes on, abort goes back to blue)`
        : `${canaryLine(context)}; paused by an operator (rollout resume continues)`,
    })),
    on: {
      RESUME: { target: 'nextStep', actions: set(() => ({ paused: false, heldBy: undefined })) },
      // Held by analysis, promote is the operator's word that the step is good: on to the next one.
      PROMOTE: { guard: ({ context }: { context: CanaryContext }) => context.heldBy === 'analysis', target: 'advance', actions: ['promote', set(() => ({ paused: false, heldBy: undefined }))] },
    },
  },
  /** Green grows before its weight rises, so serving capacity never drops below desired. */
  scaleGreen: step('retryDelay', {
    src: 'scaleGreen',
    input: ({ context }) => ({ groupName: context.greenGroup, desired: greenWanted(context) }),
    onDone: {
      target: '#canary.rollout.waitGreen',
      actions: ['stepDone', set(({ context }) => ({ message: `${canaryLine(context)}; scaling ${context.greenGroup} to ${greenWanted(context)} for weight ${stepWeight(context)} %` }))],
    },
    onError: failOrRetry,
  }),
  waitGreen: step<GroupHealthFacts>('pollInterval', {
    src: 'pollGroupHealth',
    input: ({ context }) => ({ groupName: context.greenGroup, desired: greenWanted(context) }),
    onDone: [
      {
        guard: ({ context, event }) => event.output.exists === false && elapsedMs(context.greenWaitStartedAtMs, event.output.nowMs) >= MISSING_GRACE_MS,
        target: '#canary.rederive',
        actions: ['stepDone', 'noteGreenGone'],
      },
      { guard: ({ context, event }) => scaleOutPending(context, event.output), target: '#canary.rollout.scaleGreen', actions: ['stepDone', foldScaleOut] },
      {
        guard: ({ context, event }) => event.output.inService.length >= greenWanted(context) && event.output.notInService.length === 0 && stepWeight(context) >= 100,
        target: '#canary.rollout.deregisterBlue',
        actions: ['stepDone', set(({ context, event }) => ({
          cutOver: true, weight: 100, greenWaitStartedAtMs: undefined,
          green: { inService: event.output.inService.length, desired: canaryTarget(context), notInService: [] },
          message: `canary step ${context.stepIndex + 1} of ${context.input.steps.length}: green serves fully; taking ${context.input.blueGroup} out of the load balancer`,
        }))],
      },
      {
        guard: ({ context, event }) => event.output.inService.length >= greenWanted(context) && event.output.notInService.length === 0,
        target: '#canary.rollout.setWeight',
        actions: ['stepDone', set(({ context, event }) => ({
          greenWaitStartedAtMs: undefined,
          green: { inService: event.output.inService.length, desired: greenWanted(context), notInService: [] },
        }))],
      },
      {
        guard: ({ event }) => !!event.output.launchFailure,
        target: '#canary.rollback',
        actions: set(({ event }) => ({ rollback: { reason: 'LaunchFailed' as const, message: event.output.launchFailure!, failingInstanceIds: event.output.notInService } })),
      },
      {
        guard: ({ context, event }) => elapsedMs(context.greenWaitStartedAtMs, event.output.nowMs) > context.input.healthyTimeoutSeconds * 1000,
        target: '#canary.rollback',
        actions: set(({ context, event }) => ({
          rollback: {
            reason: 'GreenUnhealthy' as const,
            message: `${event.output.inService.length}/${greenWanted(context)} green instances InService after ${context.input.healthyTimeoutSeconds}s`,
            failingInstanceIds: event.output.notInService,
          },
        })),
      },
      {
        target: 'wait',
        actions: ['stepDone', set(({ context, event }) => ({
          greenWaitStartedAtMs: context.greenWaitStartedAtMs ?? event.output.nowMs,
          green: { inService: event.output.inService.length, desired: greenWanted(context), notInService: event.output.notInService },
          message: `${canaryLine(context)}; ${event.output.inService.length}/${greenWanted(context)} green instances InService before weight ${stepWeight(context)} %`,
        }))],
      },
    ],
    onError: { target: 'wait', actions: 'recordError' },
  }),
  setWeight: step<TrafficFacts>('retryDelay', {
    src: 'setTrafficWeight',
    input: ({ context }) => ({
      fleet: context.input.fleet, blueGroup: context.input.blueGroup, greenGroup: context.greenGroup, weight: stepWeight(context), desired: canaryTarget(context),
    }),
    onDone: [
      // Green grew for a scale-out during a pause: the same weight over the new target, and the pause goes on.
      { guard: inPause, target: '#canary.rollout.pause', actions: ['stepDone', set(({ event }) => ({ traffic: { greenServing: event.output.greenServing, blueServing: event.output.blueServing, approximate: event.output.approximate } }))] },
      {
        target: '#canary.rollout.analyzeStep',
        actions: ['stepDone', set(({ context, event }) => {
          const next = { ...context, weight: stepWeight(context), traffic: { greenServing: event.output.greenServing, blueServing: event.output.blueServing, approximate: event.output.approximate } };
          return { weight: next.weight, traffic: next.traffic, message: `${canaryLine(next)}; analysing` };
        })],
      },
    ],
    onError: failOrRetry,
  }),
  /**
   * After a weight step: pass goes on, fail aborts, inconclusive (no data yet, failures within
   * their limit) is analysed again every `analysisIntervalSeconds`, up to INCONCLUSIVE_LIMIT
   * times; then the rollout holds for an operator (resume, promote or abort) rather than go on blindly.
   */
  analyzeStep: step<CanaryAnalysisFacts>('retryDelay', {
    src: 'analyze',
    input: ({ context }) => analysisInput(context, 'step'),
    onDone: [
      analysisFailed('step'),
      {
        guard: ({ context, event }) => event.output.verdict === 'inconclusive' && (context.inconclusive ?? 0) < INCONCLUSIVE_LIMIT,
        target: '#canary.rollout.reanalyze',
        actions: ['stepDone', analysed('step'), set(({ context }) => ({
          inconclusive: (context.inconclusive ?? 0) + 1,
          message: `${canaryLine(context)}; analysis inconclusive (${(context.inconclusive ?? 0) + 1} of ${INCONCLUSIVE_LIMIT}), analysing again in ${context.input.analysisIntervalSeconds}s`,
        }))],
      },
      {
        guard: ({ event }) => event.output.verdict === 'inconclusive',
        target: '#canary.rollout.held',
        actions: ['stepDone', analysed('step'), set(() => ({ inconclusive: 0, paused: true, heldBy: 'analysis' as const }))],
      },
      { target: '#canary.rollout.advance', actions: ['stepDone', analysed('step'), set(() => ({ inconclusive: 0 }))] },
    ],
    onError: { target: 'wait', actions: 'recordError' },
  }),
  /** Waits out `analysisIntervalSeconds` after an inconclusive analysis of a weight step. */
  reanalyze: step<ClockFacts>('pollInterval', {
    src: 'pollClock',
    onDone: [
      {
        guard: ({ context, event }) => event.output.nowMs - (context.lastAnalysisAtMs ?? event.output.nowMs) >= context.input.analysisIntervalSeconds * 1000,
        target: '#canary.rollout.analyzeStep',
        actions: 'stepDone',
      },
      { target: 'wait', actions: 'stepDone' },
    ],
    onError: { target: 'wait', actions: 'recordError' },
  }),
  pause: step<ClockFacts>('pollInterval', {
    src: 'pollClock',
    onDone: [
      { guard: ({ context }) => context.pendingScaleOut > 0 && context.weight > 0, target: '#canary.rollout.scaleGreen', actions: ['stepDone', foldScaleOut] },
      // A pause ends once its time is up, unless its last analysis is still open (a failure within its limit, no data): then
      // it is analysed again first, up to INCONCLUSIVE_LIMIT times.
      {
        guard: ({ context, event }) => elapsedMs(context.pauseStartedAtMs, event.output.nowMs) >= pauseSeconds(context) * 1000 && !openAnalysis(context),
        target: '#canary.rollout.advance',
        actions: ['stepDone', set(() => ({ inconclusive: 0 }))],
      },
      {
        guard: ({ context, event }) => event.output.nowMs - (context.lastAnalysisAtMs ?? context.pauseStartedAtMs ?? event.output.nowMs) >= context.input.analysisIntervalSeconds * 1000,
        target: '#canary.rollout.pauseAnalysis',
        actions: ['stepDone', set(({ context, event }) => ({ pauseStartedAtMs: context.pauseStartedAtMs ?? event.output.nowMs }))],
      },
      {
        target: 'wait',
        actions: ['stepDone', set(({ context, event }) => {
          const started = context.pauseStartedAtMs ?? event.output.nowMs;
          const left = Math.max(0, Math.ceil((started + pauseSeconds(context) * 1000 - event.output.nowMs) / 1000));
          return { pauseStartedAtMs: started, message: canaryLine(context, ` (pause ${pauseSeconds(context)}s, ${left}s left)`) };
        })],
      },
    ],
    onError: { target: 'wait', actions: 'recordError' },
  }, {
    on: { PROMOTE: { target: '#canary.rollout.advance', actions: 'promote' } },
  }),
  pauseAnalysis: step<CanaryAnalysisFacts>('retryDelay', {
    src: 'analyze',
    input: ({ context }) => analysisInput(context, 'pause'),
    onDone: [
      analysisFailed('pause'),
      {
        target: '#canary.rollout.pause',
        actions: ['stepDone', analysed('pause'), set(({ context, event }) => ({ inconclusive: event.output.verdict === 'inconclusive' ? (context.inconclusive ?? 0) + 1 : 0 }))],
      },
    ],
    onError: { target: 'wait', actions: 'recordError' },
  }),
};
