/**
 * Acknowledge handled messages with DeleteMessageBatch, 10 per call. An entry SQS could not
 * delete for a server-side reason is retried (up to `attempts` calls in all); an entry it rejects
 * (e.g. `ReceiptHandleIsInvalid`: the visibility timeout ran out and the message was received
 * again) and one that still fails are logged, never dropped silently. A message left undeleted
 * comes back and is deduped by the poller and the bake register, so this never loses an event.
 */
import type { BatchEntryFailure, EventQueueClient, QueueMessage } from '../../providers/events/queue';
import { EVENTS } from '../../log/events';
import type { Logger } from '../../log/logger';

export const MAX_BATCH = 10;

export interface AckResult {
  deleted: number;
  failed: number;
  calls: number;
}

export async function deleteHandled(q: Pick<EventQueueClient, 'deleteBatch'>, url: string, messages: QueueMessage[], log: Logger, attempts = 3): Promise<AckResult> {
  const total: AckResult = { deleted: 0, failed: 0, calls: 0 };
  for (let i = 0; i < messages.length; i += MAX_BATCH) {
    const r = await deleteChunk(q, url, messages.slice(i, i + MAX_BATCH), log, attempts);
    total.deleted += r.deleted;
    total.failed += r.failed;
    total.calls += r.calls;
  }
  return total;
}

async function deleteChunk(q: Pick<EventQueueClient, 'deleteBatch'>, url: string, chunk: QueueMessage[], log: Logger, attempts: number): Promise<AckResult> {
  // Entry ids are positions in the chunk: unique, and always valid batch ids.
  let left = chunk.map((msg, i) => ({ id: `m${i}`, msg }));
  let failed = 0;
  let calls = 0;
  while (left.length) {
    calls++;
    const lastTry = calls >= attempts;
    let failures: BatchEntryFailure[];
    try {
      failures = await q.deleteBatch(url, left.map((e) => ({ id: e.id, receiptHandle: e.msg.receiptHandle })));
    } catch (err) {
      if (!lastTry) continue;
      for (const e of left) report(log, e.msg, String(err));
      return { deleted: chunk.length - failed - left.length, failed: failed + left.length, calls };
    }
    const byId = new Map(failures.map((f) => [f.id, f]));
    const retry: typeof left = [];
    for (const e of left) {
      const f = byId.get(e.id);
      if (!f) continue;
      if (!f.senderFault && !lastTry) retry.push(e);
      else {
        failed++;
        report(log, e.msg, `${f.code}: ${f.message}`);
      }
    }
    left = retry;
  }
  return { deleted: chunk.length - failed, failed, calls };
}

function report(log: Logger, msg: QueueMessage, cause: string): void {
  log.warn({ event: EVENTS.intakeDeleteFailed, messageId: msg.messageId, err: cause }, `deleting handled message ${msg.messageId} failed: ${cause}; a redelivery will be dropped as a duplicate`);
}
