import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand,
  DeregisterTargetsCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  DuplicateListenerException,
  DuplicateLoadBalancerNameException,
  DuplicateTargetGroupNameException,
  AddTagsCommand,
  InvalidTargetException,
  ListenerNotFoundException,
  LoadBalancerNotFoundException,
  ModifyListenerCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  RegisterTargetsCommand,
  ResourceInUseException,
  TargetGroupAssociationLimitException,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { SimAccount } from '../index';
import { AMI_BASE, simClients, SUBNETS } from '../../../test/support/sim';
import { createAlb, createTargetGroup, createWeightedListener, targetStates, VPC } from '../../../test/support/sim-elbv2';

function setup() {
  const sim = new SimAccount({ seed: 21 });
  return { sim, ...simClients(sim) };
}

async function runInstance(c: ReturnType<typeof setup>): Promise<string> {
  const out = await c.ec2.send(new RunInstancesCommand({ ImageId: AMI_BASE, MinCount: 1, MaxCount: 1, InstanceType: 't3.small', SubnetId: SUBNETS[0] }));
  return out.Instances![0].InstanceId!;
}

describe('ELBv2 load balancers and target groups', () => {
  it('creates an ALB with AWS-shaped ARN, DNS name and state, idempotently, and deletes it quietly', async () => {
    const { sim, elbv2 } = setup();
    const arn = await createAlb(elbv2, 'shop');
    expect(arn).toMatch(/^arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer\/app\/shop\/[0-9a-f]{16}$/);
    const first = (await elbv2.send(new DescribeLoadBalancersCommand({ Names: ['shop'] }))).LoadBalancers![0];
    expect(first).toMatchObject({ Type: 'application', Scheme: 'internet-facing', State: { Code: 'provisioning' }, VpcId: VPC });
    expect(first.DNSName).toMatch(/^shop-\d{10}\.eu-west-1\.elb\.amazonaws\.com$/);
    sim.advance(90_000);
    expect((await elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [arn] }))).LoadBalancers![0].State).toEqual({ Code: 'active' });
    expect(await createAlb(elbv2, 'shop')).toBe(arn);
    const clash = await elbv2.send(new CreateLoadBalancerCommand({ Name: 'shop', Subnets: SUBNETS, Scheme: 'internal' })).catch((e) => e);
    expect(clash).toBeInstanceOf(DuplicateLoadBalancerNameException);
    const oneAz = await elbv2.send(new CreateLoadBalancerCommand({ Name: 'lonely', Subnets: [SUBNETS[0]] })).catch((e) => e);
    expect(oneAz.name).toBe('ValidationError');
    const nlb = await elbv2.send(new CreateLoadBalancerCommand({ Name: 'tcp', Type: 'network', Subnets: [SUBNETS[0]] }));
    expect(nlb.LoadBalancers![0].LoadBalancerArn).toContain(':loadbalancer/net/tcp/');
    await elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn }));
    await elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn }));
    const gone = await elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [arn] })).catch((e) => e);
    expect(gone).toBeInstanceOf(LoadBalancerNotFoundException);
    expect(gone.message).toBe('One or more load balancers not found');
  });

  it('creates target groups with health check defaults and the deregistration delay attribute', async () => {
    const { elbv2 } = setup();
    const out = await elbv2.send(new CreateTargetGroupCommand({ Name: 'shop-blue', Protocol: 'HTTP', Port: 80, VpcId: VPC, Tags: [{ Key: 'drover:fleet', Value: 'shop' }] }));
    const tg = out.TargetGroups![0];
    expect(tg.TargetGroupArn).toMatch(/^arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup\/shop-blue\/[0-9a-f]{16}$/);
    expect(tg).toMatchObject({
      HealthCheckProtocol: 'HTTP',
      HealthCheckPort: 'traffic-port',
      HealthCheckPath: '/',
      HealthCheckIntervalSeconds: 30,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 5,
      UnhealthyThresholdCount: 2,
      Matcher: { HttpCode: '200' },
      TargetType: 'instance',
      LoadBalancerArns: [],
    });
    const again = await elbv2.send(new CreateTargetGroupCommand({ Name: 'shop-blue', Protocol: 'HTTP', Port: 80, VpcId: VPC }));
    expect(again.TargetGroups![0].TargetGroupArn).toBe(tg.TargetGroupArn);
    const clash = await elbv2.send(new CreateTargetGroupCommand({ Name: 'shop-blue', Protocol: 'HTTP', Port: 8080, VpcId: VPC })).catch((e) => e);
    expect(clash).toBeInstanceOf(DuplicateTargetGroupNameException);
    const badTimeout = await elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: tg.TargetGroupArn, HealthCheckIntervalSeconds: 10, HealthCheckTimeoutSeconds: 10 })).catch((e) => e);
    expect(badTimeout.message).toBe("Health check timeout '10' must be smaller than the interval '10'");
    const modified = await elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: tg.TargetGroupArn, HealthCheckPath: '/health', HealthyThresholdCount: 2 }));
    expect(modified.TargetGroups![0]).toMatchObject({ HealthCheckPath: '/health', HealthyThresholdCount: 2 });
    const attrs = await elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: tg.TargetGroupArn }));
    expect(attrs.Attributes).toContainEqual({ Key: 'deregistration_delay.timeout_seconds', Value: '300' });
    const set = await elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg.TargetGroupArn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }] }));
    expect(set.Attributes).toContainEqual({ Key: 'deregistration_delay.timeout_seconds', Value: '30' });
    const tooLong = await elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg.TargetGroupArn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '3601' }] })).catch((e) => e);
    expect(tooLong.name).toBe('ValidationError');
    const missing = await elbv2.send(new DescribeTargetGroupsCommand({ Names: ['nope'] })).catch((e) => e);
    expect(missing).toBeInstanceOf(TargetGroupNotFoundException);
    await elbv2.send(new AddTagsCommand({ ResourceArns: [tg.TargetGroupArn!], Tags: [{ Key: 'drover:managed-by', Value: 'drover' }] }));
    const tags = await elbv2.send(new DescribeTagsCommand({ ResourceArns: [tg.TargetGroupArn!] }));
    expect(tags.TagDescriptions![0].Tags).toEqual([
      { Key: 'drover:fleet', Value: 'shop' },
      { Key: 'drover:managed-by', Value: 'drover' },
    ]);
  });
});

