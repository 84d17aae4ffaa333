/** SQS messages: send, receive (with virtual-time long polling and redrive), delete, visibility. */
import { createHash } from 'crypto';
import { deliverTwice, receiveOrder } from '../chaos';
import { SimCore } from '../core';
import { HandlerMap } from '../handler';
import { MessageRec, QueueRec } from '../state';
import { dropExpired } from './queues';
import { DELETE_BATCH_HANDLERS } from './batch';
import { enqueue, findByHandle, insertBySentAt, queueByArn, queueByUrl } from './store';

const MAX_BYTES = 262_144;

/** MD5 of message attributes, as SQS computes it. */
export function md5OfAttributes(attrs: Record<string, any> | undefined): string | undefined {
  if (!attrs || !Object.keys(attrs).length) return undefined;
  const parts: Buffer[] = [];
  const field = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    parts.push(len, b);
  };
  for (const name of Object.keys(attrs).sort()) {
    const a = attrs[name];
    field(Buffer.from(name, 'utf8'));
    field(Buffer.from(a.DataType, 'utf8'));
    const binary = a.BinaryValue !== undefined;
    parts.push(Buffer.from([binary ? 2 : 1]));
    field(binary ? Buffer.from(a.BinaryValue) : Buffer.from(String(a.StringValue), 'utf8'));
  }
  return createHash('md5').update(Buffer.concat(parts)).digest('hex');
}

function sendMessage(sim: SimCore, input: any) {
  const q = queueByUrl(sim, input.QueueUrl);
  const body = input.MessageBody;
  if (body === undefined || body === '') throw sim.error('SQS', 'MissingParameter', 'The request must contain the parameter MessageBody.');
  if (/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test(body)) {
    throw sim.error('SQS', 'InvalidMessageContents', 'Invalid characters found in the message body.');
  }
  const attrBytes = JSON.stringify(input.MessageAttributes ?? {}).length;
  if (Buffer.byteLength(body, 'utf8') + (input.MessageAttributes ? attrBytes : 0) > Number(q.attributes.MaximumMessageSize ?? MAX_BYTES)) {
    throw sim.error('SQS', 'InvalidParameterValue', `One or more parameters are invalid. Reason: Message must be shorter than ${q.attributes.MaximumMessageSize} bytes.`);
  }
  const delay = input.DelaySeconds !== undefined ? Number(input.DelaySeconds) * 1000 : Number(q.attributes.DelaySeconds) * 1000;
  const md5Attributes = md5OfAttributes(input.MessageAttributes);
  const m = enqueue(sim, q, body, { attributes: input.MessageAttributes, md5Attributes, visibleAt: sim.now() + delay });
  return { MessageId: m.id, MD5OfMessageBody: m.md5, MD5OfMessageAttributes: md5Attributes };
}

function newHandle(sim: SimCore, m: MessageRec): string {
  return Buffer.from(JSON.stringify({ m: m.id, r: sim.rng.hex(24) })).toString('base64');
}

/** Move messages that exceeded maxReceiveCount to the dead-letter queue. */
function redrive(sim: SimCore, q: QueueRec, m: MessageRec): boolean {
  if (!q.attributes.RedrivePolicy) return false;
  const policy = JSON.parse(q.attributes.RedrivePolicy);
  if (m.receiveCount < Number(policy.maxReceiveCount)) return false;
  const dlq = queueByArn(sim, policy.deadLetterTargetArn);
  q.messages = q.messages.filter((x) => x !== m);
  if (dlq) insertBySentAt(dlq.messages, { ...m, visibleAt: sim.now(), receiptHandle: undefined });
  return true;
}

function wanted(names: string[] | undefined, key: string): boolean {
  return !!names && (names.includes('All') || names.includes(key) || names.includes('.*'));
}

