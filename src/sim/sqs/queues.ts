/** SQS queues: create (idempotent), URL lookup, attributes. */
import { SimCore } from '../core';
import { SimNotImplemented } from '../errors';
import { HandlerMap } from '../handler';
import { QueueRec } from '../state';
import { queueByArn, queueByUrl } from './store';

const DEFAULTS: Record<string, string> = {
  VisibilityTimeout: '30',
  MessageRetentionPeriod: '345600',
  MaximumMessageSize: '262144',
  DelaySeconds: '0',
  ReceiveMessageWaitTimeSeconds: '0',
  SqsManagedSseEnabled: 'true',
};

const RANGES: Record<string, [number, number]> = {
  VisibilityTimeout: [0, 43200],
  MessageRetentionPeriod: [60, 1209600],
  MaximumMessageSize: [1024, 262144],
  DelaySeconds: [0, 900],
  ReceiveMessageWaitTimeSeconds: [0, 20],
};

const SETTABLE = new Set([...Object.keys(DEFAULTS), 'RedrivePolicy', 'Policy', 'KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'RedriveAllowPolicy']);

function invalidValue(sim: SimCore, name: string, value: string, reason: string): Error {
  return sim.error('SQS', 'InvalidAttributeValue', `Invalid value for the parameter ${name}. Reason: ${reason} (value: ${value})`);
}

function validateAttributes(sim: SimCore, attrs: Record<string, string>): void {
  for (const [name, raw] of Object.entries(attrs)) {
    if (name === 'FifoQueue' || name === 'ContentBasedDeduplication') throw new SimNotImplemented('SQS', 'FIFO queues');
    if (!SETTABLE.has(name)) throw sim.error('SQS', 'InvalidAttributeName', `Unknown Attribute ${name}.`);
    const range = RANGES[name];
    if (range && !(Number(raw) >= range[0] && Number(raw) <= range[1] && /^\d+$/.test(String(raw)))) {
      throw invalidValue(sim, name, String(raw), `must be an integer between ${range[0]} and ${range[1]}`);
    }
    if (name === 'RedrivePolicy') validateRedrive(sim, String(raw));
  }
}

function validateRedrive(sim: SimCore, raw: string): void {
  let policy: any;
  try {
    policy = JSON.parse(raw);
  } catch {
    throw invalidValue(sim, 'RedrivePolicy', raw, 'Redrive policy is not a valid JSON map');
  }
  if (!queueByArn(sim, policy?.deadLetterTargetArn)) throw invalidValue(sim, 'RedrivePolicy', raw, 'Dead letter target does not exist');
  const n = Number(policy.maxReceiveCount);
  if (!(n >= 1 && n <= 1000)) throw invalidValue(sim, 'RedrivePolicy', raw, 'maxReceiveCount must be between 1 and 1000');
}

function createQueue(sim: SimCore, input: any) {
  const name = String(input.QueueName ?? '');
  if (!/^[a-zA-Z0-9_-]{1,80}$/.test(name)) {
    throw sim.error('SQS', 'InvalidParameterValue', 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
  }
  const attrs: Record<string, string> = Object.fromEntries(Object.entries(input.Attributes ?? {}).map(([k, v]) => [k, String(v)]));
  validateAttributes(sim, attrs);
  const existing = sim.state.queues[name];
  if (existing) {
    const differs = Object.entries(attrs).some(([k, v]) => existing.attributes[k] !== v);
    if (differs) throw sim.error('SQS', 'QueueAlreadyExists', `A queue already exists with the same name and a different value for attribute(s) ${Object.keys(attrs).join(', ')}`);
    return { QueueUrl: existing.url };
  }
  const q: QueueRec = {
    name,
    url: `https://sqs.${sim.state.region}.amazonaws.com/${sim.state.accountId}/${name}`,
    arn: sim.arn('sqs', name),
    createdAt: sim.now(),
    modifiedAt: sim.now(),
    attributes: { ...DEFAULTS, ...attrs },
    tags: { ...(input.tags ?? {}) },
    messages: [],
  };
  sim.state.queues[name] = q;
  return { QueueUrl: q.url };
}

function getQueueUrl(sim: SimCore, input: any) {
  const q = sim.state.queues[input.QueueName];
  if (!q) throw sim.error('SQS', 'QueueDoesNotExist', 'The specified queue does not exist.');
  return { QueueUrl: q.url };
}

export function dropExpired(sim: SimCore, q: QueueRec): void {
  const keepMs = Number(q.attributes.MessageRetentionPeriod) * 1000;
  // Messages are in sent order (store.ts insertBySentAt): the expired ones are a prefix.
  const cutoff = sim.now() - keepMs;
  let expired = 0;
  while (expired < q.messages.length && q.messages[expired].sentAt <= cutoff) expired++;
  if (expired) q.messages = q.messages.slice(expired);
}

export function queueAttributes(sim: SimCore, q: QueueRec): Record<string, string> {
  dropExpired(sim, q);
  const now = sim.now();
  const visible = q.messages.filter((m) => m.visibleAt <= now);
  const delayed = q.messages.filter((m) => m.visibleAt > now && m.receiveCount === 0);
  return {
    QueueArn: q.arn,
    ApproximateNumberOfMessages: String(visible.length),
    ApproximateNumberOfMessagesNotVisible: String(q.messages.filter((m) => m.visibleAt > now && m.receiveCount > 0).length),
    ApproximateNumberOfMessagesDelayed: String(delayed.length),
    CreatedTimestamp: String(Math.floor(q.createdAt / 1000)),
    LastModifiedTimestamp: String(Math.floor(q.modifiedAt / 1000)),
    ...q.attributes,
  };
}

function getQueueAttributes(sim: SimCore, input: any) {
  const q = queueByUrl(sim, input.QueueUrl);
  const names: string[] = input.AttributeNames ?? [];
  const all = queueAttributes(sim, q);
  if (names.includes('All')) return { Attributes: all };
  for (const n of names) if (!(n in all) && !SETTABLE.has(n)) throw sim.error('SQS', 'InvalidAttributeName', `Unknown Attribute ${n}.`);
  const picked = Object.fromEntries(names.filter((n) => n in all).map((n) => [n, all[n]]));
  return { Attributes: Object.keys(picked).length ? picked : undefined };
}

function setQueueAttributes(sim: SimCore, input: any) {
  const q = queueByUrl(sim, input.QueueUrl);
  const attrs: Record<string, string> = Object.fromEntries(Object.entries(input.Attributes ?? {}).map(([k, v]) => [k, String(v)]));
  validateAttributes(sim, attrs);
  Object.assign(q.attributes, attrs);
  q.modifiedAt = sim.now();
  return {};
}

export const QUEUE_HANDLERS: HandlerMap = {
  CreateQueue: createQueue,
  GetQueueUrl: getQueueUrl,
  GetQueueAttributes: getQueueAttributes,
  SetQueueAttributes: setQueueAttributes,
};
