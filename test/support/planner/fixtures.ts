/**
 * Builders for planner and status tests: a realistic desired fleet and the observed world in
 * which that fleet is exactly converged. Tests then bend one field and look at the plan.
 */
import type { DesiredFleet, ScalingRule } from '../../../src/model/fleet';
import { groupName, ownershipTags, resourceNames, TAG_GENERATION } from '../../../src/model/names';
import type { ObservedFleet, ObservedGroup, ObservedLoadBalancer } from '../../../src/model/observed';
import { renderUserData } from '../../../src/planner/user-data';

export const FIXTURE = {
  region: 'eu-west-1',
  subnets: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002', 'subnet-0a1b2c3d4e5f60003'],
  zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  securityGroup: 'sg-0a1b2c3d4e5f60001',
  amis: ['ami-0a1b2c3d4e5f60001', 'ami-0a1b2c3d4e5f60002', 'ami-0a1b2c3d4e5f60003'],
  fileSystemId: 'fs-0123456789abcdef0',
  efsSecurityGroupId: 'sg-0efs000000000001',
  launchTemplateId: 'lt-0123456789abcdef0',
};

export function desiredFleet(overrides: Partial<DesiredFleet> = {}): DesiredFleet {
  const scaleRule = { metric: 'CPUUtilization' as const, periods: 2, periodSeconds: 60, cooldownSeconds: 300 };
  return {
    name: 'magento-marketplace',
    source: { file: 'magento-marketplace.yaml', line: 1 },
    labels: {},
    region: FIXTURE.region,
    network: { subnets: [...FIXTURE.subnets], securityGroups: [FIXTURE.securityGroup] },
    image: { ami: FIXTURE.amis[0] },
    instances: { type: 't3.medium', userData: '#!/bin/bash\necho hello > /tmp/hello\n' },
    capacity: { min: 2, max: 6, desired: 2 },
    loadBalancer: {
      name: 'magento-elb',
      listeners: [{ protocol: 'HTTP', port: 80, instanceProtocol: 'HTTP', instancePort: 80 }],
      healthCheck: { target: 'HTTP:80/health_check.php', intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 3 },
      connectionDrainingSeconds: 30,
      crossZone: true,
      healthCheckGracePeriodSeconds: 300,
    },
    storage: { efs: { name: 'magento-media', mountPath: '/var/www/shared', encrypted: true, performanceMode: 'generalPurpose' } },
    scaling: { scaleOut: { ...scaleRule, threshold: 70, adjustment: 1 }, scaleIn: { ...scaleRule, threshold: 20, adjustment: -1 } },
    deploy: { strategy: 'blueGreen', healthyTimeoutSeconds: 600, soakSeconds: 300, keepPreviousSeconds: 3600, rollbackOnAlarms: [], minHealthyPercent: 90 },
    ...overrides,
  };
}

export function emptyWorld(fleet: string): ObservedFleet {
  return { name: fleet, groups: [], alarms: [], policies: [], conflicts: [], readCalls: 0 };
}

function instances(d: DesiredFleet, count: number): ObservedGroup['instances'] {
  return Array.from({ length: count }, (_, i) => ({
    id: `i-0000000000000000${i}`,
    lifecycle: 'inService' as const,
    lifecycleState: 'InService',
    healthStatus: 'Healthy' as const,
    availabilityZone: FIXTURE.zones[i % FIXTURE.zones.length],
    launchTemplateVersion: '1',
  }));
}

function group(d: DesiredFleet): ObservedGroup {
  const name = groupName(d.name, 1);
  return {
    name,
    tags: { ...ownershipTags(d.name), [TAG_GENERATION]: '1' },
    generation: 1,
    launchTemplate: { id: FIXTURE.launchTemplateId, version: '1' },
    min: d.capacity.min,
    max: d.capacity.max,
    desired: d.capacity.desired,
    subnets: [...d.network.subnets],
    loadBalancerNames: [d.loadBalancer.name],
    healthCheckType: 'ELB',
    healthCheckGracePeriodSeconds: d.loadBalancer.healthCheckGracePeriodSeconds,
    suspendedProcesses: [],
    instances: instances(d, d.capacity.desired),
    createdTime: '2026-01-01T00:00:00.000Z',
    lifecycle: 'active',
  };
}

function policyArn(group: string, policy: string): string {
  return `arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:0:autoScalingGroupName/${group}:policyName/${policy}`;
}

