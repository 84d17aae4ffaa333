/**
 * Converge, the fleet reconciler's first sub-reconciler (reconciler.ts): one level-triggered
 * pass over a fleet: observe, plan, apply (unless dry-run), assess.
 * Waiting is not failing: a step that needs AWS to catch up ends the pass with a requeue.
 * A name held by a foreign resource or a missing AMI fails the pass before anything is built.
 */
import type { AwsPort } from '../../aws/port';
import type { CallCounter } from '../../aws/call-counter';
import { applyPlan, type AppliedStep } from '../../providers/apply';
import type { ApplyContext } from '../../providers/apply';
import { observeFleet, type OwnershipCache } from '../../providers/observe';
import { EVENTS } from '../../log/events';
import type { Logger } from '../../log/logger';
import type { DesiredFleet } from '../../model/fleet';
import type { ObservedFleet } from '../../model/observed';
import { isReportOnly, type Plan, type PlanStep } from '../../model/plan';
import { plan as computePlan } from '../../planner/plan';
import { isImageRetentionStep } from '../../planner/plan-images';
import { assessReadiness, type Readiness } from '../../planner/readiness';
import { deletionReadiness, planDeletion } from '../../planner/plan-deletion';
import { scaleToZeroRefusal } from '../../planner/scale-to-zero';
import { DroverError } from '../../util/errors';
import { checkPlannedImage, plannedImage } from './image-check';

export interface ConvergeDeps {
  clients: AwsPort;
  logger: Logger;
  sleep: (ms: number) => Promise<void>;
  calls: CallCounter;
  ownershipCache: OwnershipCache;
  /** Observe and keep the fleet's lifecycle hooks (only a running daemon answers them). */
  lifecycleHooks?: boolean;
}

export interface ConvergeResult {
  fleet: string;
  plan: Plan;
  observed: ObservedFleet;
  applied: AppliedStep[];
  failed?: { step?: PlanStep; error: DroverError };
  /** A step that waits on AWS; the rest of the plan runs on the next pass. */
  waiting?: { step: PlanStep; reason: string };
  readiness: Readiness;
  calls: { read: number; mutating: number };
  pendingDeployment?: PlanStep<'startDeployment'>;
  requeueAfterMs: number;
}

export const REQUEUE = { progressing: 10_000, ready: 300_000, failedRetryable: 30_000, failedTerminal: 300_000 };

export async function converge(
  desired: DesiredFleet,
  deps: ConvergeDeps,
  opts: ConvergeOptions = {},
): Promise<ConvergeResult> {
  const logger = deps.logger.child({ component: 'reconcile', fleet: desired.name });
  const { result, calls } = await deps.calls.measure(() => pass(desired, { ...deps, logger }, opts));
  const out = { ...result, calls: { read: calls.read, mutating: calls.mutating } };
  const level = out.failed ? 'error' : 'info';
  logger[level](
    { event: out.failed ? EVENTS.reconcileFailed : EVENTS.reconcileDone, steps: out.plan.steps.length, applied: out.applied.length, ready: out.readiness.ready, calls: out.calls },
    out.failed ? out.failed.error.message : out.readiness.message,
  );
  return out;
}

type PassResult = Omit<ConvergeResult, 'calls'>;

/** `watching`: a deployment is running; its AMI was checked when it started. */
export interface ConvergeOptions {
  dryRun?: boolean;
  watching?: boolean;
  /** Apply only steps of these kinds (the rest is reported): what may run beside a deployment. */
  onlyKinds?: PlanStep['kind'][];
}

/** Observe and plan; an observation served from a resync batch is taken again from the world before anything acts on it. */
async function observeAndPlan(desired: DesiredFleet, deps: ConvergeDeps, ctx: ApplyContext, opts: ConvergeOptions): Promise<{ observed: ObservedFleet; plan: Plan } | { error: unknown }> {
  const look = async () => {
    let observed: ObservedFleet;
    try {
      observed = await observeFleet(deps.clients, desired, { ...ctx, cache: deps.ownershipCache, lifecycleHooks: deps.lifecycleHooks });
    } catch (error) {
      return { error };
    }
    return { observed, plan: desired.deletion ? planDeletion(observed) : computePlan(desired, observed) };
  };
  const first = await look();
  if ('error' in first || !first.observed.fromBatch || opts.dryRun) return first;
  const acts = first.plan.steps.some((s) => s.kind === 'startDeployment' || (!isReportOnly(s) && (!opts.onlyKinds || opts.onlyKinds.includes(s.kind))));
  if (!acts) return first;
  // The world is the truth: the slice may be seconds old, and this fleet is about to be changed.
  deps.logger.debug({ event: EVENTS.planComputed, steps: first.plan.steps.length }, 'batched observation plans changes: observing again, unbatched');
  return look();
}

