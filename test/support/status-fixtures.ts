/**
 * Fixed fleet statuses for renderer tests and docs: a Ready fleet, a Progressing fleet in the
 * middle of a blue/green swap, and a Degraded fleet after a rolled-back deploy. All times are
 * relative to FIXTURE_NOW so output is deterministic.
 */
import type { Condition } from '../../src/model/status';
import { toFleetStatusList, type DeploymentStatus, type FleetEvent, type FleetStatus, type FleetStatusList, type InstanceStatus, type TimelinePoint } from '../../src/model/fleet-status';

export const FIXTURE_NOW = new Date('2026-01-03T12:00:00.000Z');
export const FAILING_INSTANCE_IDS = ['i-0abc1234def567890', 'i-0abc1234def567891'];
export const AMI = { base: 'ami-0a1b2c3d4e5f60001', r2: 'ami-0a1b2c3d4e5f60002', r3: 'ami-0a1b2c3d4e5f60003' };
const SUBNETS = ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002', 'subnet-0a1b2c3d4e5f60003'];

/** ISO time `s` seconds before FIXTURE_NOW. */
export function ago(s: number): string {
  return new Date(FIXTURE_NOW.getTime() - s * 1000).toISOString();
}

function cond(type: string, status: Condition['status'], reason: string, message: string, since: number): Condition {
  return { type, status, reason, message, lastTransitionTime: ago(since) };
}

function ev(fleet: string, s: number, type: FleetEvent['type'], reason: string, message: string, count?: number): FleetEvent {
  return { at: ago(s), type, reason, message, fleet, ...(count ? { count } : {}) };
}

type Sample = [offsetSeconds: number, blue: number, green: number, phase: string];

function timeline(startedAgo: number, desired: number, samples: Sample[]): TimelinePoint[] {
  return samples.map(([t, blueInService, greenInService, phase]) => ({ at: ago(startedAgo - t), blueInService, greenInService, desired, phase }));
}

function instances(group: string, color: InstanceStatus['color'], ami: string, ids: string[], launchedAgo: number): InstanceStatus[] {
  return ids.map((id) => ({ id, group, color, ami, state: 'running', elbHealth: 'InService', lifecycleState: 'InService', launchedAt: ago(launchedAgo) }));
}

const SWAP_SAMPLES: Sample[] = [
  [0, 4, 0, 'createGreenGroup'], [20, 4, 0, 'attachGreen'], [30, 4, 0, 'waitGreenHealthy'], [150, 4, 2, 'waitGreenHealthy'],
  [210, 4, 4, 'waitGreenHealthy'], [220, 4, 4, 'drainBlue'], [280, 0, 4, 'soak'], [520, 0, 4, 'scaleBlueToZero'], [560, 0, 4, 'keepPrevious'],
];

const marketplaceSwap: DeploymentStatus = {
  id: 'magento-marketplace-swap-2', kind: 'swap', fleet: 'magento-marketplace', generation: 2, fromAmi: AMI.base, toAmi: AMI.r2,
  commit: 'f3c9a1e07b2d4c58a6e1f0d9c8b7a6e5f4d3c2b1', phase: 'succeeded', result: 'Succeeded', startedAt: ago(94200), finishedAt: ago(93640),
  blue: { group: 'magento-marketplace-v001', inService: 0, desired: 0 }, green: { group: 'magento-marketplace-v002', inService: 4, desired: 4 },
  timeline: timeline(94200, 4, SWAP_SAMPLES),
};

const marketplaceBake: DeploymentStatus = {
  id: 'magento-marketplace-bake-f3c9a1e0', kind: 'bake', fleet: 'magento-marketplace', fromAmi: AMI.base, toAmi: AMI.r2,
  commit: 'f3c9a1e07b2d4c58a6e1f0d9c8b7a6e5f4d3c2b1', phase: 'succeeded', result: 'Succeeded', startedAt: ago(95100), finishedAt: ago(94210),
};