function messageOut(sim: SimCore, m: MessageRec, input: any) {
  const sysNames: string[] = [...(input.AttributeNames ?? []), ...(input.MessageSystemAttributeNames ?? [])];
  const system: Record<string, string> = {
    SenderId: 'AIDAEXAMPLESIMULATED',
    ApproximateReceiveCount: String(m.receiveCount),
    SentTimestamp: String(m.sentAt),
    ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? sim.now()),
  };
  const attrs = Object.fromEntries(Object.entries(system).filter(([k]) => wanted(sysNames, k)));
  const userNames: string[] | undefined = input.MessageAttributeNames;
  const userAttrs = Object.fromEntries(Object.entries(m.attributes ?? {}).filter(([k]) => wanted(userNames, k)));
  return {
    MessageId: m.id,
    ReceiptHandle: m.receiptHandle,
    MD5OfBody: m.md5,
    Body: m.body,
    Attributes: Object.keys(attrs).length ? attrs : undefined,
    MessageAttributes: Object.keys(userAttrs).length ? userAttrs : undefined,
    MD5OfMessageAttributes: Object.keys(userAttrs).length ? m.md5Attributes : undefined,
  };
}

function receiveNow(sim: SimCore, q: QueueRec, input: any, max: number) {
  dropExpired(sim, q);
  const visibility = Number(input.VisibilityTimeout ?? q.attributes.VisibilityTimeout) * 1000;
  const out: ReturnType<typeof messageOut>[] = [];
  for (const m of receiveOrder(sim, q.messages)) {
    if (out.length >= max) break;
    if (m.visibleAt > sim.now() || redrive(sim, q, m)) continue;
    m.receiveCount++;
    m.firstReceivedAt ??= sim.now();
    m.visibleAt = deliverTwice(sim) ? sim.now() : sim.now() + visibility;
    m.receiptHandle = newHandle(sim, m);
    out.push(messageOut(sim, m, input));
  }
  return out;
}

function receiveMessage(sim: SimCore, input: any) {
  const q = queueByUrl(sim, input.QueueUrl);
  const max = Number(input.MaxNumberOfMessages ?? 1);
  if (!(max >= 1 && max <= 10)) throw sim.error('SQS', 'InvalidParameterValue', `Value ${max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`);
  const wait = Number(input.WaitTimeSeconds ?? q.attributes.ReceiveMessageWaitTimeSeconds ?? 0);
  if (!(wait >= 0 && wait <= 20)) throw sim.error('SQS', 'InvalidParameterValue', `Value ${wait} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`);
  const first = receiveNow(sim, q, input, max);
  if (first.length || wait === 0) return { Messages: first.length ? first : undefined };
  const deadline = sim.now() + wait * 1000;
  return new Promise((resolve) => {
    sim.waiters.push({
      settle: () => {
        if (!sim.state.queues[q.name]) return (resolve({ Messages: undefined }), true);
        const got = receiveNow(sim, sim.state.queues[q.name], input, max);
        if (got.length || sim.now() >= deadline) return (resolve({ Messages: got.length ? got : undefined }), true);
        return false;
      },
      due: (add) => {
        add(deadline);
        for (const m of sim.state.queues[q.name]?.messages ?? []) add(m.visibleAt);
      },
    });
  });
}

function deleteMessage(sim: SimCore, input: any) {
  const q = queueByUrl(sim, input.QueueUrl);
  const m = findByHandle(sim, q, input.ReceiptHandle);
  if (m) q.messages = q.messages.filter((x) => x !== m);
  return {};
}

function changeVisibility(sim: SimCore, input: any) {
  const q = queueByUrl(sim, input.QueueUrl);
  const t = Number(input.VisibilityTimeout);
  if (!(t >= 0 && t <= 43200)) throw sim.error('SQS', 'InvalidParameterValue', `Value ${t} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.`);
  const m = findByHandle(sim, q, input.ReceiptHandle);
  if (!m || m.visibleAt <= sim.now()) throw sim.error('SQS', 'MessageNotInflight', 'The message referred to is not in flight.');
  m.visibleAt = sim.now() + t * 1000;
  return {};
}

export const MESSAGE_HANDLERS: HandlerMap = {
  SendMessage: sendMessage,
  ReceiveMessage: receiveMessage,
  DeleteMessage: deleteMessage,
  ChangeMessageVisibility: changeVisibility,
  ...DELETE_BATCH_HANDLERS,
};
