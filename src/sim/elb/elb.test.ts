import {
  AccessPointNotFoundException,
  AddTagsCommand,
  CreateLoadBalancerCommand,
  CreateLoadBalancerListenersCommand,
  DeleteLoadBalancerCommand,
  DeleteLoadBalancerListenersCommand,
  DeregisterInstancesFromLoadBalancerCommand,
  DescribeInstanceHealthCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DuplicateAccessPointNameException,
  ModifyLoadBalancerAttributesCommand,
  RegisterInstancesWithLoadBalancerCommand,
  paginateDescribeLoadBalancers,
} from '@aws-sdk/client-elastic-load-balancing';
import { RunInstancesCommand } from '@aws-sdk/client-ec2';
import { SimAccount } from '../index';
import { AMI_BASE, simClients, SUBNETS, WEB_SG } from '../../../test/support/sim';

function setup() {
  const sim = new SimAccount({ seed: 13 });
  return { sim, ...simClients(sim) };
}

const create = (name: string, port = 80) =>
  new CreateLoadBalancerCommand({
    LoadBalancerName: name,
    Listeners: [{ Protocol: 'HTTP', LoadBalancerPort: 80, InstanceProtocol: 'HTTP', InstancePort: port }],
    Subnets: SUBNETS,
    SecurityGroups: [WEB_SG],
    Tags: [{ Key: 'drover:fleet', Value: name }],
  });

describe('classic ELB', () => {
  it('creates idempotently, rejects conflicting re-creates and bad names, deletes idempotently', async () => {
    const { elb } = setup();
    const first = await elb.send(create('shop'));
    expect((await elb.send(create('shop'))).DNSName).toBe(first.DNSName);
    expect(await elb.send(create('shop', 8080)).catch((e) => e)).toBeInstanceOf(DuplicateAccessPointNameException);
    expect((await elb.send(create('-bad-')).catch((e) => e)).name).toBe('ValidationError');
    const missing = await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerNames: ['nope'] })).catch((e) => e);
    expect(missing).toBeInstanceOf(AccessPointNotFoundException);
    expect(missing.message).toBe("There is no ACTIVE Load Balancer named 'nope'");
    await elb.send(new DeleteLoadBalancerCommand({ LoadBalancerName: 'shop' }));
    await elb.send(new DeleteLoadBalancerCommand({ LoadBalancerName: 'shop' }));
    expect(await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerNames: ['shop'] })).catch((e) => e)).toBeInstanceOf(AccessPointNotFoundException);
  });

  it('pages with Marker, and manages tags, attributes and listeners', async () => {
    const { elb } = setup();
    for (const n of ['a1', 'a2', 'a3', 'a4', 'a5']) await elb.send(create(n));
    let pages = 0;
    const names: string[] = [];
    for await (const p of paginateDescribeLoadBalancers({ client: elb }, {})) {
      pages++;
      names.push(...p.LoadBalancerDescriptions!.map((d) => d.LoadBalancerName!));
    }
    expect(names).toHaveLength(5);
    expect(pages).toBeGreaterThan(1);
    await elb.send(new AddTagsCommand({ LoadBalancerNames: ['a1'], Tags: [{ Key: 'drover:managed-by', Value: 'drover' }] }));
    const tags = await elb.send(new DescribeTagsCommand({ LoadBalancerNames: ['a1', 'a2'] }));
    expect(tags.TagDescriptions![0].Tags).toEqual([
      { Key: 'drover:fleet', Value: 'a1' },
      { Key: 'drover:managed-by', Value: 'drover' },
    ]);
    const before = await elb.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerName: 'a1' }));
    expect(before.LoadBalancerAttributes!.ConnectionDraining).toEqual({ Enabled: false, Timeout: 300 });
    await elb.send(new ModifyLoadBalancerAttributesCommand({ LoadBalancerName: 'a1', LoadBalancerAttributes: { ConnectionDraining: { Enabled: true, Timeout: 120 }, CrossZoneLoadBalancing: { Enabled: true } } }));
    const after = await elb.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerName: 'a1' }));
    expect(after.LoadBalancerAttributes).toMatchObject({ ConnectionDraining: { Enabled: true, Timeout: 120 }, CrossZoneLoadBalancing: { Enabled: true } });
    await elb.send(new CreateLoadBalancerListenersCommand({ LoadBalancerName: 'a1', Listeners: [{ Protocol: 'TCP', LoadBalancerPort: 443, InstanceProtocol: 'TCP', InstancePort: 443 }] }));
    await elb.send(new DeleteLoadBalancerListenersCommand({ LoadBalancerName: 'a1', LoadBalancerPorts: [80] }));
    const d = await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerNames: ['a1'] }));
    expect(d.LoadBalancerDescriptions![0].ListenerDescriptions!.map((l) => l.Listener!.LoadBalancerPort)).toEqual([443]);
  });

  it('reports registration, health and deregistration of manually registered instances', async () => {
    const { sim, elb, ec2 } = setup();
    await elb.send(create('manual'));
    const id = (await ec2.send(new RunInstancesCommand({ ImageId: AMI_BASE, MinCount: 1, MaxCount: 1, InstanceType: 't3.small', SubnetId: SUBNETS[1] }))).Instances![0].InstanceId!;
    await elb.send(new RegisterInstancesWithLoadBalancerCommand({ LoadBalancerName: 'manual', Instances: [{ InstanceId: id }] }));
    sim.advance(45_000 + 10 * 30_000);
    expect((await elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: 'manual' }))).InstanceStates).toEqual([
      { InstanceId: id, State: 'InService', ReasonCode: 'N/A', Description: 'N/A' },
    ]);
    await elb.send(new DeregisterInstancesFromLoadBalancerCommand({ LoadBalancerName: 'manual', Instances: [{ InstanceId: id }] }));
    const health = await elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: 'manual', Instances: [{ InstanceId: id }] }));
    expect(health.InstanceStates![0]).toMatchObject({ State: 'OutOfService', Description: 'Instance is not currently registered with the LoadBalancer.' });
  });
});
