/** Classic ELB configuration: health check, attributes, listeners. */
import { SimCore } from '../core';
import { HandlerMap } from '../handler';
import { findLb, validationError } from './find';
import { listenerIn } from './load-balancers';

function configureHealthCheck(sim: SimCore, input: any) {
  const lb = findLb(sim, input.LoadBalancerName);
  const hc = input.HealthCheck ?? {};
  const target = String(hc.Target ?? '');
  if (!/^(?:(?:HTTP|HTTPS):\d{1,5}\/.*|(?:TCP|SSL):\d{1,5})$/.test(target)) throw validationError(sim, `Invalid HealthCheck target: ${target}`);
  const interval = Number(hc.Interval);
  const timeout = Number(hc.Timeout);
  if (!(interval >= 5 && interval <= 300)) throw validationError(sim, 'HealthCheck Interval must be between 5 and 300');
  if (!(timeout >= 2 && timeout <= 60)) throw validationError(sim, 'HealthCheck Timeout must be between 2 and 60');
  if (timeout >= interval) throw validationError(sim, 'HealthCheck Timeout must be less than Interval');
  const healthy = Number(hc.HealthyThreshold);
  const unhealthy = Number(hc.UnhealthyThreshold);
  if (!(healthy >= 2 && healthy <= 10) || !(unhealthy >= 2 && unhealthy <= 10)) throw validationError(sim, 'HealthCheck thresholds must be between 2 and 10');
  lb.healthCheck = { target, interval, timeout, healthyThreshold: healthy, unhealthyThreshold: unhealthy };
  return { HealthCheck: { Target: target, Interval: interval, Timeout: timeout, HealthyThreshold: healthy, UnhealthyThreshold: unhealthy } };
}

function attributesOut(sim: SimCore, name: string) {
  const a = findLb(sim, name).attributes;
  return {
    CrossZoneLoadBalancing: { Enabled: a.crossZone },
    AccessLog: { Enabled: false },
    ConnectionDraining: { Enabled: a.draining, Timeout: a.drainingTimeout },
    ConnectionSettings: { IdleTimeout: a.idleTimeout },
    AdditionalAttributes: [],
  };
}

function describeAttributes(sim: SimCore, input: any) {
  return { LoadBalancerAttributes: attributesOut(sim, input.LoadBalancerName) };
}

function modifyAttributes(sim: SimCore, input: any) {
  const lb = findLb(sim, input.LoadBalancerName);
  const a = input.LoadBalancerAttributes ?? {};
  if (a.ConnectionDraining) {
    const t = a.ConnectionDraining.Timeout ?? lb.attributes.drainingTimeout;
    if (!(t >= 1 && t <= 3600)) throw validationError(sim, 'ConnectionDraining Timeout must be between 1 and 3600 seconds');
    lb.attributes.draining = !!a.ConnectionDraining.Enabled;
    lb.attributes.drainingTimeout = t;
  }
  if (a.CrossZoneLoadBalancing) lb.attributes.crossZone = !!a.CrossZoneLoadBalancing.Enabled;
  if (a.ConnectionSettings?.IdleTimeout !== undefined) lb.attributes.idleTimeout = a.ConnectionSettings.IdleTimeout;
  return { LoadBalancerName: lb.name, LoadBalancerAttributes: attributesOut(sim, lb.name) };
}

function createListeners(sim: SimCore, input: any) {
  const lb = findLb(sim, input.LoadBalancerName);
  for (const l of ((input.Listeners ?? []) as any[]).map(listenerIn)) {
    const existing = lb.listeners.find((x) => x.port === l.port);
    if (existing && JSON.stringify(existing) !== JSON.stringify(l)) {
      throw sim.error('ElasticLoadBalancing', 'DuplicateListener', `A listener already exists for ${lb.name} with LoadBalancerPort ${l.port}, but with a different InstancePort, Protocol, or SSLCertificateId`);
    }
    if (!existing) lb.listeners.push(l);
  }
  return {};
}

function deleteListeners(sim: SimCore, input: any) {
  const lb = findLb(sim, input.LoadBalancerName);
  const ports: number[] = (input.LoadBalancerPorts ?? []).map(Number);
  lb.listeners = lb.listeners.filter((l) => !ports.includes(l.port));
  return {};
}

export const ELB_CONFIG_HANDLERS: HandlerMap = {
  ConfigureHealthCheck: configureHealthCheck,
  DescribeLoadBalancerAttributes: describeAttributes,
  ModifyLoadBalancerAttributes: modifyAttributes,
  CreateLoadBalancerListeners: createListeners,
  DeleteLoadBalancerListeners: deleteListeners,
};
