import { createAwsPort } from './clients';
import { limitAwsCalls } from './rate-limit';
import { createSimPlugin, SimAccount } from '../sim';
import { AwsRateBudget } from '../util/token-bucket';

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
};

describe('limitAwsCalls', () => {
  it('holds a call until its bucket has a token, on the clock, before the simulated account sees it', async () => {
    const sim = new SimAccount();
    const clients = createAwsPort({ region: 'eu-west-1', plugin: createSimPlugin(sim) });
    limitAwsCalls(clients, new AwsRateBudget(sim.clock, { read: { ratePerSecond: 1, burst: 1 }, mutate: { ratePerSecond: 1, burst: 1 } }));
    limitAwsCalls(clients, new AwsRateBudget(sim.clock, { read: { ratePerSecond: 1, burst: 1 }, mutate: { ratePerSecond: 1, burst: 1 } }));
    await clients.ec2.DescribeInstances({});
    let second = false;
    const pending = clients.ec2.DescribeInstances({}).then(() => (second = true));
    // Mutations have their own bucket: not held by the reads.
    await clients.ec2.CreateTags({ Resources: ['sg-0a1b2c3d4e5f60001'], Tags: [{ Key: 'a', Value: 'b' }] });
    await flush();
    expect(second).toBe(false);
    expect(sim.calls.filter((c) => c.operation === 'DescribeInstances')).toHaveLength(1);
    sim.advance(1000);
    await pending;
    expect(second).toBe(true);
    expect(clients.calls.snapshot().byOperation['EC2:DescribeInstances']).toBe(2);
  });

  it('lets SQS data-plane calls through without touching the control-plane buckets', async () => {
    const sim = new SimAccount();
    const clients = createAwsPort({ region: 'eu-west-1', plugin: createSimPlugin(sim) });
    const budget = new AwsRateBudget(sim.clock, { read: { ratePerSecond: 1, burst: 1 }, mutate: { ratePerSecond: 1, burst: 1 } });
    limitAwsCalls(clients, budget);
    const { QueueUrl } = await clients.sqs.CreateQueue({ QueueName: 'events' });
    expect(budget.available('mutate')).toBe(0);
    for (let i = 0; i < 30; i++) await clients.sqs.SendMessage({ QueueUrl, MessageBody: `m${i}` });
    for (let round = 0; round < 3; round++) {
      const got = await clients.sqs.ReceiveMessage({ QueueUrl, MaxNumberOfMessages: 10 });
      await clients.sqs.ChangeMessageVisibility({ QueueUrl, ReceiptHandle: got.Messages![0].ReceiptHandle, VisibilityTimeout: 60 });
      const Entries = got.Messages!.map((m, i) => ({ Id: `e${i}`, ReceiptHandle: m.ReceiptHandle }));
      expect((await clients.sqs.DeleteMessageBatch({ QueueUrl, Entries })).Successful).toHaveLength(10);
    }
    // No virtual time passed and both buckets are as the control-plane calls left them.
    expect(sim.peekQueue('events')).toEqual([]);
    expect(budget.available('mutate')).toBe(0);
    expect(budget.available('read')).toBe(1);
  });
});
