/** planTargetGroups: creates what is missing in order, modifies drifted target groups and listeners, never touches weights. */
import type { DesiredFleet } from '../model/fleet';
import type { ObservedElbV2, ObservedFleet } from '../model/observed';
import { planTargetGroups, servingTargetGroup } from './plan-target-group';

const TG = { protocol: 'HTTP' as const, port: 80, healthCheck: { path: '/h', intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 3 }, deregistrationDelaySeconds: 30 };
const desired = {
  name: 'shop',
  network: { subnets: ['subnet-1'], securityGroups: ['sg-1'] },
  loadBalancer: { name: 'shop', elbv2: { type: 'application', listener: { protocol: 'HTTP', port: 80 }, targetGroup: TG } },
} as unknown as DesiredFleet;

function observedTg(name: string, over: Partial<typeof TG> = {}) {
  const t = { ...TG, ...over };
  return { name, arn: `arn:${name}`, protocol: t.protocol, port: t.port, tags: {}, healthCheck: t.healthCheck, deregistrationDelaySeconds: t.deregistrationDelaySeconds, targets: [] };
}

function observed(elbv2?: Partial<ObservedElbV2>): ObservedFleet {
  const base: ObservedElbV2 = {
    name: 'shop', arn: 'arn:lb', type: 'application', dnsName: 'x', tags: {},
    listener: { arn: 'arn:l', protocol: 'HTTP', port: 80, forward: [{ targetGroupName: 'shop-blue', weight: 100 }] },
    targetGroups: [observedTg('shop-blue'), observedTg('shop-green')],
  };
  return { name: 'shop', groups: [], alarms: [], policies: [], conflicts: [], readCalls: 0, ...(elbv2 ? { elbv2: { ...base, ...elbv2 } } : {}) };
}

describe('planTargetGroups', () => {
  it('creates the load balancer, both target groups, then the listener forwarding to blue', () => {
    const steps = planTargetGroups(desired, observed());
    expect(steps.map((s) => `${s.kind} ${s.resource}`)).toEqual([
      'createElbV2LoadBalancer loadBalancer/shop',
      'createTargetGroup targetGroup/shop-blue',
      'createTargetGroup targetGroup/shop-green',
      'createElbV2Listener listener/shop:80',
    ]);
    expect(steps[3]!.params).toMatchObject({ targetGroupName: 'shop-blue' });
  });

  it('plans nothing in steady state, whatever the weights (the swap owns them)', () => {
    expect(planTargetGroups(desired, observed({}))).toEqual([]);
    const mid = observed({ listener: { arn: 'arn:l', protocol: 'HTTP', port: 80, forward: [{ targetGroupName: 'shop-blue', weight: 10 }, { targetGroupName: 'shop-green', weight: 90 }] } });
    expect(planTargetGroups(desired, mid)).toEqual([]);
    expect(servingTargetGroup(desired, mid)).toBe('shop-green');
  });

  it('modifies a drifted target group and listener, and re-creates a missing group', () => {
    const drifted = observed({
      listener: { arn: 'arn:l', protocol: 'HTTP', port: 8080, forward: [] },
      targetGroups: [observedTg('shop-blue', { deregistrationDelaySeconds: 300, healthCheck: { ...TG.healthCheck, path: '/' } })],
    });
    const steps = planTargetGroups(desired, drifted);
    expect(steps.map((s) => [s.kind, s.reason])).toEqual([
      ['modifyTargetGroup', 'health check path is /, manifest says /h; deregistration delay is 300s, manifest says 30s'],
      ['createTargetGroup', 'target group is missing'],
      ['modifyElbV2Listener', 'listener port is 8080, manifest says 80'],
    ]);
  });

  it('plans nothing for a Classic ELB fleet', () => {
    expect(planTargetGroups({ ...desired, loadBalancer: { name: 'shop' } } as unknown as DesiredFleet, observed())).toEqual([]);
  });
});
