/**
 * EventBridge "EC2 Instance-launch Lifecycle Action" / "EC2 Instance-terminate Lifecycle
 * Action" (source aws.autoscaling): the lifecycle fields sit under `detail`. Other Auto
 * Scaling events (launch successful, …) are understood and ignored.
 */
import { ignore, isoTime, Json, origin, ParseContext, ParserOutcome, rec, reject, str, withOrigin } from './fields';
import { lifecycleAction } from './lifecycle-notification';

const LIFECYCLE_DETAIL_TYPES = new Set(['EC2 Instance-launch Lifecycle Action', 'EC2 Instance-terminate Lifecycle Action']);

export function parseLifecycleEventBridge(payload: Json, ctx: ParseContext): ParserOutcome {
  if (payload.source !== 'aws.autoscaling') return reject(`lifecycle event: source is ${JSON.stringify(payload.source)}, expected "aws.autoscaling"`);
  const detailType = str(payload, 'detail-type');
  if (!detailType) return reject('lifecycle event: detail-type is missing');
  if (!LIFECYCLE_DETAIL_TYPES.has(detailType)) return ignore(`auto scaling event "${detailType}" is not a lifecycle action`);
  const detail = rec(payload, 'detail');
  if (!detail) return reject('lifecycle event: detail is missing or not an object');
  return withOrigin(lifecycleAction(detail, isoTime(payload.time, ctx.fallbackAt), 'lifecycle event'), origin(payload.region, payload.account));
}