export const readyFleet: FleetStatus = {
  name: 'magento-marketplace',
  spec: {
    labels: { team: 'shop', tier: 'public' },
    region: 'eu-west-1', bake: { repository: 'https://github.com/acme/magento-marketplace.git', branch: 'main' }, instanceType: 'm5.large',
    min: 2, max: 8, desired: 4, strategy: 'blueGreen', loadBalancer: 'magento-marketplace', efs: 'magento-media', subnets: SUBNETS,
  },
  observed: {
    loadBalancerDns: 'magento-marketplace-1234567890.eu-west-1.elb.amazonaws.com', activeGroup: 'magento-marketplace-v002',
    groups: [{ name: 'magento-marketplace-v002', color: 'active', generation: 2, ami: AMI.r2, desired: 4, min: 2, max: 8, inService: 4, instances: 4 }],
    fileSystemId: 'fs-0a1b2c3d4e5f60718', launchTemplateId: 'lt-0a1b2c3d4e5f60101',
    alarms: [{ name: 'magento-marketplace-cpu-high', state: 'OK' }, { name: 'magento-marketplace-cpu-low', state: 'OK' }],
    instances: instances('magento-marketplace-v002', 'active', AMI.r2, ['i-0d1e2f3a4b5c60001', 'i-0d1e2f3a4b5c60002', 'i-0d1e2f3a4b5c60003', 'i-0d1e2f3a4b5c60004'], 94170),
  },
  ami: AMI.r2, commit: 'f3c9a1e07b2d4c58a6e1f0d9c8b7a6e5f4d3c2b1', ready: { inService: 4, desired: 4 }, phase: 'Ready',
  conditions: [
    cond('ManifestValid', 'True', 'Valid', 'manifest manifests/magento-marketplace.yaml is valid', 184000),
    cond('Ready', 'True', 'AllInstancesInService', '4 of 4 instances InService', 93640),
    cond('Progressing', 'False', 'DeploymentSucceeded', 'generation 2 rolled out', 93640),
    cond('Degraded', 'False', 'AsExpected', 'fleet matches its manifest', 93640),
  ],
  deployment: marketplaceSwap, history: [marketplaceSwap, marketplaceBake],
  events: [
    ev('magento-marketplace', 95100, 'Normal', 'BakeStarted', 'baking commit f3c9a1e0 of main from ami-0a1b2c3d4e5f60001'),
    ev('magento-marketplace', 94210, 'Normal', 'BakeSucceeded', 'baked ami-0a1b2c3d4e5f60002 from commit f3c9a1e0'),
    ev('magento-marketplace', 94200, 'Normal', 'SwapStarted', 'creating green magento-marketplace-v002 with ami-0a1b2c3d4e5f60002'),
    ev('magento-marketplace', 93990, 'Normal', 'GreenHealthy', 'green magento-marketplace-v002: 4 of 4 instances InService'),
    ev('magento-marketplace', 93640, 'Normal', 'SwapSucceeded', 'generation 2 rolled out; blue magento-marketplace-v001 kept at 0 for 1h'),
    ev('magento-marketplace', 90040, 'Normal', 'PreviousGroupDeleted', 'deleted blue magento-marketplace-v001'),
    ev('magento-marketplace', 300, 'Normal', 'Reconciled', 'no changes', 12),
  ],
  createdAt: ago(184000), updatedAt: ago(30), observedAt: ago(30),
};

const stagingSwap: DeploymentStatus = {
  id: 'magento-staging-swap-4', kind: 'swap', fleet: 'magento-staging', generation: 4, fromAmi: AMI.r2, toAmi: AMI.r3,
  phase: 'waitGreenHealthy', result: 'InProgress', startedAt: ago(130), timeoutAt: ago(-470),
  blue: { group: 'magento-staging-v003', inService: 4, desired: 4 }, green: { group: 'magento-staging-v004', inService: 3, desired: 4 },
  timeline: timeline(130, 4, [[0, 4, 0, 'createGreenGroup'], [15, 4, 0, 'attachGreen'], [25, 4, 0, 'waitGreenHealthy'], [95, 4, 1, 'waitGreenHealthy'], [110, 4, 3, 'waitGreenHealthy'], [130, 4, 3, 'waitGreenHealthy']]),
};

const stagingGreen: InstanceStatus[] = [
  ...instances('magento-staging-v004', 'green', AMI.r3, ['i-0e5f6a7b8c9d00011', 'i-0e5f6a7b8c9d00012', 'i-0e5f6a7b8c9d00013'], 110),
  { id: 'i-0e5f6a7b8c9d00014', group: 'magento-staging-v004', color: 'green', ami: AMI.r3, state: 'running', elbHealth: 'OutOfService', lifecycleState: 'InService', launchedAt: ago(110) },
];

