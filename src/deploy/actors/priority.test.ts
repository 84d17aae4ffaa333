import { createDeployPorts } from '.';
import { createAwsPort } from '../../aws/clients';
import { AwsRateBudgets } from '../../aws/rate-budgets';
import { limitAwsCalls } from '../../aws/rate-limit';
import { createMemoryLogger } from '../../log/logger';
import { createSimPlugin, SimAccount } from '../../sim';
import { withPriority } from '../../util/priority';
import { desiredFleet } from '../../../test/support/planner/fixtures';

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
};

describe('deploy ports and the AWS budgets', () => {
  it("a deployment step's call is served before resync reads queued earlier, even when called from a resync pass", async () => {
    const sim = new SimAccount();
    const clients = createAwsPort({ region: 'eu-west-1', plugin: createSimPlugin(sim) });
    limitAwsCalls(clients, new AwsRateBudgets(sim.clock, { limits: { AutoScaling: { all: { ratePerSecond: 1, burst: 1 } } } }));
    const ports = createDeployPorts(clients, { logger: createMemoryLogger(), sleep: (ms) => sim.clock.sleep(ms), fleet: desiredFleet({ name: 'shop' }), clock: sim.clock });
    await clients.autoScaling.DescribeAutoScalingGroups({});
    const order: string[] = [];
    const resync = [0, 1, 2].map((i) =>
      withPriority('resync', () => clients.autoScaling.DescribeAutoScalingGroups({})).then(() => order.push(`resync${i}`)),
    );
    await flush();
    const step = withPriority('resync', () => ports.swap.pollGroupHealth({ groupName: 'shop-v002', desired: 1 })).then((facts) => order.push(`deploy:${facts.exists}`));
    await flush();
    sim.advance(1000);
    await step;
    expect(order).toEqual(['deploy:false']);
    for (let i = 0; i < 3; i++) {
      sim.advance(1000);
      await flush();
    }
    await Promise.all(resync);
    expect(order).toEqual(['deploy:false', 'resync0', 'resync1', 'resync2']);
  });
});
