/**
 * EventBridge "CloudWatch Alarm State Change" (source aws.cloudwatch): detail.alarmName,
 * detail.state {value, reason, timestamp}, detail.previousState {value}. Also the older SNS
 * alarm notification body (AlarmName, NewStateValue, OldStateValue, NewStateReason).
 */
import type { AlarmState } from '../../../model/events';
import { arnOrigin, ignore, isoTime, Json, origin, ParseContext, ParserOutcome, rec, reject, str } from './fields';

const STATES = new Set<string>(['OK', 'ALARM', 'INSUFFICIENT_DATA']);

function alarmState(v: unknown): AlarmState | undefined {
  return typeof v === 'string' && STATES.has(v) ? (v as AlarmState) : undefined;
}

export function parseAlarmStateChange(payload: Json, ctx: ParseContext): ParserOutcome {
  if (payload.source !== 'aws.cloudwatch') return reject(`alarm event: source is ${JSON.stringify(payload.source)}, expected "aws.cloudwatch"`);
  if (payload['detail-type'] !== 'CloudWatch Alarm State Change') {
    if (typeof payload['detail-type'] !== 'string') return reject('alarm event: detail-type is missing or not a string');
    return ignore(`cloudwatch event "${payload['detail-type']}" is not an alarm state change`);
  }
  const detail = rec(payload, 'detail');
  const alarmName = str(detail, 'alarmName');
  if (!detail || !alarmName) return reject('alarm event: detail.alarmName is missing or not a string');
  const current = rec(detail, 'state');
  const state = alarmState(current?.value);
  if (!state) return reject(`alarm event: detail.state.value ${JSON.stringify(current?.value)} is not OK, ALARM or INSUFFICIENT_DATA`);
  const previous = alarmState(rec(detail, 'previousState')?.value);
  const resources = Array.isArray(payload.resources) ? payload.resources : [];
  const alarmArn = resources.find((r): r is string => typeof r === 'string' && r.startsWith('arn:') && r.includes(':alarm:'));
  return {
    ok: true,
    event: {
      kind: 'alarm_state_changed',
      alarmName,
      ...(alarmArn ? { alarmArn } : {}),
      state,
      ...(previous ? { previous } : {}),
      reason: str(current, 'reason') ?? '',
      at: isoTime(current?.timestamp ?? payload.time, ctx.fallbackAt),
      ...arnOrigin(alarmArn),
      ...origin(payload.region, payload.account),
    },
  };
}

/** The body CloudWatch publishes to an SNS topic (and so, via a subscription, to SQS). */
export function parseSnsAlarmNotification(payload: Json, ctx: ParseContext): ParserOutcome {
  const alarmName = str(payload, 'AlarmName');
  if (!alarmName) return reject('alarm notification: AlarmName is missing or not a string');
  const state = alarmState(payload.NewStateValue);
  if (!state) return reject(`alarm notification: NewStateValue ${JSON.stringify(payload.NewStateValue)} is not OK, ALARM or INSUFFICIENT_DATA`);
  const previous = alarmState(payload.OldStateValue);
  const alarmArn = str(payload, 'AlarmArn');
  return {
    ok: true,
    event: {
      kind: 'alarm_state_changed',
      alarmName,
      ...(alarmArn ? { alarmArn } : {}),
      state,
      ...(previous ? { previous } : {}),
      reason: str(payload, 'NewStateReason') ?? '',
      at: isoTime(payload.StateChangeTime, ctx.fallbackAt),
      ...arnOrigin(alarmArn),
    },
  };
}
