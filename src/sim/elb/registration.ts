/** Classic ELB instance registration, connection draining and DescribeInstanceHealth. */
import { SimCore } from '../core';
import { HandlerMap } from '../handler';
import { LoadBalancerRec } from '../state';
import { findLb } from './find';

export const HEALTH_TEXT = {
  registering: 'Instance registration is still in progress.',
  failed: 'Instance has failed at least the UnhealthyThreshold number of health checks consecutively.',
  draining: 'Instance deregistration currently in progress.',
  notRegistered: 'Instance is not currently registered with the LoadBalancer.',
};

export function registerInstance(sim: SimCore, lb: LoadBalancerRec, instanceId: string): void {
  const existing = lb.instances[instanceId];
  if (existing) {
    existing.drainingUntil = undefined;
    return;
  }
  lb.instances[instanceId] = {
    state: 'OutOfService',
    reasonCode: 'ELB',
    description: HEALTH_TEXT.registering,
    passes: 0,
    fails: 0,
    nextCheckAt: sim.now() + lb.healthCheck.interval * 1000,
  };
}

/** Deregister; with connection draining the instance keeps serving until the timeout. Returns when draining ends. */
export function deregisterInstance(sim: SimCore, lb: LoadBalancerRec, instanceId: string, drain = true): number {
  const reg = lb.instances[instanceId];
  if (!reg) return sim.now();
  if (reg.drainingUntil !== undefined) return reg.drainingUntil;
  if (!drain || !lb.attributes.draining || reg.state !== 'InService') {
    delete lb.instances[instanceId];
    return sim.now();
  }
  reg.drainingUntil = sim.now() + lb.attributes.drainingTimeout * 1000;
  reg.reasonCode = 'ELB';
  reg.description = HEALTH_TEXT.draining;
  return reg.drainingUntil;
}

/** Instances serving traffic: InService and not draining. */
export function inServiceIds(lb: LoadBalancerRec): string[] {
  return Object.entries(lb.instances)
    .filter(([, r]) => r.state === 'InService' && r.drainingUntil === undefined)
    .map(([id]) => id);
}

function checkInstances(sim: SimCore, input: any): string[] {
  const ids: string[] = ((input.Instances ?? []) as any[]).map((i) => i.InstanceId);
  const bad = ids.filter((id) => !sim.state.instances[id]);
  if (bad.length) throw sim.error('ElasticLoadBalancing', 'InvalidInstance', `The requested instance(s) '${bad.join(', ')}' are not valid EC2 instances`);
  return ids;
}

function registered(lb: LoadBalancerRec) {
  return Object.entries(lb.instances)
    .filter(([, r]) => r.drainingUntil === undefined)
    .map(([InstanceId]) => ({ InstanceId }));
}

function register(sim: SimCore, input: any) {
  const lb = findLb(sim, input.LoadBalancerName);
  for (const id of checkInstances(sim, input)) registerInstance(sim, lb, id);
  return { Instances: registered(lb) };
}

function deregister(sim: SimCore, input: any) {
  const lb = findLb(sim, input.LoadBalancerName);
  for (const id of checkInstances(sim, input)) deregisterInstance(sim, lb, id);
  return { Instances: registered(lb) };
}

function describeInstanceHealth(sim: SimCore, input: any) {
  const lb = findLb(sim, input.LoadBalancerName);
  const asked = input.Instances?.length ? checkInstances(sim, input) : Object.keys(lb.instances);
  return {
    InstanceStates: asked.map((id) => {
      const r = lb.instances[id];
      if (!r) return { InstanceId: id, State: 'OutOfService', ReasonCode: 'N/A', Description: HEALTH_TEXT.notRegistered };
      const ok = r.state === 'InService' && r.drainingUntil === undefined;
      return { InstanceId: id, State: r.state, ReasonCode: ok ? 'N/A' : r.reasonCode, Description: ok ? 'N/A' : r.description };
    }),
  };
}

export const REGISTRATION_HANDLERS: HandlerMap = {
  RegisterInstancesWithLoadBalancer: register,
  DeregisterInstancesFromLoadBalancer: deregister,
  DescribeInstanceHealth: describeInstanceHealth,
};
