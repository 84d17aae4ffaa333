/**
 * SQS DeleteMessageBatch as AWS answers it: the whole request fails only when it is malformed
 * (no entries, more than 10, repeated or badly formed ids); otherwise each entry succeeds or
 * fails on its own (`Successful` / `Failed` with Code, Message and SenderFault), HTTP 200 either way.
 */
import { SimCore } from '../core';
import { HandlerMap } from '../handler';
import { findByHandle, queueByUrl } from './store';

const MAX_ENTRIES = 10;
const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

function checkEntries(sim: SimCore, entries: Array<{ Id?: string }>): void {
  if (!entries.length) throw sim.error('SQS', 'EmptyBatchRequest', 'There should be at least one DeleteMessageBatchRequestEntry in the request.');
  if (entries.length > MAX_ENTRIES) throw sim.error('SQS', 'TooManyEntriesInBatchRequest', `Maximum number of entries per request are ${MAX_ENTRIES}. You have sent ${entries.length}.`);
  const seen = new Set<string>();
  for (const e of entries) {
    const id = String(e.Id ?? '');
    if (!ENTRY_ID.test(id)) throw sim.error('SQS', 'InvalidBatchEntryId', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.');
    if (seen.has(id)) throw sim.error('SQS', 'BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
    seen.add(id);
  }
}

function deleteMessageBatch(sim: SimCore, input: any) {
  const q = queueByUrl(sim, input.QueueUrl);
  const entries: Array<{ Id?: string; ReceiptHandle?: string }> = input.Entries ?? [];
  checkEntries(sim, entries);
  const Successful: Array<{ Id: string }> = [];
  const Failed: Array<{ Id: string; Code: string; Message: string; SenderFault: boolean }> = [];
  const deleted = new Set<unknown>();
  for (const e of entries) {
    const Id = String(e.Id);
    try {
      const m = findByHandle(sim, q, String(e.ReceiptHandle ?? ''));
      if (m) deleted.add(m);
      Successful.push({ Id });
    } catch (err: any) {
      Failed.push({ Id, Code: err?.Code ?? err?.name ?? 'InternalError', Message: err?.message ?? String(err), SenderFault: err?.$fault !== 'server' });
    }
  }
  // Deleted messages sit near the front of a busy queue, mostly side by side (received together): find
  // them and remove each run of neighbours with one splice, from the back (no new array of thousands).
  const at = [...deleted].map((m) => q.messages.indexOf(m as (typeof q.messages)[number])).filter((i) => i >= 0).sort((a, b) => b - a);
  for (let k = 0; k < at.length; ) {
    let n = 1;
    while (k + n < at.length && at[k + n] === at[k] - n) n++;
    q.messages.splice(at[k] - n + 1, n);
    k += n;
  }
  return { Successful, Failed };
}

export const DELETE_BATCH_HANDLERS: HandlerMap = { DeleteMessageBatch: deleteMessageBatch };
