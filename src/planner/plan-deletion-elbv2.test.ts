import type { ObservedElbV2, ObservedFleet, ObservedTargetGroup } from '../model/observed';
import { emptyWorld } from '../../test/support/planner/fixtures';
import { isFleetGone, planDeletion } from './plan-deletion';
import { elbV2DeletionBlocked } from './plan-deletion-elbv2';

const FLEET = 'shop';
const OWNED = { 'drover:fleet': FLEET, 'drover:managed-by': 'drover' };
const FOREIGN = { 'drover:fleet': 'platform-edge', 'drover:managed-by': 'drover' };

function tg(colour: string): ObservedTargetGroup {
  return {
    name: `shop-${colour}`, arn: `arn:tg/shop-${colour}`, protocol: 'HTTP', port: 80, tags: OWNED,
    healthCheck: { path: '/', intervalSeconds: 30, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2 }, deregistrationDelaySeconds: 30, targets: [],
  };
}

function world(v2: Partial<ObservedElbV2>, forward = [{ targetGroupName: 'shop-blue', weight: 100 }, { targetGroupName: 'shop-green', weight: 0 }]): ObservedFleet {
  const w = emptyWorld(FLEET);
  w.elbv2 = {
    name: 'shop', arn: 'arn:lb/shop', type: 'application', dnsName: 'shop.elb', tags: OWNED,
    listener: { arn: 'arn:listener/shop/80', protocol: 'HTTP', port: 80, forward, tags: OWNED },
    targetGroups: [tg('blue'), tg('green')],
    ...v2,
  };
  return w;
}

const kinds = (o: ObservedFleet) => planDeletion(o).steps.map((s) => `${s.kind} ${s.resource}`);

describe('planDeletion of an ALB fleet (pure)', () => {
  it('waits for the groups, then deletes its own load balancer, then (no listener naming them) the target groups', () => {
    const w = world({});
    expect(isFleetGone(w)).toBe(false);
    w.groups = [{ ...({} as any), name: 'shop-v001', tags: OWNED, min: 0, desired: 0, instances: [{ id: 'i-1' }], lifecycle: 'active' }];
    expect(kinds(w).filter((k) => !k.startsWith('updateAutoScalingGroup'))).toEqual([]);
    w.groups = [];
    expect(kinds(w)).toEqual(['deleteElbV2LoadBalancer loadBalancer/shop']);
    const gone = world({ arn: '', tags: {}, listener: undefined, notOwned: 'missing' });
    expect(kinds(gone)).toEqual(['deleteTargetGroup targetGroup/shop-blue', 'deleteTargetGroup targetGroup/shop-green']);
    expect(isFleetGone({ ...gone, elbv2: { ...gone.elbv2!, targetGroups: [] } })).toBe(true);
  });

  it("on someone else's load balancer: deletes drover's own listener, keeps their load balancer", () => {
    const w = world({ tags: FOREIGN, notOwned: 'foreign' });
    expect(kinds(w)).toEqual(['deleteElbV2Listener listener/shop:80']);
  });

  it("on someone else's listener: takes only the fleet's weights out, keeping theirs; target groups the listener still names wait", () => {
    const w = world({ tags: FOREIGN, notOwned: 'foreign' }, [{ targetGroupName: 'arn:tg/edge', weight: 50 }, { targetGroupName: 'shop-blue', weight: 50 }]);
    w.elbv2!.listener!.tags = FOREIGN;
    const steps = planDeletion(w).steps;
    expect(steps.map((s) => s.kind)).toEqual(['removeFromElbV2Listener', 'deleteTargetGroup']);
    expect(steps[0]!.params).toEqual({ loadBalancerName: 'shop', listenerArn: 'arn:listener/shop/80', keep: [{ arn: 'arn:tg/edge', weight: 50 }] });
    expect(steps[1]!.resource).toBe('targetGroup/shop-green');
    expect(elbV2DeletionBlocked(w)).toEqual([]);
  });

  it("is blocked, saying what to do, when someone else's listener forwards only to the fleet's target groups", () => {
    const w = world({ tags: FOREIGN, notOwned: 'foreign' });
    w.elbv2!.listener!.tags = {};
    expect(kinds(w)).toEqual([]);
    expect(elbV2DeletionBlocked(w)).toEqual([
      "listener HTTP:80 of load balancer shop is not drover's and forwards only to the fleet's target groups (shop-blue, shop-green); point it at another target group, then run the deletion again",
    ]);
    expect(isFleetGone(w)).toBe(false);
  });
});
