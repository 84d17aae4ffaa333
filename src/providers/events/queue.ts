/**
 * The narrow SQS port the intake uses (poller, relay, queue setup). SDK types stay here:
 * messages come out as plain `QueueMessage`s, and failures as CloudErrors with gerund context.
 */
import type { SqsApi } from '../../aws/port';
import { toCloudError } from '../../aws/errors';

export interface QueueMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  /** String message attributes (e.g. `X-Gitlab-Event`). */
  attributes: Record<string, string>;
  receiveCount: number;
  sentTimestampMs?: number;
}

export interface ReceiveOptions {
  maxMessages: number;
  waitSeconds: number;
  abortSignal?: AbortSignal;
}

/** One entry DeleteMessageBatch could not delete (the rest of the batch was deleted). */
export interface BatchEntryFailure {
  id: string;
  code: string;
  message: string;
  /** False: a server-side failure worth retrying; true: the request entry itself is wrong. */
  senderFault: boolean;
}

export interface EventQueueClient {
  /** A queue URL as is; a queue name looked up with GetQueueUrl. */
  resolveUrl(queue: string): Promise<string>;
  attributes(url: string, names: string[]): Promise<Record<string, string>>;
  receive(url: string, opts: ReceiveOptions): Promise<QueueMessage[]>;
  delete(url: string, receiptHandle: string): Promise<void>;
  /** DeleteMessageBatch of up to 10 entries (ids unique, [A-Za-z0-9_-]); returns the entries that failed. */
  deleteBatch(url: string, entries: Array<{ id: string; receiptHandle: string }>): Promise<BatchEntryFailure[]>;
  changeVisibility(url: string, receiptHandle: string, seconds: number): Promise<void>;
  send(url: string, body: string, attributes: Record<string, string>): Promise<{ messageId: string }>;
  /** CreateQueue (idempotent for equal attributes); returns the URL. */
  create(name: string, attributes: Record<string, string>): Promise<string>;
  setAttributes(url: string, attributes: Record<string, string>): Promise<void>;
}

export function isQueueUrl(queue: string): boolean {
  return /^https?:\/\//i.test(queue);
}

async function guarded<T>(context: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toCloudError(context, err);
  }
}

function toQueueMessage(m: { MessageId?: string; ReceiptHandle?: string; Body?: string; Attributes?: Record<string, string>; MessageAttributes?: Record<string, { StringValue?: string }> }): QueueMessage {
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.MessageAttributes ?? {})) if (typeof v?.StringValue === 'string') attributes[k] = v.StringValue;
  const sent = Number(m.Attributes?.SentTimestamp);
  return {
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    attributes,
    receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1),
    ...(Number.isFinite(sent) && sent > 0 ? { sentTimestampMs: sent } : {}),
  };
}

export function sqsEventQueue(sqs: SqsApi): EventQueueClient {
  return {
    resolveUrl: (queue) =>
      isQueueUrl(queue)
        ? Promise.resolve(queue)
        : guarded(`looking up queue ${queue}`, async () => (await sqs.GetQueueUrl({ QueueName: queue })).QueueUrl!),
    attributes: (url, names) =>
      guarded(`reading attributes of queue ${url}`, async () => (await sqs.GetQueueAttributes({ QueueUrl: url, AttributeNames: names as any })).Attributes ?? {}),
    receive: (url, o) =>
      guarded(`receiving from queue ${url}`, async () => {
        const out = await sqs.ReceiveMessage({
            QueueUrl: url,
            MaxNumberOfMessages: o.maxMessages,
            WaitTimeSeconds: o.waitSeconds,
            MessageAttributeNames: ['All'],
            MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
          }, { abortSignal: o.abortSignal as any });
        return (out.Messages ?? []).map(toQueueMessage);
      }),
    delete: (url, handle) => guarded(`deleting a message from queue ${url}`, async () => void (await sqs.DeleteMessage({ QueueUrl: url, ReceiptHandle: handle }))),
    deleteBatch: (url, entries) =>
      guarded(`deleting ${entries.length} messages from queue ${url}`, async () => {
        const Entries = entries.map((e) => ({ Id: e.id, ReceiptHandle: e.receiptHandle }));
        const out = await sqs.DeleteMessageBatch({ QueueUrl: url, Entries });
        return (out.Failed ?? []).map((f) => ({ id: f.Id ?? '', code: f.Code ?? '', message: f.Message ?? '', senderFault: f.SenderFault !== false }));
      }),
    changeVisibility: (url, handle, seconds) =>
      guarded(`extending message visibility on queue ${url}`, async () => void (await sqs.ChangeMessageVisibility({ QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: seconds }))),
    send: (url, body, attributes) =>
      guarded(`sending a message to queue ${url}`, async () => {
        const MessageAttributes = Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]));
        const out = await sqs.SendMessage({ QueueUrl: url, MessageBody: body, MessageAttributes });
        return { messageId: out.MessageId ?? '' };
      }),
    create: (name, attributes) =>
      guarded(`creating queue ${name}`, async () => (await sqs.CreateQueue({ QueueName: name, Attributes: attributes as any })).QueueUrl!),
    setAttributes: (url, attributes) =>
      guarded(`setting attributes of queue ${url}`, async () => void (await sqs.SetQueueAttributes({ QueueUrl: url, Attributes: attributes as any }))),
  };
}
