/** Observe an ELBv2 fleet: its load balancer (by name), its listener and its two target groups with target health. */
import { call } from '../../aws/call';
import { isNotFound } from '../../aws/errors';
import type { AwsPort } from '../../aws/port';
import { tagsFromList } from '../../aws/tags';
import type { DesiredFleet } from '../../model/fleet';
import { isOwnedBy } from '../../model/names';
import type { NameConflict, ObservedElbV2, ObservedTargetGroup, TargetHealthState } from '../../model/observed';
import { TARGET_GROUP_COLOURS, targetGroupName } from '../../model/target-groups';
import type { Reader } from '../observe-context';

export interface ElbV2Observation {
  elbv2?: ObservedElbV2;
  conflict?: NameConflict;
}

const STATES: readonly TargetHealthState[] = ['initial', 'healthy', 'unhealthy', 'unused', 'draining', 'unavailable'];

async function tagsOf(clients: AwsPort, arns: string[], r: Reader): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  if (!arns.length) return out;
  const res = await call(r, `describing tags of ${arns.length} ELBv2 resources`, () => clients.elbv2.DescribeTags({ ResourceArns: arns }));
  for (const d of res.TagDescriptions ?? []) out.set(d.ResourceArn ?? '', tagsFromList(d.Tags));
  return out;
}

async function describeTargetGroup(clients: AwsPort, name: string, r: Reader) {
  try {
    const out = await call(r, `describing target group ${name}`, () => clients.elbv2.DescribeTargetGroups({ Names: [name] }));
    return out.TargetGroups?.[0];
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** One of the fleet's target groups, with its deregistration delay and target health; undefined when absent or not ours. */
export async function observeTargetGroup(clients: AwsPort, fleet: string, name: string, r: Reader): Promise<ObservedTargetGroup | undefined> {
  const tg = await describeTargetGroup(clients, name, r);
  const arn = tg?.TargetGroupArn;
  if (!tg || !arn) return undefined;
  const tags = (await tagsOf(clients, [arn], r)).get(arn) ?? {};
  if (!isOwnedBy(tags, fleet)) return undefined;
  const [attrs, health] = await Promise.all([
    call(r, `describing attributes of target group ${name}`, () => clients.elbv2.DescribeTargetGroupAttributes({ TargetGroupArn: arn })),
    call(r, `describing target health of target group ${name}`, () => clients.elbv2.DescribeTargetHealth({ TargetGroupArn: arn })),
  ]);
  const delay = attrs.Attributes?.find((a) => a.Key === 'deregistration_delay.timeout_seconds')?.Value;
  return {
    name,
    arn,
    protocol: tg.Protocol ?? '',
    port: tg.Port ?? 0,
    tags,
    healthCheck: {
      ...(tg.HealthCheckPath && tg.HealthCheckProtocol !== 'TCP' ? { path: tg.HealthCheckPath } : {}),
      intervalSeconds: tg.HealthCheckIntervalSeconds ?? 0,
      timeoutSeconds: tg.HealthCheckTimeoutSeconds ?? 0,
      healthyThreshold: tg.HealthyThresholdCount ?? 0,
      unhealthyThreshold: tg.UnhealthyThresholdCount ?? 0,
    },
    deregistrationDelaySeconds: Number(delay ?? 300),
    targets: (health.TargetHealthDescriptions ?? []).map((d) => {
      const state = d.TargetHealth?.State as TargetHealthState | undefined;
      return { id: d.Target?.Id ?? '', state: state && STATES.includes(state) ? state : 'unavailable' };
    }),
  };
}

/**
 * `deleting`: also observe the target groups when the load balancer is missing or someone else's,
 * and read the listener's tags, so deletion removes exactly what the fleet owns.
 */
export async function observeElbV2(clients: AwsPort, desired: DesiredFleet, r: Reader, deleting = false): Promise<ElbV2Observation> {
  if (!desired.loadBalancer.elbv2) return {};
  const name = desired.loadBalancer.name;
  const targetGroups = (
    await Promise.all(TARGET_GROUP_COLOURS.map((c) => observeTargetGroup(clients, desired.name, targetGroupName(desired.name, c), r)))
  ).filter((t): t is ObservedTargetGroup => !!t);
  let lb;
  try {
    const out = await call(r, `describing load balancer ${name}`, () => clients.elbv2.DescribeLoadBalancers({ Names: [name] }));
    lb = out.LoadBalancers?.[0];
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const arn = lb?.LoadBalancerArn;
  if (!lb || !arn) {
    if (!deleting || !targetGroups.length) return {};
    return { elbv2: { name, arn: '', type: '', dnsName: '', tags: {}, targetGroups, notOwned: 'missing' } };
  }
  const tags = (await tagsOf(clients, [arn], r)).get(arn) ?? {};
  const conflict = { resourceType: 'loadBalancer' as const, name };
  if (!isOwnedBy(tags, desired.name) && !deleting) return { conflict };
  const listeners = await call(r, `describing listeners of load balancer ${name}`, () => clients.elbv2.DescribeListeners({ LoadBalancerArn: arn }));
  const l = listeners.Listeners?.[0];
  const listenerTags = deleting && l?.ListenerArn ? ((await tagsOf(clients, [l.ListenerArn], r)).get(l.ListenerArn) ?? {}) : undefined;
  const foreign = !isOwnedBy(tags, desired.name);
  const byArn = new Map(targetGroups.map((t) => [t.arn, t.name]));
  const forward = l?.DefaultActions?.find((a) => a.Type === 'forward');
  const tuples = forward?.ForwardConfig?.TargetGroups ?? (forward?.TargetGroupArn ? [{ TargetGroupArn: forward.TargetGroupArn, Weight: 1 }] : []);
  return {
    elbv2: {
      name,
      arn,
      type: lb.Type ?? '',
      dnsName: lb.DNSName ?? '',
      tags,
      ...(l?.ListenerArn
        ? {
            listener: {
              arn: l.ListenerArn,
              protocol: l.Protocol ?? '',
              port: l.Port ?? 0,
              ...(l.Certificates?.[0]?.CertificateArn ? { certificateArn: l.Certificates[0].CertificateArn } : {}),
              forward: tuples.map((t) => ({ targetGroupName: byArn.get(t.TargetGroupArn ?? '') ?? t.TargetGroupArn ?? '', weight: t.Weight ?? 1 })),
              ...(listenerTags ? { tags: listenerTags } : {}),
            },
          }
        : {}),
      targetGroups,
      ...(foreign ? { notOwned: 'foreign' as const } : {}),
    },
    ...(foreign ? { conflict } : {}),
  };
}
