/**
 * The fleets a soak runs: up to five web tiers of different shapes, each baked from its own
 * GitLab repository, all on one event queue, deployed blue/green with short waits so a
 * virtual day holds many deployments.
 */

export const SOAK_QUEUE = 'drover-soak-events';

export interface SoakFleet {
  name: string;
  loadBalancer: string;
  instanceType: string;
  min: number;
  max: number;
  /** GitLab project path; its merges bake this fleet only. */
  project: string;
}

const SHAPES: Array<Omit<SoakFleet, 'loadBalancer' | 'project'>> = [
  { name: 'storefront', instanceType: 'c5.large', min: 2, max: 6 },
  { name: 'checkout', instanceType: 'm5.large', min: 2, max: 5 },
  { name: 'search', instanceType: 'c5.large', min: 1, max: 4 },
  { name: 'admin', instanceType: 't3.medium', min: 1, max: 3 },
  { name: 'media', instanceType: 't3.large', min: 2, max: 4 },
];

export const MAX_FLEETS = SHAPES.length;

export function soakFleets(count: number): SoakFleet[] {
  return SHAPES.slice(0, Math.max(1, Math.min(MAX_FLEETS, count))).map((s) => ({ ...s, loadBalancer: `${s.name}-elb`, project: `shop/${s.name}` }));
}

export function repositoryUrl(f: SoakFleet): string {
  return `git@gitlab.example.com:${f.project}.git`;
}

/** The fleet's manifest (bake timeout 30m, health checks every 10s, soak 2m, keep blue 10m). */
export function fleetManifest(f: SoakFleet): string {
  return `apiVersion: drover.dev/v1alpha1
kind: Fleet
metadata:
  name: ${f.name}
spec:
  region: eu-west-1
  network:
    subnets: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002, subnet-0a1b2c3d4e5f60003]
    securityGroups: [sg-0a1b2c3d4e5f60001]
  image:
    ami: ami-0a1b2c3d4e5f60001
    bake:
      baseAmi: ami-0a1b2c3d4e5f60001
      repository: ${repositoryUrl(f)}
      branch: master
      buildScript: make build
      builderInstanceType: c5.xlarge
      timeout: 30m
  instances:
    type: ${f.instanceType}
  capacity: {min: ${f.min}, max: ${f.max}, desired: ${f.min}}
  loadBalancer:
    name: ${f.loadBalancer}
    listeners:
      - {protocol: HTTP, port: 80, instanceProtocol: HTTP, instancePort: 80}
    healthCheck: {target: 'HTTP:80/health', interval: 10s, timeout: 5s, healthyThreshold: 2, unhealthyThreshold: 2}
    connectionDraining: 30s
    healthCheckGracePeriod: 60s
  scaling:
    scaleOut: {metric: CPUUtilization, threshold: 70, periods: 2, period: 60s, adjustment: 1, cooldown: 120s}
    scaleIn: {metric: CPUUtilization, threshold: 25, periods: 3, period: 60s, adjustment: -1, cooldown: 120s}
  deploy:
    strategy: blueGreen
    healthyTimeout: 10m
    soak: 2m
    keepPrevious: 10m
    rollbackOnAlarms: []
  events:
    queue: ${SOAK_QUEUE}
`;
}
