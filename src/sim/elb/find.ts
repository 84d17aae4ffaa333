/** Shared lookups for the classic ELB handlers. */
import { SimCore } from '../core';
import { LoadBalancerRec } from '../state';

export function findLb(sim: SimCore, name: string | undefined): LoadBalancerRec {
  const lb = name ? sim.state.loadBalancers[name] : undefined;
  if (!lb) throw sim.error('ElasticLoadBalancing', 'LoadBalancerNotFound', `There is no ACTIVE Load Balancer named '${name}'`);
  return lb;
}

export function validationError(sim: SimCore, message: string): Error {
  return sim.error('ElasticLoadBalancing', 'ValidationError', message);
}
