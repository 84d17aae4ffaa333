/**
 * EventBridge "EC2 Instance State-change Notification" (source aws.ec2): `detail.instance-id`
 * and `detail.state` (pending, running, stopping, stopped, shutting-down, terminated). The
 * example manifest's EventBridge rule sends them; each one asks for a reconcile of the fleet
 * that owns the instance. Other aws.ec2 events are understood and ignored.
 */
import { ignore, isoTime, Json, origin, ParseContext, ParserOutcome, rec, reject, str } from './fields';

export const INSTANCE_STATE_CHANGE = 'EC2 Instance State-change Notification';
const STATES = new Set(['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated']);

export function parseInstanceStateChange(payload: Json, ctx: ParseContext): ParserOutcome {
  if (payload.source !== 'aws.ec2') return reject(`instance event: source is ${JSON.stringify(payload.source)}, expected "aws.ec2"`);
  const detailType = str(payload, 'detail-type');
  if (!detailType) return reject('instance event: detail-type is missing or not a string');
  const detail = rec(payload, 'detail');
  if (!detail) return reject('instance event: detail is missing or not an object');
  if (detailType !== INSTANCE_STATE_CHANGE) return ignore(`ec2 event "${detailType}" is not an instance state change`);
  const instanceId = str(detail, 'instance-id');
  if (!instanceId || !/^i-[0-9a-f]{8,17}$/.test(instanceId)) return reject(`instance event: detail.instance-id ${JSON.stringify(detail?.['instance-id'])} is not an instance id`);
  const state = str(detail, 'state');
  if (!state || !STATES.has(state)) return reject(`instance event: detail.state ${JSON.stringify(detail?.state)} is not an EC2 instance state`);
  return { ok: true, event: { kind: 'instance_state_changed', instanceId, state, at: isoTime(payload.time, ctx.fallbackAt), ...origin(payload.region, payload.account) } };
}
