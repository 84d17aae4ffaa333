/**
 * A name held by a resource without drover's tags blocks more than its own creation: a step that
 * would attach to that resource, launch from it, mount it or put policies on it would touch
 * something drover does not own, so it is dropped, and so is every step built on what a dropped
 * step would have created. The nameTaken step stays and says why.
 */
import type { PlanStep } from '../model/plan';

/** The `type/name` resources a step uses besides its own. */
function uses(step: PlanStep): string[] {
  // Every kind's params, read by field name: a field that names another resource means a use.
  const p: Record<string, unknown> = { ...step.params };
  const storage = p.storage as { creationToken?: unknown } | undefined;
  const pairs: Array<[string, unknown]> = [
    ['loadBalancer', p.loadBalancerName],
    ['launchTemplate', p.launchTemplateName],
    [step.kind === 'authorizeNfsIngress' ? 'securityGroup' : 'autoScalingGroup', p.groupName],
    ['fileSystem', p.creationToken],
    ['fileSystem', p.fileSystemToken],
    ['fileSystem', storage?.creationToken],
    ['securityGroup', p.securityGroupName],
  ];
  return pairs.filter(([, name]) => typeof name === 'string' && name).map(([type, name]) => `${type}/${name as string}`);
}

export function dropBlockedSteps(steps: PlanStep[]): PlanStep[] {
  const blocked = new Set(steps.filter((s) => s.kind === 'nameTaken').map((s) => s.resource));
  if (!blocked.size) return steps;
  return steps.filter((s) => {
    if (s.kind === 'nameTaken' || !uses(s).some((r) => blocked.has(r))) return true;
    blocked.add(s.resource);
    return false;
  });
}
