import type { DesiredFleet } from '../model/fleet';
import type { ObservedFleet } from '../model/observed';
import { convergedWorld, desiredFleet, emptyWorld, FIXTURE } from '../../test/support/planner/fixtures';
import { plan } from './plan';

const kinds = (d: DesiredFleet, o: ObservedFleet) => plan(d, o).steps.map((s) => s.kind);

describe('plan: creation', () => {
  it('creates everything for an empty world in dependency order', () => {
    const d = desiredFleet();
    expect(plan(d, { ...emptyWorld(d.name), subnetZones: convergedWorld(d).subnetZones }).steps.map((s) => `${s.kind} ${s.resource}`)).toEqual([
      'createSecurityGroup securityGroup/drover-magento-marketplace-efs',
      'authorizeNfsIngress securityGroup/drover-magento-marketplace-efs',
      'createFileSystem fileSystem/drover-magento-marketplace',
      'createMountTarget mountTarget/drover-magento-marketplace/subnet-0a1b2c3d4e5f60001',
      'createMountTarget mountTarget/drover-magento-marketplace/subnet-0a1b2c3d4e5f60002',
      'createMountTarget mountTarget/drover-magento-marketplace/subnet-0a1b2c3d4e5f60003',
      'createLoadBalancer loadBalancer/magento-elb',
      'configureHealthCheck loadBalancer/magento-elb',
      'modifyLoadBalancerAttributes loadBalancer/magento-elb',
      'createLaunchTemplate launchTemplate/drover-magento-marketplace',
      'createAutoScalingGroup autoScalingGroup/magento-marketplace-v001',
      'putScalingPolicy policy/magento-marketplace-scale-out',
      'putScalingPolicy policy/magento-marketplace-scale-in',
      'putMetricAlarm alarm/magento-marketplace-cpu-high',
      'putMetricAlarm alarm/magento-marketplace-cpu-low',
    ]);
  });

  it('creates the first group with the manifest capacity, ELB health checks and the template', () => {
    const d = desiredFleet();
    const create = plan(d, emptyWorld(d.name)).steps.find((s) => s.kind === 'createAutoScalingGroup')!;
    expect(create.params).toMatchObject({
      name: 'magento-marketplace-v001',
      generation: 1,
      launchTemplateName: 'drover-magento-marketplace',
      min: 2,
      max: 6,
      desired: 2,
      subnets: FIXTURE.subnets,
      loadBalancerName: 'magento-elb',
      healthCheckGracePeriodSeconds: 300,
    });
  });

  it('puts one mount target per zone when subnets share a zone', () => {
    const d = desiredFleet();
    const world = { ...emptyWorld(d.name), subnetZones: { [FIXTURE.subnets[0]]: 'eu-west-1a', [FIXTURE.subnets[1]]: 'eu-west-1a', [FIXTURE.subnets[2]]: 'eu-west-1b' } };
    const targets = plan(d, world).steps.filter((s) => s.kind === 'createMountTarget').map((s) => s.params.subnetId);
    expect(targets).toEqual([FIXTURE.subnets[0], FIXTURE.subnets[2]]);
  });

  it('uses the bake base AMI when no AMI is pinned', () => {
    const d = desiredFleet({ image: { bake: { baseAmi: FIXTURE.amis[1], repository: 'r', branch: 'main', buildScript: 'b', builderInstanceType: 't3.large', timeoutSeconds: 900, from: 'base' } } });
    const lt = plan(d, emptyWorld(d.name)).steps.find((s) => s.kind === 'createLaunchTemplate')!;
    expect(lt.params.imageId).toBe(FIXTURE.amis[1]);
  });

  it('creates no storage, scaling or extra steps for a minimal fleet', () => {
    const d = desiredFleet({ storage: undefined, scaling: undefined });
    expect(kinds(d, emptyWorld(d.name))).toEqual([
      'createLoadBalancer',
      'configureHealthCheck',
      'modifyLoadBalancerAttributes',
      'createLaunchTemplate',
      'createAutoScalingGroup',
    ]);
  });
});

describe('plan: steady state', () => {
  it.each([
    ['full fleet', desiredFleet()],
    ['no storage', desiredFleet({ storage: undefined })],
    ['no scaling', desiredFleet({ scaling: undefined })],
    ['no draining', desiredFleet({ loadBalancer: { ...desiredFleet().loadBalancer, connectionDrainingSeconds: 0 } })],
  ])('plans zero steps when converged (%s)', (_label, d) => {
    expect(plan(d, convergedWorld(d)).steps).toEqual([]);
  });

  it('does not fight the autoscaler over desired capacity inside min..max', () => {
    const d = desiredFleet();
    const o = convergedWorld(d);
    o.groups[0].desired = 5;
    expect(plan(d, o).steps).toEqual([]);
  });
});
