/** The canary machine's input, context, events and output, and the line status shows for it. */
import type { CanaryStep } from '../../model/fleet';
import { canaryGreenCount, type CanaryCheck, type CanaryVerdict } from '../../model/deploy-io';
import type { SwapContext, SwapEvent, SwapInput, SwapRollbackReason } from './swap.types';

export type {
  CanaryAnalysisFacts, CanaryAnalysisInput, CanaryCheck, CanaryVerdict, KeepGreenInput, ScaleGreenInput, TrafficFacts, TrafficWeightInput,
} from '../../model/deploy-io';
export { canaryGreenCount } from '../../model/deploy-io';

export interface CanaryInput extends SwapInput {
  /** Ends with `{ setWeight: 100 }` (the manifest mapping makes sure). */
  steps: CanaryStep[];
  onAbort: 'keep' | 'delete';
  analysisIntervalSeconds: number;
}

/** Why a canary went back to blue: the swap's reasons, a failed analysis, or an operator's abort. */
export type CanaryRollbackReason = SwapRollbackReason | 'AnalysisFailed' | 'Aborted';

export interface CanaryAnalysisRecord {
  verdict: CanaryVerdict;
  checks: CanaryCheck[];
  stepIndex: number;
  /** The weight it measured (absent in older snapshots). */
  weight?: number;
  phase: 'step' | 'pause';
  atMs: number;
}

export interface CanaryContext extends Omit<SwapContext, 'input' | 'rollback'> {
  input: CanaryInput;
  rollback?: { reason: CanaryRollbackReason; message: string; failingInstanceIds: string[] };
  /** Index into `input.steps` of the step running now. */
  stepIndex: number;
  /** Percent of traffic green was last set to carry. */
  weight: number;
  /** What served after the last weight change. */
  traffic?: { greenServing: number; blueServing: number; approximate: boolean };
  /** The newest analysis verdict, and how many ran. */
  analysis?: CanaryAnalysisRecord;
  analyses: number;
  pauseStartedAtMs?: number;
  lastAnalysisAtMs?: number;
  /** Blue has left the load balancer (the final step): going back means the swap's rollback. */
  cutOver: boolean;
  /** PROMOTE: skip the remaining pauses, or (`full`) go straight to weight 100. */
  promoted?: 'pauses' | 'full';
  /** PAUSE: hold before the next step until RESUME. */
  paused: boolean;
  /** Inconclusive analyses of the current weight step so far (absent in older snapshots). */
  inconclusive?: number;
  /** Why the rollout holds: an operator's PAUSE, or analysis inconclusive too long. */
  heldBy?: 'analysis';
}

export type CanaryEvent =
  | SwapEvent
  | { type: 'ABORT' }
  | { type: 'PROMOTE'; full?: boolean }
  | { type: 'PAUSE' }
  | { type: 'RESUME' };

export type CanaryOutput =
  | { status: 'succeeded'; greenGroup: string; generation: number; launchTemplateVersion: number }
  | { status: 'rolledBack'; reason: CanaryRollbackReason; message: string; failingInstanceIds: string[] }
  | { status: 'failed'; reason: CanaryRollbackReason; message: string; failingInstanceIds: string[] };

/** Desired capacity of whichever group serves: blue's at start plus scale-outs applied since. */
export function canaryTarget(context: CanaryContext): number {
  return context.input.desiredAtStart + context.scaleOutApplied;
}

export function currentStep(context: CanaryContext): CanaryStep | undefined {
  return context.input.steps[context.stepIndex];
}

/** The weight the current (or, in a pause, the last) setWeight step asks for. */
export function stepWeight(context: CanaryContext): number {
  const step = currentStep(context);
  return step && 'setWeight' in step ? step.setWeight : context.weight;
}

/** Green instances the current step needs serving. */
export function greenWanted(context: CanaryContext): number {
  return canaryGreenCount(stepWeight(context), canaryTarget(context));
}

/** `canary step 2 of 5, weight 10 % (1 of 10 instances ≈ 10 %)`: what status and describe show. */
export function canaryLine(context: CanaryContext, extra = ''): string {
  const total = canaryTarget(context);
  const green = context.traffic?.greenServing ?? canaryGreenCount(context.weight, total);
  const share = total > 0 ? Math.round((green / total) * 100) : 0;
  // Nothing to approximate before green carries any weight (and an ALB's weights are exact).
  const exact = context.traffic ? context.traffic.approximate === false : context.weight === 0;
  const approx = exact ? '' : ` (${green} of ${total} instances ≈ ${share} %)`;
  return `canary step ${context.stepIndex + 1} of ${context.input.steps.length}${extra}, weight ${context.weight} %${approx}`;
}
