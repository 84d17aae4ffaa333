import { desiredFleet, FIXTURE } from './support/planner/fixtures';
import { createCloudEnv } from './cloud-env';

async function readyEnv() {
  const env = createCloudEnv();
  const d = desiredFleet();
  const results = await env.converge(d);
  expect(results[results.length - 1].readiness.ready).toBe(true);
  return { env, d };
}

describe('reconcile over the simulated account', () => {
  it('builds a fleet from nothing, becomes ready, then plans nothing and mutates nothing', async () => {
    const env = createCloudEnv();
    const d = desiredFleet();
    const results = await env.converge(d);
    const last = results[results.length - 1];
    expect(results.every((r) => !r.failed)).toBe(true);
    expect(last.readiness).toMatchObject({ ready: true, inService: 2, desired: 2 });
    expect(env.sim.inServiceCount('magento-elb')).toBe(2);
    const group = env.sim.group('magento-marketplace-v001')!;
    expect(group).toMatchObject({ min: 2, max: 6, desired: 2, loadBalancers: ['magento-elb'] });
    expect(group.launchTemplate.version).toBe('1');

    const steady = await env.reconcile(d);
    expect(steady.plan.steps).toEqual([]);
    expect(steady.calls.mutating).toBe(0);
    expect(steady.calls.read).toBeLessThanOrEqual(12);
    expect(steady.observed.readCalls).toBe(steady.calls.read);
  });

  it('waits, not fails, when EC2 does not show a launch template it just created', async () => {
    const env = createCloudEnv();
    env.sim.setEventualConsistency({ describeNotFoundMs: 30_000 });
    // Without shared storage the group is created in the same pass as its template.
    const d = { ...desiredFleet(), storage: undefined };
    const first = await env.reconcile(d);
    expect(first.failed).toBeUndefined();
    expect(first.waiting?.reason).toMatch(/waits for launch template drover-magento-marketplace to become visible/);
    const results = await env.converge(d);
    expect(results.every((r) => !r.failed)).toBe(true);
    expect(results[results.length - 1].readiness.ready).toBe(true);
  });

  it('waits for the file system instead of failing, and never launches before mount targets are available', async () => {
    const env = createCloudEnv();
    const first = await env.reconcile(desiredFleet());
    expect(first.failed).toBeUndefined();
    expect(first.waiting?.step.kind).toBe('createMountTarget');
    expect(first.readiness.reason).toBe('WaitingForDependency');
    expect(env.sim.groups()).toEqual([]);
  });

  it('fails clearly on a missing AMI and creates nothing', async () => {
    const env = createCloudEnv();
    const d = desiredFleet({ image: { ami: 'ami-0ffffffffffffffff' } });
    const r = await env.reconcile(d);
    expect(r.failed?.error.message).toBe(
      'checking AMI ami-0ffffffffffffffff of fleet magento-marketplace (spec.image.ami at magento-marketplace.yaml:1): AMI ami-0ffffffffffffffff does not exist (InvalidAMIID.NotFound)',
    );
    expect(r.failed?.error.retryable).toBe(false);
    expect(r.calls.mutating).toBe(0);
    expect(r.applied).toEqual([]);
  });

  it('refuses to touch a load balancer that has the name but not drover tags', async () => {
    const env = createCloudEnv();
    await env.clients.elb.CreateLoadBalancer({
      LoadBalancerName: 'magento-elb',
      Listeners: [{ Protocol: 'TCP', LoadBalancerPort: 22, InstanceProtocol: 'TCP', InstancePort: 22 }],
      Subnets: [FIXTURE.subnets[0]],
    });
    env.clients.calls.reset();
    const r = await env.reconcile(desiredFleet());
    expect(r.failed?.error.message).toBe(
      "reconciling fleet magento-marketplace: load balancer name magento-elb is taken by a resource without drover's tags (loadBalancer/magento-elb)",
    );
    expect(r.failed?.error.code).toBe('NameTaken');
    expect(r.calls.mutating).toBe(0);
    expect(env.sim.loadBalancer('magento-elb')).toBeDefined();
  });

  it('repairs drift: max size, an instance detached from the ELB and a deleted alarm', async () => {
    const { env, d } = await readyEnv();
    const lbInstance = env.sim.group('magento-marketplace-v001')!.instances[0].id;
    await env.clients.autoScaling.UpdateAutoScalingGroup({ AutoScalingGroupName: 'magento-marketplace-v001', MaxSize: 12 });
    await env.clients.elb.DeregisterInstancesFromLoadBalancer({ LoadBalancerName: 'magento-elb', Instances: [{ InstanceId: lbInstance }] });
    await env.clients.cloudWatch.DeleteAlarms({ AlarmNames: ['magento-marketplace-cpu-high'] });
    // No waiting: while the instance drains it still reports InService health, but it is no
    // longer registered, and the plan must say so straight away.
    const r = await env.reconcile(d);
    expect(r.plan.steps.map((s) => [s.kind, s.reason])).toEqual([
      ['updateAutoScalingGroup', 'max size is 12, manifest says 6'],
      ['registerInstances', `InService instances ${lbInstance} of group magento-marketplace-v001 are not registered with the load balancer`],
      ['putMetricAlarm', 'alarm is missing'],
    ]);
    expect(r.failed).toBeUndefined();
    expect(env.sim.group('magento-marketplace-v001')!.max).toBe(6);

    const results = await env.converge(d);
    expect(results[results.length - 1].readiness.ready).toBe(true);
    expect((await env.reconcile(d)).plan.steps).toEqual([]);
  });

  it('retries throttling on the virtual clock and logs aws.retry', async () => {
    const { env, d } = await readyEnv();
    env.sim.failNext('ElasticLoadBalancing', 'DescribeLoadBalancers', 'Throttling', 2);
    const before = env.clock.nowMs();
    const r = await env.reconcile(d);
    expect(r.failed).toBeUndefined();
    expect(r.plan.steps).toEqual([]);
    expect(env.logger.events('aws.retry')).toHaveLength(2);
    expect(env.clock.nowMs()).toBeGreaterThan(before);
  });

  it('reports an AMI change as one pending deployment and mutates nothing', async () => {
    const { env } = await readyEnv();
    const r = await env.reconcile(desiredFleet({ image: { ami: FIXTURE.amis[1] } }));
    expect(r.plan.steps.map((s) => s.kind)).toEqual(['startDeployment']);
    expect(r.pendingDeployment?.params).toMatchObject({ fromAmi: FIXTURE.amis[0], toAmi: FIXTURE.amis[1], group: 'magento-marketplace-v001' });
    expect(r.calls.mutating).toBe(0);
    expect(r.readiness.reason).toBe('DeploymentPending');
  });

  it('changes the instance type in place through a new template version pinned on the group', async () => {
    const { env, d } = await readyEnv();
    const bigger = desiredFleet({ instances: { ...d.instances, type: 't3.large' } });
    const r = await env.reconcile(bigger);
    expect(r.plan.steps.map((s) => s.kind)).toEqual(['createLaunchTemplateVersion']);
    expect(r.failed).toBeUndefined();
    expect(env.sim.group('magento-marketplace-v001')!.launchTemplate.version).toBe('2');
    expect((await env.reconcile(bigger)).plan.steps).toEqual([]);
  });

  it('deletes storage and scaling the manifest dropped, waiting on AWS as needed', async () => {
    const { env } = await readyEnv();
    const live = (o: Record<string, any>) => Object.values(o).filter((x: any) => !/delet/.test(String(x.lifeCycleState ?? x.state ?? '')));
    expect(live(env.sim.snapshot().fileSystems)).toHaveLength(1);
    expect(Object.keys(env.sim.snapshot().alarms)).toHaveLength(2);
    const lean = desiredFleet({ storage: undefined, scaling: undefined });
    const results = await env.converge(lean, 60);
    const last = results[results.length - 1];
    expect(last.failed).toBeUndefined();
    expect(last.readiness.ready).toBe(true);
    const state = env.sim.snapshot();
    expect(live(state.fileSystems)).toEqual([]);
    expect(live(state.mountTargets)).toEqual([]);
    expect(Object.keys(state.alarms)).toEqual([]);
    expect(Object.values(state.policies)).toEqual([]);
    expect(Object.values(state.securityGroups).map((g) => g.name)).not.toContain('drover-magento-marketplace-efs');
    expect((await env.reconcile(lean)).plan.steps).toEqual([]);
  });

  it('stops at the first failing step and says which one and why', async () => {
    const env = createCloudEnv();
    const d = desiredFleet({ storage: undefined });
    env.sim.failNext('ElasticLoadBalancing', 'CreateLoadBalancer', 'AccessDenied');
    const r = await env.reconcile(d);
    expect(r.failed?.step?.kind).toBe('createLoadBalancer');
    expect(r.failed?.error.message).toMatch(/^creating load balancer magento-elb for fleet magento-marketplace: .*AccessDenied/);
    expect(r.failed?.error).toMatchObject({ retryable: false, source: 'user' });
    expect(r.applied).toEqual([]);
    expect(env.sim.snapshot().launchTemplates).toEqual({});
    expect(env.logger.events('apply.failed')).toHaveLength(1);
  });

  it('dry run plans without mutating', async () => {
    const env = createCloudEnv();
    const r = await env.reconcile(desiredFleet(), { dryRun: true });
    expect(r.plan.steps).toHaveLength(15);
    expect(r.calls.mutating).toBe(0);
    expect(r.applied).toEqual([]);
  });
});
