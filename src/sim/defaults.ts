/** The seeded contents of a fresh simulated account (the example manifest uses these ids). */
import { SimState } from './state';

export const REGION = 'eu-west-1';
export const ACCOUNT_ID = '123456789012';
export const VPC_ID = 'vpc-0a1b2c3d4e5f60718';

const BASE_AMIS: Array<[string, string]> = [
  ['ami-0a1b2c3d4e5f60001', 'magento-2.4.7-base'],
  ['ami-0a1b2c3d4e5f60002', 'magento-2.4.7-r2'],
  ['ami-0a1b2c3d4e5f60003', 'magento-2.4.7-r3'],
];

export function defaultState(startMs: number): SimState {
  const created = startMs - 30 * 86_400_000;
  const state: SimState = {
    region: REGION,
    accountId: ACCOUNT_ID,
    vpcId: VPC_ID,
    subnets: ['a', 'b', 'c'].map((letter, i) => ({
      id: `subnet-0a1b2c3d4e5f6000${i + 1}`,
      az: `${REGION}${letter}`,
      azId: `euw1-az${i + 1}`,
      cidr: `10.0.${i * 16}.0/20`,
      vpcId: VPC_ID,
      tags: { Name: `magento-private-${letter}` },
    })),
    securityGroups: {},
    images: {},
    instances: {},
    clientTokens: {},
    launchTemplates: {},
    groups: {},
    policies: {},
    hooks: {},
    refreshes: [],
    activities: [],
    loadBalancers: {},
    alarms: {},
    fileSystems: {},
    mountTargets: {},
    queues: {},
    brokenAmis: [],
    loads: {},
    buildResults: {},
    seq: 0,
  };
  state.securityGroups['sg-0a1b2c3d4e5f60000'] = {
    id: 'sg-0a1b2c3d4e5f60000',
    name: 'default',
    description: 'default VPC security group',
    vpcId: VPC_ID,
    tags: {},
    ingress: [{ protocol: '-1', cidrs: [], groups: [{ groupId: 'sg-0a1b2c3d4e5f60000' }] }],
  };
  state.securityGroups['sg-0a1b2c3d4e5f60001'] = {
    id: 'sg-0a1b2c3d4e5f60001',
    name: 'magento-web',
    description: 'Magento web instances',
    vpcId: VPC_ID,
    tags: { Name: 'magento-web' },
    ingress: [{ protocol: 'tcp', fromPort: 80, toPort: 80, cidrs: ['10.0.0.0/16'], groups: [] }],
  };
  for (const [id, name] of BASE_AMIS) {
    state.images[id] = { id, name, description: `Magento ${name}`, state: 'available', createdAt: created, tags: { Name: name }, snapshotId: `snap-${id.slice(4)}` };
  }
  return state;
}
