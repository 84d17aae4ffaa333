/**
 * Apply handlers for the lifecycle hooks drover puts on the fleet's Auto Scaling groups. No
 * notification target: Auto Scaling then emits EventBridge events, which a rule routes to the
 * event queue (see manifests/deploy/cloudformation-events.yaml).
 */
import { call } from '../../aws/call';
import type { LifecycleHookSpecification } from '../../aws/types';
import type { GroupMemberParams, HookSpec, PutHookParams } from '../../model/plan-params';
import { CloudError } from '../../aws/errors';
import { DONE, type StepHandler } from '../apply-context';

const TRANSITION = {
  launching: 'autoscaling:EC2_INSTANCE_LAUNCHING',
  terminating: 'autoscaling:EC2_INSTANCE_TERMINATING',
} as const;

/** The hooks as CreateAutoScalingGroup's LifecycleHookSpecificationList: a group then never launches without them. */
export function hookSpecifications(hooks: HookSpec[] | undefined): { LifecycleHookSpecificationList?: LifecycleHookSpecification[] } {
  if (!hooks?.length) return {};
  return {
    LifecycleHookSpecificationList: hooks.map((h) => ({
      LifecycleHookName: h.name,
      LifecycleTransition: TRANSITION[h.transition],
      HeartbeatTimeout: h.heartbeatTimeoutSeconds,
      DefaultResult: h.defaultResult,
    })),
  };
}

export const putLifecycleHook: StepHandler<PutHookParams> = async (clients, p, ctx) => {
  await call(ctx, `putting lifecycle hook ${p.name} on group ${p.groupName}`, () =>
    clients.autoScaling.PutLifecycleHook({
      AutoScalingGroupName: p.groupName,
      LifecycleHookName: p.name,
      LifecycleTransition: TRANSITION[p.transition],
      HeartbeatTimeout: p.heartbeatTimeoutSeconds,
      DefaultResult: p.defaultResult,
    }),
  );
  return DONE;
};

/** A hook already gone counts as deleted (Auto Scaling answers a ValidationError). */
export const deleteLifecycleHook: StepHandler<GroupMemberParams> = async (clients, p, ctx) => {
  try {
    await call(ctx, `deleting lifecycle hook ${p.name} of group ${p.groupName}`, () =>
      clients.autoScaling.DeleteLifecycleHook({ AutoScalingGroupName: p.groupName, LifecycleHookName: p.name }),
    );
  } catch (err) {
    const gone = err instanceof CloudError && (err.errorClass === 'notFound' || /no lifecycle hook found/i.test(err.message));
    if (!gone) throw err;
  }
  return DONE;
};
