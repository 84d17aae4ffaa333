import { DescribeAutoScalingGroupsCommand, ResourceContentionFault } from '@aws-sdk/client-auto-scaling';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeInstancesCommand, EC2ServiceException, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeFileSystemsCommand, ThrottlingException } from '@aws-sdk/client-efs';
import { DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing';
import { SimAccount } from './index';
import { AMI_BASE, simClients } from '../../test/support/sim';

describe('fault injection', () => {
  it('fails the next N calls with the realistic error, then recovers', async () => {
    const sim = new SimAccount();
    const { ec2 } = simClients(sim);
    sim.failNext('EC2', 'RunInstances', 'InsufficientInstanceCapacity', 2);
    const run = () => ec2.send(new RunInstancesCommand({ ImageId: AMI_BASE, InstanceType: 't3.small', MinCount: 1, MaxCount: 1 }));
    for (let n = 0; n < 2; n++) {
      const err = await run().catch((e) => e);
      expect(err).toBeInstanceOf(EC2ServiceException);
      expect(err).toMatchObject({ name: 'InsufficientInstanceCapacity', $fault: 'server' });
      expect(err.$metadata.httpStatusCode).toBe(500);
    }
    expect((await run()).Instances).toHaveLength(1);
    expect(sim.calls.map((c) => c.error)).toEqual(['InsufficientInstanceCapacity', 'InsufficientInstanceCapacity', undefined]);
    expect(sim.instances()).toHaveLength(1);
  });

  it('maps Throttling to each service’s own code and class', async () => {
    const sim = new SimAccount();
    const c = simClients(sim);
    for (const [svc, op] of [
      ['EC2', 'DescribeInstances'],
      ['AutoScaling', 'DescribeAutoScalingGroups'],
      ['ElasticLoadBalancing', 'DescribeLoadBalancers'],
      ['CloudWatch', 'DescribeAlarms'],
      ['EFS', 'DescribeFileSystems'],
    ]) sim.failNext(svc, op, 'Throttling');
    expect((await c.ec2.send(new DescribeInstancesCommand({})).catch((e) => e)).name).toBe('RequestLimitExceeded');
    expect((await c.asg.send(new DescribeAutoScalingGroupsCommand({})).catch((e) => e)).name).toBe('Throttling');
    expect((await c.elb.send(new DescribeLoadBalancersCommand({})).catch((e) => e)).name).toBe('Throttling');
    expect((await c.cw.send(new DescribeAlarmsCommand({})).catch((e) => e)).name).toBe('Throttling');
    expect(await c.efs.send(new DescribeFileSystemsCommand({})).catch((e) => e)).toBeInstanceOf(ThrottlingException);
    sim.failNext('AutoScaling', 'DescribeAutoScalingGroups', 'ResourceContention');
    expect(await c.asg.send(new DescribeAutoScalingGroupsCommand({})).catch((e) => e)).toBeInstanceOf(ResourceContentionFault);
  });

  it('fails a seeded fraction of calls with failRate, deterministically', async () => {
    const outcomes = async () => {
      const sim = new SimAccount({ seed: 99 });
      sim.failRate('EC2', '*', 'ServiceUnavailable', 0.3);
      const { ec2 } = simClients(sim);
      const results: boolean[] = [];
      for (let n = 0; n < 100; n++) results.push(await ec2.send(new DescribeInstancesCommand({})).then(() => true, () => false));
      return results;
    };
    const a = await outcomes();
    expect(a.filter((ok) => !ok).length).toBeGreaterThan(15);
    expect(a.filter((ok) => !ok).length).toBeLessThan(45);
    expect(await outcomes()).toEqual(a);
    const sim = new SimAccount({ seed: 99 });
    sim.failRate('EC2', '*', 'ServiceUnavailable', 1);
    sim.clearFaults();
    await expect(sim.dispatch('EC2', 'DescribeInstances', {})).resolves.toBeDefined();
  });
});
