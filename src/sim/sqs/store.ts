/** Queue lookups and the internal enqueue used by SendMessage and by the account's own events. */
import { createHash } from 'crypto';
import { SimCore } from '../core';
import { MessageRec, QueueRec } from '../state';

export function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

export function queueByUrl(sim: SimCore, url: string | undefined): QueueRec {
  const name = String(url ?? '').split('/').pop() ?? '';
  const q = sim.state.queues[name];
  if (!q || q.url !== url) {
    throw sim.error('SQS', 'QueueDoesNotExist', 'The specified queue does not exist.');
  }
  return q;
}

/** A queue in this account by ARN, or undefined. */
export function queueByArn(sim: SimCore, arn: string | undefined): QueueRec | undefined {
  return Object.values(sim.state.queues).find((q) => q.arn === arn);
}

export function enqueue(sim: SimCore, q: QueueRec, body: string, extra: Partial<MessageRec> = {}): MessageRec {
  const delay = Number(q.attributes.DelaySeconds ?? 0) * 1000;
  const m: MessageRec = {
    id: sim.uuid(),
    body,
    md5: md5(body),
    sentAt: sim.now(),
    receiveCount: 0,
    visibleAt: sim.now() + delay,
    ...extra,
  };
  insertBySentAt(q.messages, m);
  return m;
}

/**
 * A queue's messages stay in sent order, so receives take the oldest first without sorting and
 * expiry drops a prefix: a new message goes at the end, a redriven one (sent earlier) in its place.
 */
export function insertBySentAt(messages: MessageRec[], m: MessageRec): void {
  if (!messages.length || messages[messages.length - 1].sentAt <= m.sentAt) {
    messages.push(m);
    return;
  }
  let lo = 0;
  let hi = messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (messages[mid].sentAt <= m.sentAt) lo = mid + 1;
    else hi = mid;
  }
  messages.splice(lo, 0, m);
}

/** The message a receipt handle names; null when it was deleted; throws ReceiptHandleIsInvalid for a stale or foreign handle. */
export function findByHandle(sim: SimCore, q: QueueRec, handle: string): MessageRec | undefined | null {
  let id: string | undefined;
  try {
    id = JSON.parse(Buffer.from(String(handle), 'base64').toString('utf8')).m;
  } catch {
    id = undefined;
  }
  if (!id) throw sim.error('SQS', 'ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`);
  const m = q.messages.find((x) => x.id === id);
  if (!m) return null;
  if (m.receiptHandle !== handle) throw sim.error('SQS', 'ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`);
  return m;
}