async function pass(desired: DesiredFleet, deps: ConvergeDeps, opts: ConvergeOptions): Promise<PassResult> {
  const ctx: ApplyContext = { logger: deps.logger, sleep: deps.sleep, fleet: desired.name };
  const looked = await observeAndPlan(desired, deps, ctx, opts);
  if ('error' in looked) return observeFailed(desired, looked.error);
  const { observed, plan } = looked;
  deps.logger.info({ event: EVENTS.planComputed, steps: plan.steps.map((s) => `${s.kind} ${s.resource}`), readCalls: observed.readCalls }, `${plan.steps.length} step(s) planned`);
  const pendingDeployment = plan.steps.find((s) => s.kind === 'startDeployment');
  if (pendingDeployment) deps.logger.info({ event: EVENTS.deploymentPending, ...pendingDeployment.params }, pendingDeployment.reason);
  const base = { fleet: desired.name, plan, observed, applied: [] as AppliedStep[], ...(pendingDeployment ? { pendingDeployment } : {}) };
  const readiness = desired.deletion ? deletionReadiness(observed) : assessReadiness(desired, observed, plan);
  const refusal = desired.deletion ? undefined : scaleToZeroRefusal(desired, observed);
  if (refusal) {
    const error = new DroverError(`reconciling fleet ${desired.name}: ${refusal}`, { code: 'ScaleToZeroRefused', source: 'user' });
    deps.logger.error({ event: EVENTS.reconcileFailed, code: 'ScaleToZeroRefused' }, error.message);
    return { ...base, plan: { ...plan, steps: [] }, failed: { error }, readiness, requeueAfterMs: REQUEUE.failedTerminal };
  }
  const taken = plan.steps.find((s) => s.kind === 'nameTaken');
  if (taken) {
    const error = new DroverError(`reconciling fleet ${desired.name}: ${taken.reason} (${taken.resource})`, { code: 'NameTaken', source: 'user' });
    deps.logger.error({ event: EVENTS.nameTaken, resource: taken.resource }, error.message);
    return { ...base, failed: { step: taken, error }, readiness, requeueAfterMs: REQUEUE.failedTerminal };
  }
  // The AMI the plan builds or deploys on must exist, in plan as in apply (a typo builds nothing).
  if (!opts.watching) {
    try {
      await checkPlannedImage(deps.clients, desired, plan, ctx);
    } catch (err) {
      // The error replaces the step: nothing will be built or deployed on that AMI.
      const step = plannedImage(plan)!.step;
      return { ...base, plan: { ...plan, steps: plan.steps.filter((s) => s !== step) }, ...failedBefore(step, err, readiness) };
    }
  }
  const executable = plan.steps.filter((s) => !isReportOnly(s) && (!opts.onlyKinds || opts.onlyKinds.includes(s.kind)));
  if (opts.dryRun || !executable.length) {
    const requeueAfterMs = readiness.ready ? REQUEUE.ready : REQUEUE.progressing;
    return { ...base, readiness, requeueAfterMs };
  }
  return { ...base, ...(await execute(deps, ctx, opts.onlyKinds ? { ...plan, steps: executable } : plan, readiness)) };
}

type Outcome = Omit<PassResult, 'fleet' | 'plan' | 'observed' | 'pendingDeployment'>;

/** Apply the plan; `before` is readiness as observed. */
async function execute(deps: ConvergeDeps, ctx: ApplyContext, plan: Plan, before: Readiness): Promise<Outcome> {
  const result = await applyPlan(deps.clients, plan, ctx);
  const progress = (reason: string, message: string): Readiness => ({ ...before, ready: false, reason, message });
  if (result.failed) {
    const { step, error } = result.failed;
    return {
      applied: result.applied,
      failed: { step, error },
      readiness: progress('ApplyFailed', error.message),
      requeueAfterMs: error.retryable ? REQUEUE.failedRetryable : REQUEUE.failedTerminal,
    };
  }
  if (result.waiting) {
    const { step, reason, retryAfterMs } = result.waiting;
    return { applied: result.applied, waiting: { step, reason }, readiness: progress('WaitingForDependency', reason), requeueAfterMs: retryAfterMs };
  }
  if (result.applied.every((a) => isImageRetentionStep(a.step))) return { applied: result.applied, readiness: before, requeueAfterMs: before.ready ? REQUEUE.ready : REQUEUE.progressing };
  const message = 'waiting for AWS to settle after the changes';
  return { applied: result.applied, readiness: progress('Progressing', message), requeueAfterMs: REQUEUE.progressing };
}

function toDroverError(err: unknown): DroverError {
  return err instanceof DroverError ? err : new DroverError(String((err as Error)?.message ?? err), { code: 'Unknown', source: 'controller', cause: err });
}

function failedBefore(step: PlanStep, err: unknown, before: Readiness): Outcome {
  const error = toDroverError(err);
  return {
    applied: [],
    failed: { step, error },
    readiness: { ...before, ready: false, reason: 'ApplyFailed', message: error.message },
    requeueAfterMs: error.retryable ? REQUEUE.failedRetryable : REQUEUE.failedTerminal,
  };
}

function observeFailed(desired: DesiredFleet, err: unknown): PassResult {
  const error = toDroverError(err);
  const empty: ObservedFleet = { name: desired.name, groups: [], alarms: [], policies: [], conflicts: [], readCalls: 0 };
  return {
    fleet: desired.name,
    plan: { fleet: desired.name, steps: [] },
    observed: empty,
    applied: [],
    failed: { error },
    readiness: { ready: false, inService: 0, desired: desired.capacity.desired, reason: 'ObserveFailed', message: error.message },
    requeueAfterMs: error.retryable ? REQUEUE.failedRetryable : REQUEUE.failedTerminal,
  };
}
