import {
  BatchEntryIdsNotDistinct,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  EmptyBatchRequest,
  InvalidBatchEntryId,
  ReceiveMessageCommand,
  SendMessageCommand,
  TooManyEntriesInBatchRequest,
} from '@aws-sdk/client-sqs';
import { SimAccount } from '../index';
import { simClients } from '../../../test/support/sim';

async function setup(count: number) {
  const sim = new SimAccount({ seed: 7 });
  const { sqs } = simClients(sim);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'q', Attributes: { VisibilityTimeout: '30' } }));
  for (let i = 0; i < count; i++) await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `m${i}` }));
  const handles: string[] = [];
  while (handles.length < count) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    handles.push(...(r.Messages ?? []).map((m) => m.ReceiptHandle!));
  }
  return { sim, sqs, QueueUrl: QueueUrl!, handles };
}

describe('SQS DeleteMessageBatch', () => {
  it('deletes the good entries and reports a bad receipt handle per entry, with HTTP 200', async () => {
    const { sim, sqs, QueueUrl, handles } = await setup(10);
    const Entries = handles.map((ReceiptHandle, i) => ({ Id: `e${i}`, ReceiptHandle: i === 4 ? 'not-a-handle' : ReceiptHandle }));
    const out = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries }));
    expect(out.Successful!.map((s) => s.Id)).toEqual(['e0', 'e1', 'e2', 'e3', 'e5', 'e6', 'e7', 'e8', 'e9']);
    expect(out.Failed).toEqual([{ Id: 'e4', Code: 'ReceiptHandleIsInvalid', Message: 'The input receipt handle "not-a-handle" is not a valid receipt handle.', SenderFault: true }]);
    expect(sim.peekQueue('q').map((m) => m.body)).toEqual(['m4']);
  });

  it('deletes scattered messages, given in any order, and keeps the rest in order', async () => {
    const { sim, sqs, QueueUrl, handles } = await setup(12);
    const pick = [11, 0, 5, 1, 6, 7, 3];
    const out = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: pick.map((i) => ({ Id: `e${i}`, ReceiptHandle: handles[i] })) }));
    expect(out.Failed ?? []).toEqual([]);
    expect(sim.peekQueue('q').map((m) => m.body)).toEqual(['m2', 'm4', 'm8', 'm9', 'm10']);
  });

  it('rejects malformed batches whole and deletes nothing', async () => {
    const { sim, sqs, QueueUrl, handles } = await setup(2);
    const send = (Entries: Array<{ Id: string; ReceiptHandle: string }>) => sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries })).catch((e) => e);
    expect(await send([])).toBeInstanceOf(EmptyBatchRequest);
    const eleven = Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, ReceiptHandle: handles[0] }));
    const tooMany = await send(eleven);
    expect(tooMany).toBeInstanceOf(TooManyEntriesInBatchRequest);
    expect(tooMany.message).toBe('Maximum number of entries per request are 10. You have sent 11.');
    expect(await send([{ Id: 'a', ReceiptHandle: handles[0] }, { Id: 'a', ReceiptHandle: handles[1] }])).toBeInstanceOf(BatchEntryIdsNotDistinct);
    expect(await send([{ Id: 'a.b', ReceiptHandle: handles[0] }])).toBeInstanceOf(InvalidBatchEntryId);
    expect(sim.peekQueue('q')).toHaveLength(2);
  });
});
