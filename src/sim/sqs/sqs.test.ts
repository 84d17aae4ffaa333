import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  QueueNameExists,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { createHash } from 'crypto';
import { SimAccount } from '../index';
import { simClients } from '../../../test/support/sim';

function setup() {
  const sim = new SimAccount({ seed: 11 });
  return { sim, ...simClients(sim) };
}

describe('SQS', () => {
  it('creates queues idempotently and reports real URLs and attributes', async () => {
    const { sqs } = setup();
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'events', Attributes: { VisibilityTimeout: '60' } }));
    expect(QueueUrl).toBe('https://sqs.eu-west-1.amazonaws.com/123456789012/events');
    expect((await sqs.send(new CreateQueueCommand({ QueueName: 'events', Attributes: { VisibilityTimeout: '60' } }))).QueueUrl).toBe(QueueUrl);
    expect(await sqs.send(new CreateQueueCommand({ QueueName: 'events', Attributes: { VisibilityTimeout: '10' } })).catch((e) => e)).toBeInstanceOf(QueueNameExists);
    expect(await sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' })).catch((e) => e)).toBeInstanceOf(QueueDoesNotExist);
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    expect(attrs.Attributes).toMatchObject({ QueueArn: 'arn:aws:sqs:eu-west-1:123456789012:events', VisibilityTimeout: '60', ApproximateNumberOfMessages: '0' });
  });

  it('hides received messages for the visibility timeout and issues a new handle per receive', async () => {
    const { sim, sqs } = setup();
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'q', Attributes: { VisibilityTimeout: '30' } }));
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hello', MessageAttributes: { kind: { DataType: 'String', StringValue: 'push' } } }));
    expect(sent.MD5OfMessageBody).toBe(createHash('md5').update('hello').digest('hex'));
    expect(sent.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    const r1 = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['ApproximateReceiveCount'], MessageAttributeNames: ['All'] }));
    expect(r1.Messages![0]).toMatchObject({ Body: 'hello', Attributes: { ApproximateReceiveCount: '1' }, MessageAttributes: { kind: { DataType: 'String', StringValue: 'push' } } });
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
    const counts = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    expect(counts.Attributes).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '1' });
    sim.advance(30_000);
    const r2 = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    expect(r2.Messages![0].ReceiptHandle).not.toBe(r1.Messages![0].ReceiptHandle);
    const stale = await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: r1.Messages![0].ReceiptHandle })).catch((e) => e);
    expect(stale).toBeInstanceOf(ReceiptHandleIsInvalid);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: r2.Messages![0].ReceiptHandle, VisibilityTimeout: 0 }));
    const r3 = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: r3.Messages![0].ReceiptHandle }));
    expect(sim.peekQueue('q')).toEqual([]);
  });

  it('moves a message to the dead-letter queue after maxReceiveCount receives', async () => {
    const { sim, sqs } = setup();
    await sqs.send(new CreateQueueCommand({ QueueName: 'dlq' }));
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: 'work',
        Attributes: { VisibilityTimeout: '5', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:eu-west-1:123456789012:dlq', maxReceiveCount: 2 }) },
      }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'poison' }));
    for (let n = 0; n < 2; n++) {
      expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toHaveLength(1);
      sim.advance(5_000);
    }
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
    expect(sim.peekQueue('dlq').map((m) => m.body)).toEqual(['poison']);
    const bad = await sqs.send(new CreateQueueCommand({ QueueName: 'x', Attributes: { RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:123456789012:none","maxReceiveCount":1}' } })).catch((e) => e);
    expect(bad.name).toBe('InvalidAttributeValue');
  });

  it('keeps a dead-letter queue oldest first when a message sent earlier is redriven into it, and expires the oldest first', async () => {
    const { sim, sqs } = setup();
    const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: 'dlq', Attributes: { MessageRetentionPeriod: '120' } }))).QueueUrl;
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: 'work',
        Attributes: { VisibilityTimeout: '5', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:eu-west-1:123456789012:dlq', maxReceiveCount: 1 }) },
      }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'poison, sent first' }));
    sim.advance(10_000);
    await sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: 'sent to the dlq later' }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    sim.advance(5_000);
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
    expect(sim.peekQueue('dlq').map((m) => m.body)).toEqual(['poison, sent first', 'sent to the dlq later']);
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, VisibilityTimeout: 0 }));
    expect(first.Messages?.map((m) => m.Body)).toEqual(['poison, sent first']);
    // 120 s after the first send only the later one is left.
    sim.advance(106_000);
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, MaxNumberOfMessages: 10 }))).Messages?.map((m) => m.Body)).toEqual(['sent to the dlq later']);
  });

  it('long-polls in virtual time: resolves on a send, or empty after the wait', async () => {
    const { sim, sqs } = setup();
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'poll' }));
    const waiting = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    let settled = false;
    waiting.then(() => (settled = true));
    sim.advance(5_000);
    await Promise.resolve();
    expect(settled).toBe(false);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'late' }));
    expect((await waiting).Messages![0].Body).toBe('late');
    const empty = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 10 }));
    sim.advance(10_000);
    expect((await empty).Messages).toBeUndefined();
    const tooBig = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x'.repeat(262_145) })).catch((e) => e);
    expect(tooBig.name).toBe('InvalidParameterValue');
  });
});
