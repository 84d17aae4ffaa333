import { RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  IncompatibleProtocolsException,
  ModifyListenerCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { SimAccount } from '../index';
import { AMI_BASE, simClients, SUBNETS } from '../../../test/support/sim';
import { createAlb, createTargetGroup, createWeightedListener, metricValues, targetStates, VPC } from '../../../test/support/sim-elbv2';

const MIN = 60_000;

async function instance(sim: SimAccount): Promise<string> {
  const out = await simClients(sim).ec2.send(new RunInstancesCommand({ ImageId: AMI_BASE, MinCount: 1, MaxCount: 1, InstanceType: 't3.small', SubnetId: SUBNETS[1] }));
  return out.Instances![0].InstanceId!;
}

describe('Network Load Balancers', () => {
  it('check TCP target groups with NLB defaults and report TCP failures as Target.FailedHealthChecks', async () => {
    const sim = new SimAccount({ seed: 4 });
    const { elbv2 } = simClients(sim);
    const nlb = (await elbv2.send(new CreateLoadBalancerCommand({ Name: 'tcp', Type: 'network', Subnets: [SUBNETS[0]] }))).LoadBalancers![0];
    expect(nlb.DNSName).toMatch(/^tcp-[0-9a-f]{16}\.elb\.eu-west-1\.amazonaws\.com$/);
    const tg = (await elbv2.send(new CreateTargetGroupCommand({ Name: 'tcp-blue', Protocol: 'TCP', Port: 443, VpcId: VPC }))).TargetGroups![0];
    expect(tg).toMatchObject({ HealthCheckProtocol: 'TCP', HealthCheckTimeoutSeconds: 10, HealthCheckIntervalSeconds: 30, Matcher: undefined, HealthCheckPath: undefined });
    const httpTg = await createTargetGroup(elbv2, 'web-blue');
    const mixed = await elbv2
      .send(new CreateListenerCommand({ LoadBalancerArn: nlb.LoadBalancerArn, Protocol: 'TCP', Port: 443, DefaultActions: [{ Type: 'forward', TargetGroupArn: httpTg }] }))
      .catch((e) => e);
    expect(mixed).toBeInstanceOf(IncompatibleProtocolsException);
    await elbv2.send(new CreateListenerCommand({ LoadBalancerArn: nlb.LoadBalancerArn, Protocol: 'TCP', Port: 443, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }] }));
    const id = await instance(sim);
    sim.advance(45_000);
    await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: tg.TargetGroupArn, Targets: [{ Id: id }] }));
    sim.advance(5 * 30_000);
    expect(await targetStates(elbv2, tg.TargetGroupArn!)).toEqual({ [id]: 'healthy' });
    sim.markAmiBroken(AMI_BASE);
    sim.advance(2 * 30_000);
    const health = (await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }))).TargetHealthDescriptions![0];
    expect(health).toMatchObject({ HealthCheckPort: '443', TargetHealth: { State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed' } });
  });
});

describe('an ALB when no target can take the requests', () => {
  it('answers them itself with 503s (HTTPCode_ELB_5XX_Count) and fails open to unhealthy targets', async () => {
    const sim = new SimAccount({ seed: 6 });
    const { elbv2, cw } = simClients(sim);
    const lb = await createAlb(elbv2);
    const blue = await createTargetGroup(elbv2, 'shop-blue');
    const listener = await createWeightedListener(elbv2, lb, [[blue, 1]]);
    const lbDim = { LoadBalancer: lb.split('loadbalancer/')[1] };
    const t0 = sim.nowMs();
    sim.advance(2 * MIN);
    expect(await metricValues(cw, 'AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count', lbDim, 'Sum', t0, sim.nowMs())).toEqual([1200, 1200]);
    const id = await instance(sim);
    await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: blue, Targets: [{ Id: id }] }));
    sim.markAmiBroken(AMI_BASE);
    sim.advance(MIN);
    expect(await targetStates(elbv2, blue)).toEqual({ [id]: 'unhealthy' });
    const t1 = sim.nowMs();
    sim.advance(MIN);
    const tgDim = { ...lbDim, TargetGroup: blue.split(':').pop()! };
    expect(await metricValues(cw, 'AWS/ApplicationELB', 'RequestCount', tgDim, 'Sum', t1, sim.nowMs())).toEqual([1200]);
    expect(await metricValues(cw, 'AWS/ApplicationELB', 'UnHealthyHostCount', tgDim, 'Maximum', t1, sim.nowMs())).toEqual([1]);
    await elbv2.send(new ModifyListenerCommand({ ListenerArn: listener, DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue, Weight: 0 }] } }] }));
    const t2 = sim.nowMs();
    sim.advance(MIN);
    expect(await metricValues(cw, 'AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count', lbDim, 'Sum', t2, sim.nowMs())).toEqual([1200]);
  });
});

describe('a saved account', () => {
  it('keeps target health, draining and metric series across save and load', async () => {
    const sim = new SimAccount({ seed: 9 });
    const c = simClients(sim);
    const lb = await createAlb(c.elbv2);
    const blue = await createTargetGroup(c.elbv2, 'shop-blue', { delay: 60 });
    await createWeightedListener(c.elbv2, lb, [[blue, 1]]);
    const id = await instance(sim);
    sim.advance(45_000);
    await c.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: blue, Targets: [{ Id: id }] }));
    sim.advance(30_000);
    await c.elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: blue, Targets: [{ Id: id }] }));
    sim.advance(30_000);
    const loaded = SimAccount.fromJSON(JSON.parse(JSON.stringify(sim.toJSON())));
    const again = simClients(loaded);
    expect(await targetStates(again.elbv2, blue)).toEqual({ [id]: 'draining' });
    loaded.advance(30_000);
    expect(await targetStates(again.elbv2, blue)).toEqual({});
    const lbDim = { LoadBalancer: lb.split('loadbalancer/')[1] };
    const saved = await metricValues(c.cw, 'AWS/ApplicationELB', 'RequestCount', lbDim, 'Sum', 0, sim.nowMs());
    expect(saved.length).toBeGreaterThan(0);
    expect(await metricValues(again.cw, 'AWS/ApplicationELB', 'RequestCount', lbDim, 'Sum', 0, loaded.nowMs())).toEqual([...saved, 1200]);
  });
});
