/**
 * Deleting an ELBv2 fleet's load-balancing part, once none of its groups is left (their instances
 * were targets): the load balancer when drover owns it (its listeners go with it); otherwise drover's
 * own listener, or, on someone else's listener, only the forward weights to the fleet's target groups;
 * then, with no listener naming them any more, the fleet's target groups. Someone else's load
 * balancer and listener stay. A listener that is not drover's and forwards only to the fleet's
 * target groups cannot be left without a target: deletion is blocked, and says why. Pure.
 */
import { isOwnedBy } from '../model/names';
import type { ObservedFleet } from '../model/observed';
import type { PlanStep } from '../model/plan';
import { step } from './steps';

const WHY = 'the fleet is being deleted';

function parts(observed: ObservedFleet) {
  const v2 = observed.elbv2;
  const fleet = observed.name;
  const targetGroups = (v2?.targetGroups ?? []).filter((t) => isOwnedBy(t.tags, fleet));
  const lbOwned = !!v2 && !v2.notOwned && isOwnedBy(v2.tags, fleet);
  const l = v2?.listener;
  // Without read tags (not deleting), the listener of drover's own load balancer is drover's.
  const listenerOwned = !!l && (l.tags ? isOwnedBy(l.tags, fleet) : lbOwned);
  const ours = new Set(targetGroups.map((t) => t.name));
  const uses = (l?.forward ?? []).filter((f) => ours.has(f.targetGroupName));
  const others = (l?.forward ?? []).filter((f) => !ours.has(f.targetGroupName));
  return { v2, targetGroups, lbOwned, l, listenerOwned, uses, others };
}

/** The next steps for the ELBv2 part; none while any group of the fleet is left. */
export function planElbV2Deletion(observed: ObservedFleet, groupsLeft: boolean): PlanStep[] {
  const { v2, targetGroups, lbOwned, l, listenerOwned, uses, others } = parts(observed);
  if (!v2 || groupsLeft) return [];
  if (lbOwned) return [step('deleteElbV2LoadBalancer', `loadBalancer/${v2.name}`, `${WHY}: no group is attached`, { name: v2.name, arn: v2.arn })];
  const steps: PlanStep[] = [];
  if (l && listenerOwned) {
    steps.push(step('deleteElbV2Listener', `listener/${v2.name}:${l.port}`, `${WHY}: drover made it`, { name: `${l.protocol}:${l.port} of ${v2.name}`, arn: l.arn }));
  } else if (l && uses.length && others.length) {
    const keep = others.map((f) => ({ arn: f.targetGroupName, weight: f.weight }));
    steps.push(step('removeFromElbV2Listener', `listener/${v2.name}:${l.port}`, `${WHY}: the listener is not drover's; it keeps forwarding to its other target groups`, { loadBalancerName: v2.name, listenerArn: l.arn, keep }));
  }
  const named = new Set(l ? l.forward.map((f) => f.targetGroupName) : []);
  for (const t of targetGroups.filter((x) => !named.has(x.name))) {
    steps.push(step('deleteTargetGroup', `targetGroup/${t.name}`, `${WHY}: no listener forwards to it`, { name: t.name, arn: t.arn }));
  }
  return steps;
}

/** Why deletion cannot go on without the user (someone else's listener forwards only to the fleet's groups). */
export function elbV2DeletionBlocked(observed: ObservedFleet): string[] {
  const { v2, lbOwned, l, listenerOwned, uses, others } = parts(observed);
  if (observed.groups.some((g) => isOwnedBy(g.tags, observed.name))) return [];
  if (!v2 || lbOwned || !l || listenerOwned || !uses.length || others.length) return [];
  const names = uses.map((u) => u.targetGroupName).join(', ');
  return [`listener ${l.protocol}:${l.port} of load balancer ${v2.name} is not drover's and forwards only to the fleet's target groups (${names}); point it at another target group, then run the deletion again`];
}

/** Anything of the ELBv2 part drover owns for the fleet is left. */
export function elbV2Left(observed: ObservedFleet): boolean {
  const { v2, targetGroups, lbOwned, listenerOwned } = parts(observed);
  return !!v2 && (lbOwned || listenerOwned || targetGroups.length > 0);
}
