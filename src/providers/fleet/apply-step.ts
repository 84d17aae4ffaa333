/**
 * Execute plan steps. `applyStep` runs one (report-only steps are refused); `applyPlan` runs
 * them in the planner's order and stops at the first failure or wait, never continuing blindly.
 */
import { isReportOnly, type ApplyKind, type Plan, type PlanStep } from '../../model/plan';
import type { PlanStepParams } from '../../model/plan-params';
import { EVENTS } from '../../log/events';
import type { AwsPort } from '../../aws/port';
import { CloudError, toCloudError } from '../../aws/errors';
import type { ApplyContext, StepHandler, StepOutcome } from '../apply-context';
import { createAutoScalingGroup, attachLoadBalancer, deleteAutoScalingGroup, updateAutoScalingGroup } from '../autoscaling/apply';
import { deleteLifecycleHook, putLifecycleHook } from '../autoscaling/apply-hooks';
import { deregisterImage } from '../image/apply';
import { createLaunchTemplate, createLaunchTemplateVersion, deleteLaunchTemplate } from '../launchtemplate/apply';
import * as lb from '../loadbalancer/apply';
import { deleteAlarm, deleteScalingPolicy, putMetricAlarm, putScalingPolicy } from '../scaling/apply';
import * as storage from '../storage/apply';
import * as tg from '../targetgroup/apply';
import * as tgDelete from '../targetgroup/delete';

/** One handler per kind, typed by the params of its kind. */
const HANDLERS: { [K in ApplyKind]: StepHandler<PlanStepParams[K]> } = {
  createLoadBalancer: lb.createLoadBalancer,
  configureHealthCheck: lb.configureHealthCheck,
  modifyLoadBalancerAttributes: lb.modifyLoadBalancerAttributes,
  createLoadBalancerListeners: lb.createLoadBalancerListeners,
  deleteLoadBalancerListeners: lb.deleteLoadBalancerListeners,
  registerInstances: lb.registerInstances,
  deleteLoadBalancer: lb.deleteLoadBalancer,
  createSecurityGroup: storage.createSecurityGroup,
  authorizeNfsIngress: storage.authorizeNfsIngress,
  revokeNfsIngress: storage.revokeNfsIngress,
  deleteSecurityGroup: storage.deleteSecurityGroup,
  createFileSystem: storage.createFileSystem,
  createMountTarget: storage.createMountTarget,
  deleteMountTarget: storage.deleteMountTarget,
  deleteFileSystem: storage.deleteFileSystem,
  createLaunchTemplate,
  createLaunchTemplateVersion,
  deleteLaunchTemplate,
  createAutoScalingGroup,
  updateAutoScalingGroup,
  attachLoadBalancer,
  deleteAutoScalingGroup,
  putLifecycleHook,
  deleteLifecycleHook,
  putScalingPolicy,
  deleteScalingPolicy,
  putMetricAlarm,
  deleteAlarm,
  deregisterImage,
  createElbV2LoadBalancer: tg.createElbV2LoadBalancer,
  createTargetGroup: tg.createTargetGroup,
  modifyTargetGroup: tg.modifyTargetGroup,
  createElbV2Listener: tg.createElbV2Listener,
  modifyElbV2Listener: tg.modifyElbV2Listener,
  deleteElbV2Listener: tgDelete.deleteElbV2Listener,
  removeFromElbV2Listener: tgDelete.removeFromElbV2Listener,
  deleteTargetGroup: tgDelete.deleteTargetGroup,
  deleteElbV2LoadBalancer: tgDelete.deleteElbV2LoadBalancer,
};

/** The handler of the step's kind, given that kind's params. */
function runHandler<K extends ApplyKind>(clients: AwsPort, step: PlanStep<K>, ctx: ApplyContext): Promise<StepOutcome> {
  const handler: StepHandler<PlanStepParams[K]> = HANDLERS[step.kind];
  return handler(clients, step.params, ctx);
}

/** Run one step. Errors a dependency causes (in use, still creating) become `waiting`. */
export async function applyStep(clients: AwsPort, step: PlanStep, ctx: ApplyContext): Promise<StepOutcome> {
  if (isReportOnly(step)) {
    throw new CloudError(`applying ${step.kind} ${step.resource} for fleet ${ctx.fleet}: the step is report-only`, {
      errorClass: 'invalid',
    });
  }
  try {
    return await runHandler(clients, step, ctx);
  } catch (err) {
    const e = err instanceof CloudError ? err : toCloudError(`applying ${step.kind} ${step.resource} for fleet ${ctx.fleet}`, err);
    if (e.errorClass === 'dependency') return { status: 'waiting', reason: e.message, retryAfterMs: 10_000 };
    throw e;
  }
}

export interface AppliedStep {
  step: PlanStep;
  outcome: StepOutcome;
}

export interface ApplyResult {
  applied: AppliedStep[];
  /** The step that is waiting on AWS (the rest of the plan was not run). */
  waiting?: { step: PlanStep; reason: string; retryAfterMs: number };
  failed?: { step: PlanStep; error: CloudError };
}

export async function applyPlan(clients: AwsPort, plan: Plan, ctx: ApplyContext): Promise<ApplyResult> {
  const applied: AppliedStep[] = [];
  for (const step of plan.steps.filter((s) => !isReportOnly(s))) {
    const fields = { event: EVENTS.applyStep, fleet: plan.fleet, kind: step.kind, resource: step.resource };
    ctx.logger.info(fields, `${step.kind} ${step.resource}: ${step.reason}`);
    try {
      const outcome = await applyStep(clients, step, ctx);
      if (outcome.status === 'waiting') {
        ctx.logger.info({ ...fields, event: EVENTS.applyWaiting, waitMs: outcome.retryAfterMs }, outcome.reason);
        return { applied, waiting: { step, reason: outcome.reason, retryAfterMs: outcome.retryAfterMs } };
      }
      applied.push({ step, outcome });
    } catch (err) {
      const error = err instanceof CloudError ? err : toCloudError(`applying ${step.kind} ${step.resource}`, err);
      ctx.logger.error({ ...fields, event: EVENTS.applyFailed, code: error.code, errorClass: error.errorClass }, error.message);
      return { applied, failed: { step, error } };
    }
  }
  return { applied };
}
