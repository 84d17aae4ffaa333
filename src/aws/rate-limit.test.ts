import { createAwsPort } from './clients';
import { limitAwsCalls } from './rate-limit';
import { AwsRateBudgets } from './rate-budgets';
import { createSimPlugin, SimAccount } from '../sim';
import { withPriority } from '../util/priority';

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
};

const ONE_PER_SECOND = { ratePerSecond: 1, burst: 1 };

function limited(limits: ConstructorParameters<typeof AwsRateBudgets>[1] = {}) {
  const sim = new SimAccount();
  const clients = createAwsPort({ region: 'eu-west-1', plugin: createSimPlugin(sim) });
  const budgets = new AwsRateBudgets(sim.clock, limits);
  limitAwsCalls(clients, budgets);
  return { sim, clients, budgets };
}

describe('limitAwsCalls', () => {
  it('holds a call until its bucket has a token, on the clock, before the simulated account sees it', async () => {
    const { sim, clients } = limited({ limits: { EC2: { 'read-unfiltered': ONE_PER_SECOND, mutate: ONE_PER_SECOND } } });
    limitAwsCalls(clients, new AwsRateBudgets(sim.clock, { limits: { EC2: { 'read-unfiltered': ONE_PER_SECOND } } }));
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

  it('keeps services apart: EC2 reads exhausted do not slow Auto Scaling or ELB', async () => {
    const { sim, clients, budgets } = limited({ limits: { EC2: { read: ONE_PER_SECOND } } });
    await clients.ec2.DescribeInstances({ InstanceIds: ['i-1'] }).catch(() => undefined);
    let ec2Done = false;
    const ec2 = clients.ec2.DescribeInstances({ InstanceIds: ['i-1'] }).catch(() => undefined).then(() => (ec2Done = true));
    for (let i = 0; i < 30; i++) await clients.autoScaling.DescribeAutoScalingGroups({});
    for (let i = 0; i < 30; i++) await clients.elb.DescribeLoadBalancers({});
    await flush();
    expect(ec2Done).toBe(false);
    expect(budgets.available('AutoScaling', 'all')).toBe(10);
    expect(budgets.available('ElasticLoadBalancing', 'read')).toBe(10);
    sim.advance(1000);
    await ec2;
    expect(ec2Done).toBe(true);
  });

  it('halves a bucket on a throttle from AWS and counts it', async () => {
    const { sim, clients, budgets } = limited();
    sim.failNext('elb', 'DescribeLoadBalancers', 'Throttling');
    await expect(clients.elb.DescribeLoadBalancers({})).rejects.toMatchObject({ name: 'Throttling' });
    expect(budgets.rate('ElasticLoadBalancing', 'read')).toBe(5);
    expect(budgets.rate('EC2', 'read')).toBe(20);
    expect(budgets.throttles()).toEqual([{ service: 'ElasticLoadBalancing', count: 1 }]);
    // The bucket was emptied: the next call waits for a token at the halved rate (1 per 200 ms).
    let done = false;
    const next = clients.elb.DescribeLoadBalancers({}).then(() => (done = true));
    sim.advance(199);
    await flush();
    expect(done).toBe(false);
    sim.advance(1);
    await next;
    // A success creeps back: +1 % of the documented 10/s.
    expect(budgets.rate('ElasticLoadBalancing', 'read')).toBeCloseTo(5.1);
  });

  it('serves a deployment call before resync calls queued earlier on the same bucket', async () => {
    const { sim, clients } = limited({ limits: { AutoScaling: { all: ONE_PER_SECOND } } });
    await clients.autoScaling.DescribeAutoScalingGroups({});
    const order: string[] = [];
    const resync = Array.from({ length: 5 }, (_, i) =>
      withPriority('resync', () => clients.autoScaling.DescribeAutoScalingGroups({})).then(() => order.push(`resync${i}`)),
    );
    await flush();
    const deploy = withPriority('deploy', () => clients.autoScaling.DescribeAutoScalingGroups({})).then(() => order.push('deploy'));
    await flush();
    sim.advance(1000);
    await deploy;
    expect(order).toEqual(['deploy']);
    for (let i = 0; i < 5; i++) {
      sim.advance(1000);
      await flush();
    }
    await Promise.all(resync);
    expect(order).toEqual(['deploy', 'resync0', 'resync1', 'resync2', 'resync3', 'resync4']);
  });

  it('lets SQS data-plane calls through without touching the control-plane bucket', async () => {
    const { sim, clients, budgets } = limited({ limits: { SQS: { control: ONE_PER_SECOND } } });
    const { QueueUrl } = await clients.sqs.CreateQueue({ QueueName: 'events' });
    expect(budgets.available('SQS', 'control')).toBe(0);
    for (let i = 0; i < 30; i++) await clients.sqs.SendMessage({ QueueUrl, MessageBody: `m${i}` });
    for (let round = 0; round < 3; round++) {
      const got = await clients.sqs.ReceiveMessage({ QueueUrl, MaxNumberOfMessages: 10 });
      await clients.sqs.ChangeMessageVisibility({ QueueUrl, ReceiptHandle: got.Messages![0].ReceiptHandle, VisibilityTimeout: 60 });
      const Entries = got.Messages!.map((m, i) => ({ Id: `e${i}`, ReceiptHandle: m.ReceiptHandle }));
      expect((await clients.sqs.DeleteMessageBatch({ QueueUrl, Entries })).Successful).toHaveLength(10);
    }
    // No virtual time passed and the control-plane bucket is as CreateQueue left it.
    expect(sim.peekQueue('events')).toEqual([]);
    expect(budgets.available('SQS', 'control')).toBe(0);
  });
});
