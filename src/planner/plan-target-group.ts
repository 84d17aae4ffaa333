/**
 * An ELBv2 fleet's load balancer, listener and two target groups (`<fleet>-blue`, `<fleet>-green`):
 * existence, health checks, deregistration delay and the listener's port and protocol. The
 * listener's forward weights are the deployment's business (the swap and the canary move them),
 * so drift there is never planned here; a new listener forwards to blue at weight 100.
 */
import type { DesiredFleet, DesiredTargetGroup } from '../model/fleet';
import type { ObservedElbV2, ObservedFleet, ObservedTargetGroup } from '../model/observed';
import type { PlanStep } from '../model/plan';
import { TARGET_GROUP_COLOURS, targetGroupName } from '../model/target-groups';
import { drift, step } from './steps';

export function planTargetGroups(desired: DesiredFleet, observed: ObservedFleet): PlanStep[] {
  const want = desired.loadBalancer.elbv2;
  if (!want) return [];
  const name = desired.loadBalancer.name;
  const resource = `loadBalancer/${name}`;
  const have = observed.elbv2;
  const steps: PlanStep[] = [];
  if (!have) {
    steps.push(
      step('createElbV2LoadBalancer', resource, `${want.type} load balancer is missing`, {
        fleet: desired.name,
        name,
        type: want.type,
        subnets: desired.network.subnets,
        securityGroups: desired.network.securityGroups,
      }),
    );
  }
  for (const colour of TARGET_GROUP_COLOURS) {
    const tgName = targetGroupName(desired.name, colour);
    const tg = have?.targetGroups.find((t) => t.name === tgName);
    if (!tg) {
      steps.push(
        step('createTargetGroup', `targetGroup/${tgName}`, 'target group is missing', { fleet: desired.name, name: tgName, loadBalancerName: name, targetGroup: want.targetGroup }),
      );
      continue;
    }
    const reason = targetGroupDrift(tg, want.targetGroup);
    if (reason) steps.push(step('modifyTargetGroup', `targetGroup/${tgName}`, reason, { name: tgName, targetGroup: want.targetGroup }));
  }
  steps.push(...listenerSteps(desired, have));
  return steps;
}

function listenerSteps(desired: DesiredFleet, have: ObservedElbV2 | undefined): PlanStep[] {
  const want = desired.loadBalancer.elbv2!.listener;
  const name = desired.loadBalancer.name;
  const resource = `listener/${name}:${want.port}`;
  const l = have?.listener;
  if (!l) {
    const params = { fleet: desired.name, loadBalancerName: name, listener: want, targetGroupName: targetGroupName(desired.name, 'blue'), standbyTargetGroupName: targetGroupName(desired.name, 'green') };
    return [step('createElbV2Listener', resource, 'listener is missing', params)];
  }
  const reasons: string[] = [];
  if (l.port !== want.port) reasons.push(drift('listener port', l.port, want.port));
  if (l.protocol !== want.protocol) reasons.push(drift('listener protocol', l.protocol, want.protocol));
  if ((l.certificateArn ?? '') !== (want.certificateArn ?? '')) reasons.push(drift('listener certificate', l.certificateArn, want.certificateArn));
  return reasons.length ? [step('modifyElbV2Listener', resource, reasons.join('; '), { loadBalancerName: name, port: l.port, listener: want })] : [];
}

/** Fields a target group can change in place; protocol and port cannot (that needs a new group). */
function targetGroupDrift(tg: ObservedTargetGroup, want: DesiredTargetGroup): string | undefined {
  const h = tg.healthCheck;
  const w = want.healthCheck;
  const fields: Array<[string, unknown, unknown]> = [
    ['health check path', h.path, w.path],
    ['health check interval', h.intervalSeconds, w.intervalSeconds],
    ['health check timeout', h.timeoutSeconds, w.timeoutSeconds],
    ['healthy threshold', h.healthyThreshold, w.healthyThreshold],
    ['unhealthy threshold', h.unhealthyThreshold, w.unhealthyThreshold],
    ['deregistration delay', `${tg.deregistrationDelaySeconds}s`, `${want.deregistrationDelaySeconds}s`],
  ];
  const reasons = fields.filter(([, a, b]) => a !== b).map(([f, a, b]) => drift(f, a, b));
  return reasons.length ? reasons.join('; ') : undefined;
}

/** The target group the listener sends most traffic to (blue when there is no listener yet). */
export function servingTargetGroup(desired: DesiredFleet, observed: ObservedFleet): string {
  const forward = observed.elbv2?.listener?.forward ?? [];
  const top = [...forward].sort((a, b) => b.weight - a.weight)[0];
  return top && top.weight > 0 ? top.targetGroupName : targetGroupName(desired.name, 'blue');
}