export const progressingFleet: FleetStatus = {
  name: 'magento-staging',
  spec: { labels: { team: 'shop', tier: 'staging' }, region: 'eu-west-1', ami: AMI.r3, instanceType: 't3.large', min: 2, max: 4, desired: 4, strategy: 'blueGreen', loadBalancer: 'magento-staging', subnets: SUBNETS.slice(0, 2) },
  observed: {
    loadBalancerDns: 'magento-staging-987654321.eu-west-1.elb.amazonaws.com', activeGroup: 'magento-staging-v003',
    groups: [
      { name: 'magento-staging-v003', color: 'blue', generation: 3, ami: AMI.r2, desired: 4, min: 2, max: 4, inService: 4, instances: 4 },
      { name: 'magento-staging-v004', color: 'green', generation: 4, ami: AMI.r3, desired: 4, min: 2, max: 4, inService: 3, instances: 4 },
    ],
    launchTemplateId: 'lt-0a1b2c3d4e5f60202',
    alarms: [{ name: 'magento-staging-cpu-high', state: 'OK' }, { name: 'magento-staging-cpu-low', state: 'INSUFFICIENT_DATA' }],
    instances: [...instances('magento-staging-v003', 'blue', AMI.r2, ['i-0e5f6a7b8c9d00001', 'i-0e5f6a7b8c9d00002', 'i-0e5f6a7b8c9d00003', 'i-0e5f6a7b8c9d00004'], 7500), ...stagingGreen],
  },
  ami: AMI.r2, ready: { inService: 4, desired: 4 }, phase: 'Progressing',
  conditions: [
    cond('ManifestValid', 'True', 'Valid', 'manifest manifests/magento-staging.yaml is valid', 7600),
    cond('Ready', 'True', 'AllInstancesInService', 'blue magento-staging-v003: 4 of 4 instances InService', 7400),
    cond('Progressing', 'True', 'WaitingForHealthyInstances', 'green magento-staging-v004: 3 of 4 instances InService', 130),
    cond('Degraded', 'False', 'AsExpected', 'fleet matches its manifest', 7400),
  ],
  deployment: stagingSwap, history: [stagingSwap],
  events: [
    ev('magento-staging', 7600, 'Normal', 'FleetCreated', 'created load balancer, launch template and magento-staging-v003'),
    ev('magento-staging', 130, 'Normal', 'SwapStarted', 'manifest ami changed ami-0a1b2c3d4e5f60002 -> ami-0a1b2c3d4e5f60003'),
    ev('magento-staging', 20, 'Normal', 'WaitingForHealthyInstances', 'green magento-staging-v004: 3 of 4 instances InService', 3),
  ],
  createdAt: ago(7600), updatedAt: ago(5), observedAt: ago(5),
};

const b2bFailed: DeploymentStatus = {
  id: 'magento-b2b-swap-6', kind: 'swap', fleet: 'magento-b2b', generation: 6, fromAmi: AMI.r2, toAmi: AMI.r3, commit: '9b8a7c6d5e4f30211aa0bb1cc2dd3ee4ff556677',
  phase: 'rolledBack', result: 'RolledBack', reason: 'GreenHealthTimeout',
  message: `green magento-b2b-v006 had 2 of 4 instances InService after 10m; ${FAILING_INSTANCE_IDS.join(', ')} failed health check HTTP:80/health_check.php`,
  failingInstanceIds: FAILING_INSTANCE_IDS, startedAt: ago(1500), finishedAt: ago(780), timeoutAt: ago(870),
  blue: { group: 'magento-b2b-v005', inService: 3, desired: 4 }, green: { group: 'magento-b2b-v006', inService: 0, desired: 0 },
  timeline: timeline(1500, 4, [[0, 4, 0, 'createGreenGroup'], [20, 4, 0, 'waitGreenHealthy'], [200, 4, 2, 'waitGreenHealthy'], [630, 4, 2, 'restoreBlue'], [650, 4, 2, 'deleteGreen'], [700, 4, 0, 'deleteGreen'], [720, 4, 0, 'rolledBack']]),
};

const b2bPrevious: DeploymentStatus = {
  id: 'magento-b2b-swap-5', kind: 'swap', fleet: 'magento-b2b', generation: 5, fromAmi: AMI.base, toAmi: AMI.r2, commit: '1f2e3d4c5b6a79880011223344556677889900aa',
  phase: 'succeeded', result: 'Succeeded', startedAt: ago(360000), finishedAt: ago(359400),
};