function scalingWorld(d: DesiredFleet, group: string): Pick<ObservedFleet, 'alarms' | 'policies'> {
  const s = d.scaling;
  if (!s) return { alarms: [], policies: [] };
  const n = resourceNames(d.name);
  const alarm = (name: string, policy: string, comparison: string, rule: ScalingRule) => ({
    name,
    arn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${name}`,
    tags: ownershipTags(d.name),
    metric: 'CPUUtilization',
    namespace: 'AWS/EC2',
    comparison,
    threshold: rule.threshold,
    periods: rule.periods,
    periodSeconds: rule.periodSeconds,
    statistic: 'Average',
    dimensions: { AutoScalingGroupName: group },
    actions: [policyArn(group, policy)],
    state: 'OK' as const,
  });
  const policy = (name: string, rule: ScalingRule) => ({
    name,
    arn: policyArn(group, name),
    groupName: group,
    adjustment: rule.adjustment,
    adjustmentType: 'ChangeInCapacity',
    cooldownSeconds: rule.cooldownSeconds,
  });
  return {
    alarms: [
      alarm(n.scaleOutAlarm, n.scaleOutPolicy, 'GreaterThanOrEqualToThreshold', s.scaleOut),
      alarm(n.scaleInAlarm, n.scaleInPolicy, 'LessThanOrEqualToThreshold', s.scaleIn),
    ],
    policies: [policy(n.scaleOutPolicy, s.scaleOut), policy(n.scaleInPolicy, s.scaleIn)],
  };
}

function storageWorld(d: DesiredFleet): Pick<ObservedFleet, 'fileSystem' | 'efsSecurityGroup'> {
  const efs = d.storage?.efs;
  if (!efs) return {};
  const tags = ownershipTags(d.name);
  const n = resourceNames(d.name);
  return {
    fileSystem: {
      id: FIXTURE.fileSystemId,
      arn: `arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/${FIXTURE.fileSystemId}`,
      name: efs.name,
      creationToken: n.efsCreationToken,
      lifeCycleState: 'available',
      encrypted: efs.encrypted,
      performanceMode: efs.performanceMode,
      tags,
      mountTargets: d.network.subnets.map((subnetId, i) => ({
        id: `fsmt-000000000000000${i}`,
        subnetId,
        lifeCycleState: 'available',
        availabilityZone: FIXTURE.zones[i % FIXTURE.zones.length],
      })),
    },
    efsSecurityGroup: { id: FIXTURE.efsSecurityGroupId, name: n.efsSecurityGroup, tags, nfsIngressFrom: [...d.network.securityGroups] },
  };
}

function loadBalancerWorld(d: DesiredFleet, g: ObservedGroup): ObservedLoadBalancer {
  const lb = d.loadBalancer;
  return {
    name: lb.name,
    dnsName: `${lb.name}-123.eu-west-1.elb.amazonaws.com`,
    tags: ownershipTags(d.name),
    listeners: lb.listeners.map((l) => ({ ...l })),
    subnets: [...d.network.subnets],
    securityGroups: [...d.network.securityGroups],
    healthCheck: { ...lb.healthCheck },
    connectionDrainingEnabled: lb.connectionDrainingSeconds > 0,
    connectionDrainingSeconds: lb.connectionDrainingSeconds || 300,
    crossZone: lb.crossZone,
    instances: g.instances.map((i) => ({ id: i.id, state: 'InService' as const })),
  };
}

/** The world in which `d` is exactly converged and all instances are InService. */
export function convergedWorld(d: DesiredFleet = desiredFleet()): ObservedFleet {
  const g = group(d);
  const efs = d.storage?.efs;
  const mount = efs ? { fileSystemId: FIXTURE.fileSystemId, region: d.region, mountPath: efs.mountPath } : undefined;
  const ami = d.image.ami ?? d.image.bake!.baseAmi;
  return {
    name: d.name,
    loadBalancer: loadBalancerWorld(d, g),
    launchTemplate: {
      id: FIXTURE.launchTemplateId,
      name: resourceNames(d.name).launchTemplate,
      tags: ownershipTags(d.name),
      defaultVersion: 1,
      latestVersion: 1,
      imageId: ami,
      instanceType: d.instances.type,
      ...(d.instances.keyName ? { keyName: d.instances.keyName } : {}),
      securityGroups: [...d.network.securityGroups],
      userData: renderUserData(d.instances.userData, mount),
      versionImages: { '1': ami },
    },
    groups: [g],
    ...storageWorld(d),
    ...scalingWorld(d, g.name),
    conflicts: [],
    readCalls: 0,
    subnetZones: Object.fromEntries(d.network.subnets.map((s, i) => [s, FIXTURE.zones[i % FIXTURE.zones.length]])),
  };
}
