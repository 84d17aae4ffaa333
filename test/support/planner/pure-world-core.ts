/** Shared parts of the pure world (see pure-world.ts): refusals, ownership checks and lookups. */
import type { DesiredFleet } from '../../../src/model/fleet';
import { isOwnedBy } from '../../../src/model/names';
import type { NameConflict, ObservedFleet, ObservedLoadBalancer, Tags } from '../../../src/model/observed';
import type { PlanStep, PlanStepKind } from '../../../src/model/plan';
import type { PlanStepParams } from '../../../src/model/plan-params';

export class PureWorldViolation extends Error {}
export class PureWorldWait extends Error {}

export interface PureWorldOptions {
  /** The observer reads lifecycle hooks (daemon mode): new groups come with `lifecycleHooks: []`. */
  observeHooks?: boolean;
}

export interface World {
  o: ObservedFleet;
  d: DesiredFleet;
  opts: PureWorldOptions;
}

/** What one kind of step does to the world, given that kind's params. */
export type Handler<K extends PlanStepKind = PlanStepKind> = (w: World, p: PlanStepParams[K], s: PlanStep<K>) => void;
/** Handlers by kind, each typed by its kind's params. */
export type Handlers = { [K in PlanStepKind]?: Handler<K> };

export const PURE_IDS = {
  fileSystem: 'fs-0pure00000000001',
  securityGroup: 'sg-0pure00000000001',
  launchTemplate: 'lt-0pure00000000001',
};

/** A name held by a resource without drover's tags: touching it is a violation. */
export function refuseTaken(w: World, type: NameConflict['resourceType'], name: string, what: string): void {
  if (w.o.conflicts.some((c) => c.resourceType === type && c.name === name)) {
    throw new PureWorldViolation(`${what}: ${type} ${name} belongs to someone else (no drover tags)`);
  }
}

export function requireOwned(w: World, tags: Tags, what: string): void {
  if (!isOwnedBy(tags, w.d.name)) throw new PureWorldViolation(`${what}: the resource lacks drover's tags for fleet ${w.d.name}`);
}

export function zoneOfSubnet(w: World, subnet: string): string {
  return w.o.subnetZones?.[subnet] ?? subnet;
}

export function lbNamed(w: World, name: string, what: string): ObservedLoadBalancer {
  refuseTaken(w, 'loadBalancer', name, what);
  const lb = w.o.loadBalancer;
  if (!lb || lb.name !== name) throw new PureWorldWait(`${what}: load balancer ${name} does not exist`);
  requireOwned(w, lb.tags, what);
  return lb;
}

/** Register InService instances of every group attached to the load balancer (AWS does this for attached groups). */
export function syncRegistrations(w: World): void {
  const lb = w.o.loadBalancer;
  if (!lb) return;
  for (const g of w.o.groups.filter((x) => x.loadBalancerNames.includes(lb.name))) {
    for (const i of g.instances.filter((x) => x.lifecycle === 'inService')) {
      if (!lb.instances.some((x) => x.id === i.id)) lb.instances.push({ id: i.id, state: 'InService' });
    }
  }
}

export function fileSystemOf(w: World, p: { fileSystemId?: string; creationToken?: string }, what: string) {
  if (p.creationToken) refuseTaken(w, 'fileSystem', p.creationToken, what);
  const fs = w.o.fileSystem;
  const match = fs && (p.fileSystemId ? fs.id === p.fileSystemId : fs.creationToken === p.creationToken);
  if (!fs || !match) throw new PureWorldWait(`${what}: file system ${p.fileSystemId ?? p.creationToken} does not exist`);
  requireOwned(w, fs.tags, what);
  return fs;
}