export const degradedFleet: FleetStatus = {
  name: 'magento-b2b',
  spec: {
    region: 'eu-west-1', bake: { repository: 'https://github.com/acme/magento-b2b.git', branch: 'release' }, instanceType: 'c5.xlarge',
    min: 4, max: 12, desired: 4, strategy: 'blueGreen', loadBalancer: 'magento-b2b', efs: 'magento-b2b-media', subnets: SUBNETS,
  },
  observed: {
    loadBalancerDns: 'magento-b2b-555666777.eu-west-1.elb.amazonaws.com', activeGroup: 'magento-b2b-v005',
    groups: [{ name: 'magento-b2b-v005', color: 'active', generation: 5, ami: AMI.r2, desired: 4, min: 4, max: 12, inService: 3, instances: 4 }],
    fileSystemId: 'fs-0a1b2c3d4e5f60999', launchTemplateId: 'lt-0a1b2c3d4e5f60303',
    alarms: [{ name: 'magento-b2b-cpu-high', state: 'ALARM' }, { name: 'magento-b2b-cpu-low', state: 'OK' }],
    instances: [
      ...instances('magento-b2b-v005', 'active', AMI.r2, ['i-0f9e8d7c6b5a40001', 'i-0f9e8d7c6b5a40002', 'i-0f9e8d7c6b5a40003'], 359500),
      { id: 'i-0f9e8d7c6b5a40004', group: 'magento-b2b-v005', color: 'active', ami: AMI.r2, state: 'running', elbHealth: 'OutOfService', lifecycleState: 'InService', launchedAt: ago(359500) },
    ],
  },
  ami: AMI.r2, commit: '1f2e3d4c5b6a79880011223344556677889900aa', ready: { inService: 3, desired: 4 }, phase: 'Degraded',
  conditions: [
    cond('ManifestValid', 'True', 'Valid', 'manifest manifests/magento-b2b.yaml is valid', 400000),
    cond('Ready', 'False', 'InstancesOutOfService', '3 of 4 instances InService; i-0f9e8d7c6b5a40004 OutOfService', 600),
    cond('Progressing', 'False', 'DeploymentRolledBack', 'generation 6 rolled back to generation 5', 780),
    cond('Degraded', 'True', 'GreenHealthTimeout', b2bFailed.message ?? '', 780),
  ],
  deployment: b2bFailed, history: [b2bFailed, b2bPrevious],
  events: [
    ev('magento-b2b', 1500, 'Normal', 'SwapStarted', 'creating green magento-b2b-v006 with ami-0a1b2c3d4e5f60003'),
    ev('magento-b2b', 1100, 'Warning', 'InstanceUnhealthy', 'i-0abc1234def567890 OutOfService: Instance has failed at least the UnhealthyThreshold number of health checks consecutively', 4),
    ev('magento-b2b', 1080, 'Warning', 'InstanceUnhealthy', 'i-0abc1234def567891 OutOfService: Instance has failed at least the UnhealthyThreshold number of health checks consecutively', 4),
    ev('magento-b2b', 870, 'Warning', 'GreenHealthTimeout', 'green magento-b2b-v006 had 2 of 4 instances InService after 10m'),
    ev('magento-b2b', 860, 'Normal', 'RollbackStarted', 'restoring blue magento-b2b-v005'),
    ev('magento-b2b', 780, 'Warning', 'DeploymentRolledBack', 'generation 6 rolled back to generation 5 (ami-0a1b2c3d4e5f60002)'),
    ev('magento-b2b', 600, 'Warning', 'InstanceUnhealthy', 'i-0f9e8d7c6b5a40004 OutOfService in blue magento-b2b-v005'),
    ev('magento-b2b', 580, 'Warning', 'AlarmStateChanged', 'magento-b2b-cpu-high OK -> ALARM: CPUUtilization above 70% for 2 periods'),
  ],
  createdAt: ago(400000), updatedAt: ago(12), observedAt: ago(12),
};

export function fixtureList(): FleetStatusList {
  return toFleetStatusList([structuredClone(readyFleet), structuredClone(progressingFleet), structuredClone(degradedFleet)]);
}
