/**
 * Account-wide chaos the soak turns on, beyond queued and rate faults:
 * - eventual consistency: for `describeNotFoundMs` after an API call created an instance,
 *   image, launch template, Auto Scaling group or load balancer, Describe* leaves it out of
 *   lists and answers the service's NotFound when asked for it by id or name (as EC2 does
 *   right after RunInstances);
 * - SQS at-least-once delivery: a received message stays visible with `duplicateRate` (so
 *   it is delivered again under a new receipt handle), and `reorder` shuffles receive order;
 * - capacity shortages: launches of an instance type (or `*`) fail with
 *   InsufficientInstanceCapacity until a time, for RunInstances and Auto Scaling alike;
 * - denied launches: until a time, every launch fails with UnauthorizedOperation (a role or
 *   policy that lost ec2:RunInstances, a KMS key the service-linked role may not use).
 * All of it is cleared by `SimAccount.clearFaults()`.
 */
import type { ChaosState, ChaosStats, CreatedKind } from './chaos-state';
import type { SimCore } from './core';
import type { Prng } from './prng';

export { emptyChaos } from './chaos-state';
export type { ChaosState, ChaosStats, CreatedKind };

type Created = { kind: CreatedKind; id: string; name?: string };

/** What an API call created, read from its input and output. */
function createdBy(service: string, operation: string, input: any, output: any): Created[] {
  switch (`${service}:${operation}`) {
    case 'EC2:RunInstances':
      return (output?.Instances ?? []).map((i: any) => ({ kind: 'instance', id: String(i.InstanceId) }));
    case 'EC2:CreateImage':
      return output?.ImageId ? [{ kind: 'image', id: String(output.ImageId) }] : [];
    case 'EC2:CreateLaunchTemplate':
      return output?.LaunchTemplate ? [{ kind: 'launchTemplate', id: String(output.LaunchTemplate.LaunchTemplateId), name: String(output.LaunchTemplate.LaunchTemplateName) }] : [];
    case 'AutoScaling:CreateAutoScalingGroup':
      return [{ kind: 'group', id: String(input.AutoScalingGroupName) }];
    case 'ElasticLoadBalancing:CreateLoadBalancer':
      return [{ kind: 'loadBalancer', id: String(input.LoadBalancerName) }];
    default:
      return [];
  }
}

/** Remember what a successful call created (only while eventual consistency is on). */
export function noteCreated(sim: SimCore, service: string, operation: string, input: unknown, output: unknown): void {
  const c = sim.chaos;
  if (c.describeNotFoundMs <= 0) return;
  const now = sim.now();
  c.recent = c.recent.filter((r) => now - r.at < c.describeNotFoundMs);
  // An idempotent repeat (CreateLoadBalancer with the same parameters) does not make it new again.
  for (const made of createdBy(service, operation, input, output)) {
    if (!c.recent.some((r) => r.kind === made.kind && r.id === made.id)) c.recent.push({ ...made, at: now });
  }
}

function hidden(sim: SimCore, kind: CreatedKind): Set<string> {
  const c = sim.chaos;
  const now = sim.now();
  return new Set(c.recent.filter((r) => r.kind === kind && now - r.at < c.describeNotFoundMs).flatMap((r) => [r.id, ...(r.name ? [r.name] : [])]));
}

function askedFor(sim: SimCore, ids: unknown, hide: Set<string>, code: string, what: string): void {
  const missing = ((ids as string[] | undefined) ?? []).filter((id) => hide.has(id));
  if (missing.length) sim.chaos.stats.hidden++;
  if (missing.length) throw sim.error(service(code), code, `The ${what} '${missing.join(', ')}' does not exist`);
}

function service(code: string) {
  return code === 'LoadBalancerNotFound' ? 'ElasticLoadBalancing' : 'EC2';
}

