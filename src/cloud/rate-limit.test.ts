import { DescribeInstancesCommand, CreateTagsCommand } from '@aws-sdk/client-ec2';
import { createAwsClients } from './clients';
import { limitAwsCalls } from './rate-limit';
import { createSimPlugin, SimAccount } from '../sim';
import { AwsRateBudget } from '../util/token-bucket';

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
};

describe('limitAwsCalls', () => {
  it('holds a call until its bucket has a token, on the clock, before the simulated account sees it', async () => {
    const sim = new SimAccount();
    const clients = createAwsClients({ region: 'eu-west-1', plugin: createSimPlugin(sim) });
    limitAwsCalls(clients, new AwsRateBudget(sim.clock, { read: { ratePerSecond: 1, burst: 1 }, mutate: { ratePerSecond: 1, burst: 1 } }));
    limitAwsCalls(clients, new AwsRateBudget(sim.clock, { read: { ratePerSecond: 1, burst: 1 }, mutate: { ratePerSecond: 1, burst: 1 } }));
    await clients.ec2.send(new DescribeInstancesCommand({}));
    let second = false;
    const pending = clients.ec2.send(new DescribeInstancesCommand({})).then(() => (second = true));
    // Mutations have their own bucket: not held by the reads.
    await clients.ec2.send(new CreateTagsCommand({ Resources: ['sg-0a1b2c3d4e5f60001'], Tags: [{ Key: 'a', Value: 'b' }] }));
    await flush();
    expect(second).toBe(false);
    expect(sim.calls.filter((c) => c.operation === 'DescribeInstances')).toHaveLength(1);
    sim.advance(1000);
    await pending;
    expect(second).toBe(true);
    expect(clients.calls.snapshot().byOperation['EC2:DescribeInstances']).toBe(2);
  });
});
