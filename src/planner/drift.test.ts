import type { ObservedFleet } from '../model/observed';
import type { PlanStep } from '../model/plan';
import { convergedWorld, desiredFleet, FIXTURE } from '../../test/support/planner/fixtures';
import { plan } from './plan';

const d = desiredFleet();
type Bend = (o: ObservedFleet) => void;

const cases: Array<[string, Bend, Partial<PlanStep> & { kind: PlanStep['kind'] }]> = [
  ['max size', (o) => void (o.groups[0].max = 12), { kind: 'updateAutoScalingGroup', reason: 'max size is 12, manifest says 6', params: { name: 'magento-marketplace-v001', max: 6 } }],
  ['min size', (o) => void (o.groups[0].min = 1), { kind: 'updateAutoScalingGroup', reason: 'min size is 1, manifest says 2', params: { name: 'magento-marketplace-v001', min: 2 } }],
  [
    'desired above new max',
    (o) => {
      o.groups[0].max = 12;
      o.groups[0].desired = 9;
    },
    { kind: 'updateAutoScalingGroup', reason: 'max size is 12, manifest says 6; desired capacity 9 is outside 2..6, clamped to 6', params: { name: 'magento-marketplace-v001', max: 6, desired: 6 } },
  ],
  ['grace period', (o) => void (o.groups[0].healthCheckGracePeriodSeconds = 60), { kind: 'updateAutoScalingGroup', reason: 'health check grace period is 60, manifest says 300' }],
  ['health check type', (o) => void (o.groups[0].healthCheckType = 'EC2'), { kind: 'updateAutoScalingGroup', reason: 'health check type is EC2, manifest says ELB' }],
  ['group subnets', (o) => void (o.groups[0].subnets = [FIXTURE.subnets[0]]), { kind: 'updateAutoScalingGroup', params: { name: 'magento-marketplace-v001', subnets: FIXTURE.subnets } }],
  ['detached group', (o) => void (o.groups[0].loadBalancerNames = []), { kind: 'attachLoadBalancer', params: { groupName: 'magento-marketplace-v001', loadBalancerName: 'magento-elb' } }],
  [
    'instance missing from the ELB',
    (o) => void (o.loadBalancer!.instances = o.loadBalancer!.instances.slice(1)),
    { kind: 'registerInstances', resource: 'loadBalancer/magento-elb', params: { name: 'magento-elb', instanceIds: ['i-00000000000000000'] } },
  ],
  ['health check target', (o) => void (o.loadBalancer!.healthCheck.target = 'TCP:80'), { kind: 'configureHealthCheck', reason: 'health check target is TCP:80, manifest says HTTP:80/health_check.php' }],
  ['healthy threshold', (o) => void (o.loadBalancer!.healthCheck.healthyThreshold = 10), { kind: 'configureHealthCheck', reason: 'healthy threshold is 10, manifest says 2' }],
  ['cross zone', (o) => void (o.loadBalancer!.crossZone = false), { kind: 'modifyLoadBalancerAttributes', reason: 'cross-zone load balancing is false, manifest says true', params: { name: 'magento-elb', connectionDrainingSeconds: 30, crossZone: true } }],
  ['draining off', (o) => void (o.loadBalancer!.connectionDrainingEnabled = false), { kind: 'modifyLoadBalancerAttributes', reason: 'connection draining is 0s, manifest says 30s' }],
  ['instance type', (o) => void (o.launchTemplate!.instanceType = 't3.small'), { kind: 'createLaunchTemplateVersion', reason: 'instance type is t3.small, manifest says t3.medium', params: expect.objectContaining({ groupName: 'magento-marketplace-v001', imageId: FIXTURE.amis[0], instanceType: 't3.medium' }) }],
  ['user data', (o) => void (o.launchTemplate!.userData = '#!/bin/bash\n'), { kind: 'createLaunchTemplateVersion', reason: expect.stringContaining("user-data differs from the manifest's") }],
  ['missing alarm', (o) => void (o.alarms = o.alarms.slice(1)), { kind: 'putMetricAlarm', resource: 'alarm/magento-marketplace-cpu-high', reason: 'alarm is missing' }],
  ['alarm threshold', (o) => void (o.alarms[0].threshold = 90), { kind: 'putMetricAlarm', reason: 'threshold is 90, manifest says 70' }],
  ['alarm action', (o) => void (o.alarms[1].actions = []), { kind: 'putMetricAlarm', resource: 'alarm/magento-marketplace-cpu-low' }],
  ['policy cooldown', (o) => void (o.policies[0].cooldownSeconds = 60), { kind: 'putScalingPolicy', reason: 'cooldown is 60s, manifest says 300s', params: { groupName: 'magento-marketplace-v001', name: 'magento-marketplace-scale-out', adjustment: 1, cooldownSeconds: 300 } }],
  ['nfs ingress missing', (o) => void (o.efsSecurityGroup!.nfsIngressFrom = []), { kind: 'authorizeNfsIngress', params: { groupName: 'drover-magento-marketplace-efs', groupId: FIXTURE.efsSecurityGroupId, sourceGroups: [FIXTURE.securityGroup] } }],
  ['nfs ingress extra', (o) => void o.efsSecurityGroup!.nfsIngressFrom.push('sg-0other'), { kind: 'revokeNfsIngress', params: { groupId: FIXTURE.efsSecurityGroupId, sourceGroups: ['sg-0other'] } }],
  ['mount target missing', (o) => void (o.fileSystem!.mountTargets = o.fileSystem!.mountTargets.slice(0, 2)), { kind: 'createMountTarget', params: expect.objectContaining({ subnetId: FIXTURE.subnets[2], fileSystemId: FIXTURE.fileSystemId }) }],
];

describe('plan: each drift yields exactly one step', () => {
  it.each(cases)('%s', (_label, bend, expected) => {
    const o = convergedWorld(d);
    bend(o);
    const steps = plan(d, o).steps;
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject(expected);
  });
});

describe('plan: listeners', () => {
  it('re-creates a listener whose instance port changed, deleting it first', () => {
    const o = convergedWorld(d);
    o.loadBalancer!.listeners[0].instancePort = 8080;
    const steps = plan(d, o).steps;
    expect(steps.map((s) => s.kind)).toEqual(['deleteLoadBalancerListeners', 'createLoadBalancerListeners']);
    expect(steps[0].params).toEqual({ name: 'magento-elb', ports: [80] });
    expect(steps[0].reason).toBe('listener on port 80 is HTTP:80->HTTP:8080, manifest says HTTP:80->HTTP:80');
    expect(steps[1].params).toEqual({ name: 'magento-elb', listeners: d.loadBalancer.listeners });
  });

  it('adds a missing listener and deletes an extra one', () => {
    const want = desiredFleet({
      loadBalancer: { ...d.loadBalancer, listeners: [...d.loadBalancer.listeners, { protocol: 'TCP', port: 8443, instanceProtocol: 'TCP', instancePort: 8443 }] },
    });
    const o = convergedWorld(d);
    o.loadBalancer!.listeners.push({ protocol: 'TCP', port: 22, instanceProtocol: 'TCP', instancePort: 22 });
    const steps = plan(want, o).steps;
    expect(steps.map((s) => [s.kind, s.params])).toEqual([
      ['deleteLoadBalancerListeners', { name: 'magento-elb', ports: [22] }],
      ['createLoadBalancerListeners', { name: 'magento-elb', listeners: [{ protocol: 'TCP', port: 8443, instanceProtocol: 'TCP', instancePort: 8443 }] }],
    ]);
  });
});