describe('ELBv2 listeners with weighted forward actions', () => {
  it('forwards by weight, validates weights 0-999, and keeps a target group to one load balancer', async () => {
    const { elbv2 } = setup();
    const lb = await createAlb(elbv2, 'shop');
    const blue = await createTargetGroup(elbv2, 'shop-blue');
    const green = await createTargetGroup(elbv2, 'shop-green');
    const listener = await createWeightedListener(elbv2, lb, [[blue, 100]]);
    expect(listener).toMatch(/:listener\/app\/shop\/[0-9a-f]{16}\/[0-9a-f]{16}$/);
    const single = (await elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb }))).Listeners![0];
    expect(single.DefaultActions![0]).toMatchObject({ Type: 'forward', TargetGroupArn: blue, ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue, Weight: 100 }] } });
    await elbv2.send(
      new ModifyListenerCommand({
        ListenerArn: listener,
        DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue, Weight: 90 }, { TargetGroupArn: green, Weight: 10 }] } }],
      }),
    );
    const split = (await elbv2.send(new DescribeListenersCommand({ ListenerArns: [listener] }))).Listeners![0].DefaultActions![0];
    expect(split.TargetGroupArn).toBeUndefined();
    expect(split.ForwardConfig!.TargetGroups).toEqual([
      { TargetGroupArn: blue, Weight: 90 },
      { TargetGroupArn: green, Weight: 10 },
    ]);
    expect((await elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lb }))).TargetGroups!.map((t) => t.TargetGroupName)).toEqual(['shop-blue', 'shop-green']);
    const heavy = await elbv2
      .send(new ModifyListenerCommand({ ListenerArn: listener, DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue, Weight: 1000 }] } }] }))
      .catch((e) => e);
    expect(heavy.name).toBe('ValidationError');
    expect(heavy.message).toContain('Member must have value between 0 and 999');
    const other = await createAlb(elbv2, 'other');
    const shared = await elbv2
      .send(new CreateListenerCommand({ LoadBalancerArn: other, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: green }] }))
      .catch((e) => e);
    expect(shared).toBeInstanceOf(TargetGroupAssociationLimitException);
    const dup = await elbv2.send(new CreateListenerCommand({ LoadBalancerArn: lb, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: green }] })).catch((e) => e);
    expect(dup).toBeInstanceOf(DuplicateListenerException);
    expect(await elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: green })).catch((e) => e)).toBeInstanceOf(ResourceInUseException);
    await elbv2.send(new DeleteListenerCommand({ ListenerArn: listener }));
    expect(await elbv2.send(new DeleteListenerCommand({ ListenerArn: listener })).catch((e) => e)).toBeInstanceOf(ListenerNotFoundException);
    await elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: green }));
    expect(await elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [green] })).catch((e) => e)).toBeInstanceOf(TargetGroupNotFoundException);
  });
});

