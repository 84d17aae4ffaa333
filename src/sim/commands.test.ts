import { DescribeVpcsCommand, EC2ServiceException } from '@aws-sdk/client-ec2';
import { allCommands } from '../aws/commands';
import { SimAccount, SimNotImplemented } from './index';
import { simClients } from '../../test/support/sim';

const key = (c: { service: string; operation: string }) => `${c.service}:${c.operation}`;

describe('simulated account surface', () => {
  it('implements exactly the commands drover sends, both ways', () => {
    const implemented = new SimAccount().implementedCommands().map(key).sort();
    const needed = allCommands().map(key).sort();
    expect(implemented.filter((c) => !needed.includes(c))).toEqual([]);
    expect(needed.filter((c) => !implemented.includes(c))).toEqual([]);
  });

  it('throws SimNotImplemented for anything else, through a real client', async () => {
    const sim = new SimAccount();
    const { ec2 } = simClients(sim);
    const err = await ec2.send(new DescribeVpcsCommand({})).catch((e) => e);
    expect(err).toBeInstanceOf(SimNotImplemented);
    expect(err.name).toBe('SimNotImplemented');
    await expect(sim.dispatch('Lambda', 'Invoke', {})).rejects.toBeInstanceOf(SimNotImplemented);
    expect(err).not.toBeInstanceOf(EC2ServiceException);
  });

  it('records calls with time and clones inputs', async () => {
    const sim = new SimAccount();
    const input = { Filters: [{ Name: 'vpc-id', Values: ['vpc-0a1b2c3d4e5f60718'] }] };
    const out = await sim.dispatch('EC2Client', 'DescribeSubnetsCommand', input);
    input.Filters[0].Values.push('mutated');
    expect(sim.calls[0]).toMatchObject({ service: 'EC2', operation: 'DescribeSubnets', atMs: sim.clock.nowMs() });
    expect((sim.calls[0].input as any).Filters[0].Values).toEqual(['vpc-0a1b2c3d4e5f60718']);
    expect(out.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 1, totalRetryDelay: 0 });
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('uses a canned override after recording and before the handler', async () => {
    const sim = new SimAccount();
    sim.override('EC2', 'DescribeSubnets', () => ({ Subnets: [{ SubnetId: 'subnet-canned' }] }));
    const out = await sim.dispatch('EC2', 'DescribeSubnets', {});
    expect(out.Subnets).toEqual([{ SubnetId: 'subnet-canned' }]);
    expect(sim.calls).toHaveLength(1);
  });
});

describe('service name spellings', () => {
  it('accepts SDK client names and CLI aliases alike', async () => {
    const sim = new SimAccount();
    sim.failNext('elb', 'DescribeLoadBalancers', 'Throttling');
    const err = await sim.dispatch('ElasticLoadBalancingClient', 'DescribeLoadBalancersCommand', {}).catch((e) => e);
    expect(err.name).toBe('Throttling');
    const out = await sim.dispatch('asg', 'DescribeAutoScalingGroups', {});
    expect(out.AutoScalingGroups).toEqual([]);
  });
});
