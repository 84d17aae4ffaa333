/**
 * One SQS message body → one ControllerEvent, or a failure with a clear reason. Never throws.
 *
 * Recognised bodies:
 * - a relayed GitLab webhook: the raw GitLab JSON, with message attribute `X-Gitlab-Event`
 *   (and `drover-source=gitlab`); or the envelope `{"source":"gitlab","headers":{…},"body":{…}}`
 *   any other forwarder may post; or raw GitLab JSON alone (classified by object_kind);
 * - EventBridge events from aws.autoscaling (lifecycle actions), aws.cloudwatch (alarms) and
 *   aws.ec2 (instance state changes); any other well-formed EventBridge event is ignored;
 * - a lifecycle hook's direct notification, including autoscaling:TEST_NOTIFICATION;
 * - any of the above wrapped once in an SNS notification (`Type: Notification`).
 */
import type { ParseFailure, ParseResult } from '../../../model/events';
import { parseAlarmStateChange, parseSnsAlarmNotification } from './alarm-state-change';
import { ignore, isRecord, Json, ParseContext, ParserOutcome, reject, str } from './fields';
import { parseGitlabMergeRequest } from './gitlab-merge-request';
import { parseGitlabPush } from './gitlab-push';
import { parseInstanceStateChange } from './instance-state-change';
import { parseLifecycleEventBridge } from './lifecycle-eventbridge';
import { parseLifecycleNotification } from './lifecycle-notification';

/** Bodies above this are refused before JSON.parse (SQS itself caps messages at 256 KiB). */
export const MAX_MESSAGE_BYTES = 256 * 1024;

export const GITLAB_EVENT_HEADER = 'X-Gitlab-Event';
export const SOURCE_ATTRIBUTE = 'drover-source';

export interface MessageMeta {
  messageId: string;
  /** SQS string message attributes (or HTTP headers for an envelope); names match case-insensitively. */
  headers?: Record<string, string>;
  /** SQS SentTimestamp (ms since the epoch): the event time when the payload has none. */
  sentTimestampMs?: number;
}

const GITLAB_PARSERS: Record<string, (p: Json, ctx: ParseContext) => ParserOutcome> = {
  'Merge Request Hook': parseGitlabMergeRequest,
  'Push Hook': parseGitlabPush,
};

const GITLAB_KINDS: Record<string, string> = { merge_request: 'Merge Request Hook', push: 'Push Hook' };

export function parseMessage(body: string, meta: MessageMeta): ParseResult {
  const messageId = typeof meta?.messageId === 'string' ? meta.messageId : '';
  try {
    const outcome = classify(body, meta);
    return outcome.ok ? outcome : failure(outcome.reason, messageId, outcome.ignored);
  } catch (err) {
    return failure(`parsing message: ${err instanceof Error ? err.message : String(err)}`, messageId, false);
  }
}

function failure(reason: string, messageId: string, ignored: boolean): ParseFailure {
  return { ok: false, reason, messageId, ignored };
}

function classify(body: string, meta: MessageMeta): ParserOutcome {
  const parsed = parseBody(body);
  if (!parsed.ok) return parsed;
  const sent = meta?.sentTimestampMs;
  // A Date holds at most 8.64e15 ms either side of the epoch; beyond that toISOString throws.
  const usable = typeof sent === 'number' && Number.isFinite(sent) && Math.abs(sent) <= 8.64e15;
  const ctx: ParseContext = { fallbackAt: new Date(usable ? sent : 0).toISOString() };
  return route(parsed.json, meta?.headers ?? {}, ctx, 0);
}

function parseBody(body: unknown): { ok: true; json: Json } | { ok: false; reason: string; ignored: false } {
  if (typeof body !== 'string') return { ok: false, reason: 'message body is not a string', ignored: false };
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > MAX_MESSAGE_BYTES) return { ok: false, reason: `message body is ${bytes} bytes, over the ${MAX_MESSAGE_BYTES}-byte limit`, ignored: false };
  if (!body.trim()) return { ok: false, reason: 'message body is empty', ignored: false };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    return { ok: false, reason: `message body is not JSON: ${(err as Error).message}`, ignored: false };
  }
  if (!isRecord(json)) return { ok: false, reason: 'message body is not a JSON object', ignored: false };
  return { ok: true, json };
}

function header(headers: Record<string, unknown>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  const v = key === undefined ? undefined : headers[key];
  return typeof v === 'string' && v ? v : undefined;
}

function route(json: Json, headers: Record<string, string>, ctx: ParseContext, depth: number): ParserOutcome {
  if (json.source === 'gitlab' && 'body' in json) return gitlabEnvelope(json, ctx);
  const gitlabEvent = header(headers, GITLAB_EVENT_HEADER);
  if (gitlabEvent || header(headers, SOURCE_ATTRIBUTE) === 'gitlab') return gitlab(json, gitlabEvent, ctx);
  if (typeof json.object_kind === 'string') return gitlab(json, undefined, ctx);
  if (json.source === 'aws.autoscaling') return parseLifecycleEventBridge(json, ctx);
  if (json.source === 'aws.cloudwatch') return parseAlarmStateChange(json, ctx);
  if (json.source === 'aws.ec2') return parseInstanceStateChange(json, ctx);
  if (json.Service === 'AWS Auto Scaling' || typeof json.LifecycleTransition === 'string') return parseLifecycleNotification(json, ctx);
  if (typeof json.AlarmName === 'string' && 'NewStateValue' in json) return parseSnsAlarmNotification(json, ctx);
  if (json.Type === 'Notification' && typeof json.Message === 'string' && depth === 0) return snsWrapped(json.Message, ctx);
  if (isEventBridgeEvent(json)) return ignore(`EventBridge event from ${String(json.source)} ("${String(json['detail-type'])}") is not used by drover`);
  if (typeof json.source === 'string') return reject(`message from source ${JSON.stringify(json.source)} is not an event drover understands`);
  return reject(`message shape is not recognised (keys: ${Object.keys(json).slice(0, 8).join(', ') || 'none'})`);
}

/** A well-formed EventBridge event (any source): understood, even when drover has no use for it. */
function isEventBridgeEvent(json: Json): boolean {
  return typeof json.source === 'string' && typeof json['detail-type'] === 'string' && typeof json.id === 'string' && isRecord(json.detail);
}

function snsWrapped(message: string, ctx: ParseContext): ParserOutcome {
  let inner: unknown;
  try {
    inner = JSON.parse(message);
  } catch {
    return reject('sns notification: Message is not JSON');
  }
  if (!isRecord(inner)) return reject('sns notification: Message is not a JSON object');
  return route(inner, {}, ctx, 1);
}

function gitlabEnvelope(json: Json, ctx: ParseContext): ParserOutcome {
  const headers = isRecord(json.headers) ? (json.headers as Record<string, string>) : {};
  if (!isRecord(json.body)) return reject('gitlab envelope: body is missing or not a JSON object');
  return gitlab(json.body, header(headers, GITLAB_EVENT_HEADER) ?? str(json, 'event'), ctx);
}

function gitlab(payload: Json, event: string | undefined, ctx: ParseContext): ParserOutcome {
  const kind = str(payload, 'object_kind');
  if (!event && !kind) return reject(`gitlab webhook: no ${GITLAB_EVENT_HEADER} and no object_kind`);
  const name = event ?? GITLAB_KINDS[kind!] ?? `object_kind ${kind}`;
  const parser = GITLAB_PARSERS[name];
  if (!parser) return ignore(`gitlab webhook: event "${name}" is not used by drover`);
  return parser(payload, ctx);
}