describe('ELBv2 target health over virtual time', () => {
  it('goes initial -> healthy by the health check model, unhealthy for a broken AMI, and unused without a listener', async () => {
    const c = setup();
    const { sim, elbv2 } = c;
    const lb = await createAlb(elbv2);
    const tg = await createTargetGroup(elbv2, 'shop-blue', { interval: 10, healthy: 3, unhealthy: 2 });
    const id = await runInstance(c);
    sim.advance(45_000);
    await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: id }] }));
    expect(await targetStates(elbv2, tg, true)).toEqual({ [id]: 'unused/Target.NotInUse' });
    await createWeightedListener(elbv2, lb, [[tg, 1]]);
    expect(await targetStates(elbv2, tg, true)).toEqual({ [id]: 'initial/Elb.RegistrationInProgress' });
    sim.advance(10_000);
    expect(await targetStates(elbv2, tg, true)).toEqual({ [id]: 'initial/Elb.InitialHealthChecking' });
    sim.advance(10_000);
    expect(await targetStates(elbv2, tg)).toEqual({ [id]: 'initial' });
    sim.advance(10_000);
    expect(await targetStates(elbv2, tg, true)).toEqual({ [id]: 'healthy' });
    sim.markAmiBroken(AMI_BASE);
    sim.advance(10_000);
    expect(await targetStates(elbv2, tg)).toEqual({ [id]: 'healthy' });
    sim.advance(10_000);
    const health = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg, Targets: [{ Id: id }, { Id: await runInstance(c) }] }));
    expect(health.TargetHealthDescriptions!.map((d) => d.TargetHealth)).toEqual([
      { State: 'unhealthy', Reason: 'Target.ResponseCodeMismatch', Description: 'Health checks failed with these codes: [500]' },
      { State: 'unused', Reason: 'Target.NotRegistered', Description: 'Target is not registered to the target group' },
    ]);
    expect(health.TargetHealthDescriptions![0]).toMatchObject({ Target: { Id: id, Port: 80 }, HealthCheckPort: '80' });
    await c.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(await targetStates(elbv2, tg, true)).toEqual({ [id]: 'unused/Target.InvalidState' });
  });

  it('drains a deregistered target for the deregistration delay, then forgets it', async () => {
    const c = setup();
    const { sim, elbv2 } = c;
    const lb = await createAlb(elbv2);
    const tg = await createTargetGroup(elbv2, 'shop-blue', { delay: 60 });
    const idle = await createTargetGroup(elbv2, 'shop-idle', { delay: 60 });
    await createWeightedListener(elbv2, lb, [[tg, 1]]);
    const id = await runInstance(c);
    sim.advance(45_000);
    await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: id }] }));
    await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: idle, Targets: [{ Id: id }] }));
    sim.advance(30_000);
    expect(await targetStates(elbv2, tg)).toEqual({ [id]: 'healthy' });
    await elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: id }] }));
    await elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: idle, Targets: [{ Id: id }] }));
    expect(await targetStates(elbv2, tg, true)).toEqual({ [id]: 'draining/Target.DeregistrationInProgress' });
    expect(await targetStates(elbv2, idle)).toEqual({});
    sim.advance(59_000);
    expect(await targetStates(elbv2, tg)).toEqual({ [id]: 'draining' });
    sim.advance(1_000);
    expect(await targetStates(elbv2, tg)).toEqual({});
    const bogus = await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: 'i-0000000000000dead' }] })).catch((e) => e);
    expect(bogus).toBeInstanceOf(InvalidTargetException);
  });
});
