/**
 * The message a lifecycle hook sends straight to its notification target (SQS):
 * `{Service, Time, RequestId, LifecycleActionToken, AccountId, AutoScalingGroupName,
 * LifecycleHookName, EC2InstanceId, LifecycleTransition, NotificationMetadata}`, and the
 * `autoscaling:TEST_NOTIFICATION` sent when the hook is put.
 */
import type { LifecycleTransition } from '../../../model/events';
import { arnOrigin, ignore, isoTime, Json, missingString, origin, ParseContext, ParserOutcome, reject, str, withOrigin } from './fields';

export const TEST_NOTIFICATION = 'autoscaling:TEST_NOTIFICATION';

const TRANSITIONS: Record<string, LifecycleTransition> = {
  'autoscaling:EC2_INSTANCE_LAUNCHING': 'launching',
  'autoscaling:EC2_INSTANCE_TERMINATING': 'terminating',
};

const REQUIRED = ['LifecycleActionToken', 'AutoScalingGroupName', 'LifecycleHookName', 'EC2InstanceId', 'LifecycleTransition'];

export function parseLifecycleNotification(payload: Json, ctx: ParseContext): ParserOutcome {
  const at = isoTime(payload.Time, ctx.fallbackAt);
  if (payload.Event === TEST_NOTIFICATION) {
    const groupName = str(payload, 'AutoScalingGroupName');
    if (!groupName) return reject('lifecycle test notification: AutoScalingGroupName is missing');
    return { ok: true, event: { kind: 'lifecycle_test_notification', groupName, at, ...arnOrigin(payload.AutoScalingGroupARN), ...origin(undefined, payload.AccountId) } };
  }
  if (typeof payload.Event === 'string') return ignore(`auto scaling notification: event ${payload.Event} is not a lifecycle action`);
  return withOrigin(lifecycleAction(payload, at, 'lifecycle notification'), origin(undefined, payload.AccountId));
}

/** Shared with the EventBridge shape, whose `detail` carries the same fields. */
export function lifecycleAction(fields: Json, at: string, what: string): ParserOutcome {
  const missing = missingString(fields, REQUIRED);
  if (missing) return reject(`${what}: ${missing} is missing or not a string`);
  const transition = TRANSITIONS[fields.LifecycleTransition as string];
  if (!transition) return reject(`${what}: LifecycleTransition ${JSON.stringify(fields.LifecycleTransition)} is not a lifecycle transition`);
  const heartbeat = fields.HeartbeatTimeout;
  const metadata = str(fields, 'NotificationMetadata');
  return {
    ok: true,
    event: {
      kind: 'lifecycle_action',
      transition,
      groupName: fields.AutoScalingGroupName as string,
      hookName: fields.LifecycleHookName as string,
      instanceId: fields.EC2InstanceId as string,
      token: fields.LifecycleActionToken as string,
      at,
      ...(typeof heartbeat === 'number' && heartbeat > 0 ? { heartbeatTimeout: heartbeat } : {}),
      ...(metadata ? { metadata } : {}),
    },
  };
}
