/** Read-only views of the simulated account for tests and the CLI (copies, never live records). */
import { clone } from './clone';
import { SimCore } from './core';
import { inServiceIds } from './elb/registration';

export function viewInstances(sim: SimCore) {
  return Object.values(sim.state.instances)
    .filter((i) => i.goneAt === undefined || i.goneAt > sim.now())
    .map((i) => ({
      id: i.id,
      state: i.state,
      imageId: i.imageId,
      instanceType: i.instanceType,
      subnetId: i.subnetId,
      availabilityZone: i.az,
      tags: { ...i.tags },
      group: i.group,
      launchedAt: i.launchedAt,
      console: i.console,
      buildCommit: i.build?.commit,
    }));
}

export function viewGroups(sim: SimCore) {
  return Object.values(sim.state.groups).map((g) => ({
    name: g.name,
    min: g.min,
    max: g.max,
    desired: g.desired,
    launchTemplate: { ...g.launchTemplate },
    loadBalancers: [...g.loadBalancers],
    targetGroups: [...(g.targetGroups ?? [])],
    suspended: g.suspended.map((s) => s.process),
    deleting: !!g.deleting,
    instances: Object.values(g.instances).map((i) => ({ id: i.id, lifecycle: i.lifecycle, health: i.health, az: i.az, version: i.launchTemplate.version })),
  }));
}

export function viewLoadBalancer(sim: SimCore, name: string) {
  const lb = sim.state.loadBalancers[name];
  return lb ? clone(lb) : undefined;
}

export function inServiceCount(sim: SimCore, name: string): number {
  const lb = sim.state.loadBalancers[name];
  return lb ? inServiceIds(lb).length : 0;
}

export function drainingCount(sim: SimCore, name: string): number {
  const lb = sim.state.loadBalancers[name];
  return lb ? Object.values(lb.instances).filter((r) => r.drainingUntil !== undefined).length : 0;
}

export function peekQueue(sim: SimCore, name: string) {
  const q = sim.state.queues[name];
  if (!q) return [];
  return q.messages.map((m) => ({ id: m.id, body: m.body, receiveCount: m.receiveCount, visible: m.visibleAt <= sim.now(), sentAt: m.sentAt }));
}