/** A Describe* answer as an eventually consistent service gives it: recent creations left out. */
export function hideRecent(sim: SimCore, svc: string, operation: string, input: any, output: any): any {
  if (sim.chaos.describeNotFoundMs <= 0 || !sim.chaos.recent.length) return output;
  const keep = <T>(items: T[] | undefined, id: (item: T) => string, hide: Set<string>): T[] => {
    const kept = (items ?? []).filter((item) => !hide.has(id(item)));
    if (kept.length !== (items ?? []).length) sim.chaos.stats.hidden++;
    return kept;
  };
  switch (`${svc}:${operation}`) {
    case 'EC2:DescribeInstances': {
      const hide = hidden(sim, 'instance');
      askedFor(sim, input.InstanceIds, hide, 'InvalidInstanceID.NotFound', 'instance ID');
      const Reservations = (output.Reservations ?? [])
        .map((r: any) => ({ ...r, Instances: keep(r.Instances, (i: any) => i.InstanceId, hide) }))
        .filter((r: any) => r.Instances.length);
      return { ...output, Reservations };
    }
    case 'EC2:DescribeImages': {
      const hide = hidden(sim, 'image');
      askedFor(sim, input.ImageIds, hide, 'InvalidAMIID.NotFound', 'image id');
      return { ...output, Images: keep(output.Images, (i: any) => i.ImageId, hide) };
    }
    case 'EC2:DescribeLaunchTemplates': {
      const hide = hidden(sim, 'launchTemplate');
      askedFor(sim, input.LaunchTemplateIds, hide, 'InvalidLaunchTemplateId.NotFound', 'launch template');
      askedFor(sim, input.LaunchTemplateNames, hide, 'InvalidLaunchTemplateName.NotFoundException', 'launch template');
      return { ...output, LaunchTemplates: keep(output.LaunchTemplates, (t: any) => t.LaunchTemplateId, hide) };
    }
    case 'AutoScaling:DescribeAutoScalingGroups': {
      const hide = hidden(sim, 'group');
      return { ...output, AutoScalingGroups: keep(output.AutoScalingGroups, (g: any) => g.AutoScalingGroupName, hide) };
    }
    case 'ElasticLoadBalancing:DescribeLoadBalancers': {
      const hide = hidden(sim, 'loadBalancer');
      askedFor(sim, input.LoadBalancerNames, hide, 'LoadBalancerNotFound', 'load balancer');
      return { ...output, LoadBalancerDescriptions: keep(output.LoadBalancerDescriptions, (l: any) => l.LoadBalancerName, hide) };
    }
    default:
      return output;
  }
}

/** Throws UnauthorizedOperation while launches are denied (EC2's text, with an encoded message). */
export function checkLaunchAllowed(sim: SimCore): void {
  if ((sim.chaos.launchesDeniedUntil ?? 0) <= sim.now()) return;
  sim.chaos.stats.launchesRefused++;
  throw sim.error('EC2', 'UnauthorizedOperation', 'You are not authorized to perform this operation. Encoded authorization failure message: 4GIOHlTkIaWHQD0Q0m6XSnuUMCm-abc');
}

/** Throws InsufficientInstanceCapacity while a shortage of this instance type lasts. */
export function checkCapacity(sim: SimCore, instanceType: string | undefined, az: string): void {
  const now = sim.now();
  sim.chaos.shortages = sim.chaos.shortages.filter((s) => s.until > now);
  const type = instanceType ?? 'm1.small';
  if (!sim.chaos.shortages.some((s) => s.instanceType === '*' || s.instanceType === type)) return;
  sim.chaos.stats.launchesRefused++;
  throw sim.error(
    'EC2',
    'InsufficientInstanceCapacity',
    `We currently do not have sufficient ${type} capacity in the Availability Zone you requested (${az}). Our system will be working on provisioning additional capacity.`,
  );
}

/** Receive order: oldest first (a queue's messages are kept in sent order, see sqs/store.ts insertBySentAt), or shuffled when reordering is on. */
export function receiveOrder<T extends { sentAt: number }>(sim: SimCore, messages: T[]): T[] {
  if (!sim.chaos.sqs.reorder) return messages;
  return shuffle([...messages].sort((a, b) => a.sentAt - b.sentAt), sim.faultRng);
}

/** Whether this delivery leaves the message visible, to be delivered again. */
export function deliverTwice(sim: SimCore): boolean {
  const rate = sim.chaos.sqs.duplicateRate;
  const twice = rate > 0 && sim.faultRng.next() < rate;
  if (twice) sim.chaos.stats.duplicated++;
  return twice;
}

function shuffle<T>(items: T[], rng: Prng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
