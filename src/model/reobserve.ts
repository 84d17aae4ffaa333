/**
 * The step kit's "reobserve" guard: what the world says about the groups a swap step is about
 * to touch, and what the machine does when the world and its snapshot disagree. Pure.
 * The snapshot says where the deployment was; these facts say where the fleet is.
 */

/** One group as DescribeAutoScalingGroups (and, with `health`, the load balancer) shows it now. */
export interface ReobservedGroup {
  /** False when the group does not exist or is being deleted. */
  exists: boolean;
  desired: number;
  /** Registered with the fleet's load balancer. */
  attached: boolean;
  /** InService in the group and InService (not draining) on the load balancer; 0 without `health`. */
  inService: number;
  /** The launch template version the group pins, when numeric. */
  launchTemplateVersion?: number;
  /** The AMI of that version (read only with `health`). */
  imageId?: string;
}

export interface ReobserveInput {
  groupNames: string[];
  /** Also read the load balancer's instance health and the pinned versions' AMIs (two more calls). */
  health: boolean;
}

export interface ReobservedFacts {
  groups: Record<string, ReobservedGroup>;
  nowMs: number;
}

export const MISSING: ReobservedGroup = { exists: false, desired: 0, attached: false, inService: 0 };

export function groupFacts(facts: ReobservedFacts, name: string): ReobservedGroup {
  return facts.groups[name] ?? MISSING;
}

/** Serves N/N: exists, on the load balancer, and every one of its desired instances InService there. */
export function servesFully(g: ReobservedGroup, atLeast = 1): boolean {
  return g.exists && g.attached && g.desired >= atLeast && g.inService >= g.desired;
}

/**
 * Why green is not (or no longer) the group the swap made, or undefined when it is: it is
 * gone, or (when the AMI was read) it launches another AMI than the one the swap deploys.
 */
export function greenProblem(name: string, g: ReobservedGroup, amiId: string): string | undefined {
  if (!g.exists) return `green group ${name} is missing`;
  if (g.imageId !== undefined && g.imageId !== amiId) {
    return `green group ${name} launches ${g.imageId} (launch template version ${g.launchTemplateVersion ?? '?'}), not ${amiId}: changed outside this deployment`;
  }
  return undefined;
}

/**
 * Where a swap goes when the world disagrees with its snapshot:
 * - `restart`: green is gone but blue still serves in full, untouched: make green again
 *   (nothing serving is taken down to do it);
 * - `rollback`: blue exists: bring it back to full capacity first, then remove what is left of green;
 * - `fail`: blue is gone too, so there is nothing to roll back to; the deployment ends with
 *   the truth and the fleet's reconcile rebuilds from the world.
 */
export type Rederivation = { action: 'restart' | 'rollback' | 'fail'; message: string };

export function rederive(
  names: { blue: string; green: string },
  facts: ReobservedFacts,
  opts: { target: number; problem: string; restartsLeft: boolean; inRollback: boolean },
): Rederivation {
  const blue = groupFacts(facts, names.blue);
  const green = groupFacts(facts, names.green);
  if (!blue.exists) {
    const left = green.exists ? `; ${names.green} is left as it is (${green.inService}/${green.desired} InService)` : '';
    return { action: 'fail', message: `${opts.problem}, and blue group ${names.blue} is gone: nothing to roll back to${left}` };
  }
  if (!opts.inRollback && !green.exists && opts.restartsLeft && servesFully(blue, opts.target)) {
    return { action: 'restart', message: `${opts.problem}; ${names.blue} still serves ${blue.inService}/${blue.desired}: creating green again` };
  }
  return { action: 'rollback', message: opts.problem };
}
