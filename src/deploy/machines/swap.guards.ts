/**
 * What the swap machine's guards and actions compute from its context and the facts a step
 * read: the target capacity, and what the world shows that the snapshot did not expect.
 */
import { greenProblem, groupFacts, rederive, servesFully, type ReobserveInput, type ReobservedFacts } from '../../model/reobserve';
import type { GroupHealthFacts, SwapContext, SwapProblem } from './swap.types';

export const MAX_RESTARTS = 3;
/** How long a just-created green may stay invisible before it counts as missing. */
export const MISSING_GRACE_MS = 60_000;

/** Desired capacity of whichever group serves: blue's at start plus scale-outs applied since. */
export function targetDesired(context: SwapContext): number {
  return context.input.desiredAtStart + context.scaleOutApplied;
}

/**
 * A scale-out of blue recorded (SCALE_OUT) and not yet in the target: taken into it, so the
 * step that follows sets green's desired capacity to the new absolute target. Counted once:
 * a snapshot saved from here on holds it as applied, and a resumed step sets the same absolute.
 */
export function scaleOutFolded(context: Pick<SwapContext, 'pendingScaleOut' | 'scaleOutApplied'>): Pick<SwapContext, 'pendingScaleOut' | 'scaleOutApplied'> {
  return { pendingScaleOut: 0, scaleOutApplied: context.scaleOutApplied + context.pendingScaleOut };
}

/** Blue scaled out while green exists (and not a group being created that AWS does not show yet). */
export function scaleOutPending(context: Pick<SwapContext, 'pendingScaleOut'>, facts?: { exists?: boolean }): boolean {
  return context.pendingScaleOut > 0 && facts?.exists !== false;
}

/**
 * What a rolled-back blue must serve: the swap's target, or less when blue kept serving and
 * its own scaling policies scaled it in meanwhile (restoreBlue keeps that desired capacity).
 */
export function blueTarget(context: SwapContext, facts: GroupHealthFacts): number {
  const target = targetDesired(context);
  return facts.desired !== undefined && facts.desired > 0 ? Math.min(target, facts.desired) : target;
}

export function elapsedMs(startedAt: number | undefined, nowMs: number): number {
  return nowMs - (startedAt ?? nowMs);
}

/** The reobserve guard's read: green and blue as the world shows them now. */
export function reobserveBoth(context: SwapContext, health: boolean): ReobserveInput {
  return { groupNames: [context.greenGroup, context.input.blueGroup], health };
}

export function factsOf(event: unknown): ReobservedFacts {
  return (event as { output: ReobservedFacts }).output;
}

/** Green is gone or is not the group this swap made. */
export function greenIssue(context: SwapContext, facts: ReobservedFacts): SwapProblem | undefined {
  const message = greenProblem(context.greenGroup, groupFacts(facts, context.greenGroup), context.input.amiId);
  if (!message) return undefined;
  return { reason: groupFacts(facts, context.greenGroup).exists ? 'WorldChanged' : 'GroupMissing', message };
}

/** Green has been short of N/N for longer than the healthy timeout. */
export function greenShortTooLong(context: SwapContext, facts: ReobservedFacts): SwapProblem | undefined {
  const g = groupFacts(facts, context.greenGroup);
  const limit = context.input.healthyTimeoutSeconds;
  if (servesFully(g) || elapsedMs(context.verifyStartedAtMs, facts.nowMs) <= limit * 1000) return undefined;
  return { reason: 'GreenUnhealthy', message: `green group ${context.greenGroup} serves ${g.inService}/${g.desired} InService after ${limit}s` };
}

export function rederivation(context: SwapContext, facts: ReobservedFacts) {
  return rederive({ blue: context.input.blueGroup, green: context.greenGroup }, facts, {
    target: targetDesired(context),
    problem: context.problem?.message ?? 'the world changed under the deployment',
    restartsLeft: context.restarts < MAX_RESTARTS,
    inRollback: context.rollback !== undefined,
  });
}
