/**
 * The fleets the multi-replica harness runs: small blue/green web tiers with short health
 * checks, soak and draining, so a swap takes a few virtual minutes. Their AMIs exist in every
 * fresh simulated account.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WatchedFleet } from './sim-monitor';

export const REPLICA_QUEUE = 'drover-replicas-events';
export const AMIS = ['ami-0a1b2c3d4e5f60001', 'ami-0a1b2c3d4e5f60002', 'ami-0a1b2c3d4e5f60003'];

export interface ReplicaFleet extends WatchedFleet {
  ami: string;
  /** Bake from this repository's master branch (a GitLab merge to it is a bake request for every such fleet). */
  bakeRepository?: string;
}

/** The repository the harness's fleets bake from, when they bake. */
export const REPLICA_REPOSITORY = 'git@gitlab.example.com:shop/web.git';

export function replicaFleets(count: number, opts: { bake?: boolean } = {}): ReplicaFleet[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `web-${String(i + 1).padStart(2, '0')}`;
    return { name, loadBalancer: `${name}-elb`, desired: 1 + (i % 2), ami: AMIS[0], ...(opts.bake ? { bakeRepository: REPLICA_REPOSITORY } : {}) };
  });
}

function bakeSpec(f: ReplicaFleet): string {
  if (!f.bakeRepository) return '';
  return `
    bake:
      baseAmi: ${AMIS[0]}
      repository: ${f.bakeRepository}
      branch: master
      buildScript: make
      builderInstanceType: c5.large
      timeout: 30m`;
}

export function fleetManifest(f: ReplicaFleet): string {
  return `apiVersion: drover.dev/v1alpha1
kind: Fleet
metadata:
  name: ${f.name}
spec:
  region: eu-west-1
  network:
    subnets: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]
    securityGroups: [sg-0a1b2c3d4e5f60001]
  image:
    ami: ${f.ami}${bakeSpec(f)}
  instances:
    type: t3.small
  capacity: {min: ${f.desired}, max: ${f.desired + 2}, desired: ${f.desired}}
  loadBalancer:
    name: ${f.loadBalancer}
    listeners:
      - {protocol: HTTP, port: 80, instanceProtocol: HTTP, instancePort: 80}
    healthCheck: {target: 'HTTP:80/health', interval: 5s, timeout: 2s, healthyThreshold: 2, unhealthyThreshold: 2}
    connectionDraining: 10s
    healthCheckGracePeriod: 60s
  deploy:
    strategy: blueGreen
    healthyTimeout: 10m
    soak: 30s
    keepPrevious: 0s
    rollbackOnAlarms: []
  events:
    queue: ${REPLICA_QUEUE}
`;
}

/** Write every fleet's manifest into `dir` (atomically, so a watching daemon never reads half a file). */
export function writeFleets(dir: string, fleets: ReplicaFleet[]): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fleets) writeFleet(dir, f);
}

export function writeFleet(dir: string, f: ReplicaFleet): void {
  const file = path.join(dir, `${f.name}.yaml`);
  fs.writeFileSync(`${file}.tmp`, fleetManifest(f));
  fs.renameSync(`${file}.tmp`, file);
}
