/** ELBv2 target groups: create, describe, modify (health check, attributes), delete. */
import { SimCore } from '../core';
import { HandlerMap } from '../handler';
import { paginate } from '../paginate';
import { TargetGroupRec } from '../state';
import { HealthCheckRec } from '../state-elbv2';
import { checkName, constraint, findLoadBalancer, findTargetGroup, same, targetGroupLoadBalancers, v2, validation } from './find';
import { tagsIn } from './load-balancers';

const PROTOCOLS = ['HTTP', 'HTTPS', 'TCP', 'TLS', 'UDP', 'TCP_UDP'];
export const isHttp = (protocol: string) => protocol === 'HTTP' || protocol === 'HTTPS';

const ALB_ATTRIBUTES: Record<string, string> = {
  'deregistration_delay.timeout_seconds': '300',
  'stickiness.enabled': 'false',
  'stickiness.type': 'lb_cookie',
  'stickiness.lb_cookie.duration_seconds': '86400',
  'slow_start.duration_seconds': '0',
  'load_balancing.algorithm.type': 'round_robin',
};

const NLB_ATTRIBUTES: Record<string, string> = {
  'deregistration_delay.timeout_seconds': '300',
  'deregistration_delay.connection_termination.enabled': 'false',
  'stickiness.enabled': 'false',
  'stickiness.type': 'source_ip',
  'proxy_protocol_v2.enabled': 'false',
  'preserve_client_ip.enabled': 'true',
};

/** Integer attributes and their ranges; booleans must be `true`/`false`. */
const RANGES: Record<string, [number, number]> = {
  'deregistration_delay.timeout_seconds': [0, 3600],
  'stickiness.lb_cookie.duration_seconds': [1, 604800],
  'slow_start.duration_seconds': [0, 900],
};

function healthCheckIn(sim: SimCore, input: any, protocol: string, prior?: HealthCheckRec): HealthCheckRec {
  const hcProtocol = String(input.HealthCheckProtocol ?? prior?.protocol ?? (isHttp(protocol) ? protocol : 'TCP')).toUpperCase();
  if (!['HTTP', 'HTTPS', 'TCP'].includes(hcProtocol)) throw constraint(sim, hcProtocol, 'healthCheckProtocol', 'Member must satisfy enum value set: [HTTP, HTTPS, TCP]');
  if (isHttp(protocol) && hcProtocol === 'TCP') throw validation(sim, `Health check protocol 'TCP' is not supported for target groups with protocol '${protocol}'`);
  const httpCheck = isHttp(hcProtocol);
  const changedKind = prior && prior.protocol !== hcProtocol;
  const defaultTimeout = httpCheck ? (isHttp(protocol) ? 5 : 6) : 10;
  const hc: HealthCheckRec = {
    enabled: input.HealthCheckEnabled ?? prior?.enabled ?? true,
    protocol: hcProtocol,
    port: String(input.HealthCheckPort ?? prior?.port ?? 'traffic-port'),
    path: httpCheck ? (input.HealthCheckPath ?? (changedKind ? undefined : prior?.path) ?? '/') : undefined,
    interval: Number(input.HealthCheckIntervalSeconds ?? prior?.interval ?? 30),
    timeout: Number(input.HealthCheckTimeoutSeconds ?? (changedKind ? undefined : prior?.timeout) ?? defaultTimeout),
    healthy: Number(input.HealthyThresholdCount ?? prior?.healthy ?? 5),
    unhealthy: Number(input.UnhealthyThresholdCount ?? prior?.unhealthy ?? 2),
    matcher: httpCheck ? String(input.Matcher?.HttpCode ?? (changedKind ? undefined : prior?.matcher) ?? (isHttp(protocol) ? '200' : '200-399')) : undefined,
  };
  if (!hc.enabled) throw validation(sim, "Health check enabled must be true for target groups with target type 'instance'");
  if (!(hc.interval >= 5 && hc.interval <= 300)) throw constraint(sim, hc.interval, 'healthCheckIntervalSeconds', 'Member must have value between 5 and 300');
  if (!(hc.timeout >= 2 && hc.timeout <= 120)) throw constraint(sim, hc.timeout, 'healthCheckTimeoutSeconds', 'Member must have value between 2 and 120');
  if (hc.timeout >= hc.interval) throw validation(sim, `Health check timeout '${hc.timeout}' must be smaller than the interval '${hc.interval}'`);
  if (!(hc.healthy >= 2 && hc.healthy <= 10)) throw constraint(sim, hc.healthy, 'healthyThresholdCount', 'Member must have value between 2 and 10');
  if (!(hc.unhealthy >= 2 && hc.unhealthy <= 10)) throw constraint(sim, hc.unhealthy, 'unhealthyThresholdCount', 'Member must have value between 2 and 10');
  if (hc.port !== 'traffic-port' && !(Number(hc.port) >= 1 && Number(hc.port) <= 65535)) throw validation(sim, `Health check port '${hc.port}' must be 'traffic-port' or a number between 1 and 65535`);
  if (hc.matcher !== undefined && !/^\d{3}(?:-\d{3})?(?:,\d{3}(?:-\d{3})?)*$/.test(hc.matcher)) throw validation(sim, `Matcher HttpCode '${hc.matcher}' is not valid`);
  return hc;
}

export function tgOut(sim: SimCore, tg: TargetGroupRec) {
  const hc = tg.healthCheck;
  return {
    TargetGroupArn: tg.arn,
    TargetGroupName: tg.name,
    Protocol: tg.protocol,
    Port: tg.port,
    VpcId: tg.vpcId,
    HealthCheckProtocol: hc.protocol,
    HealthCheckPort: hc.port,
    HealthCheckEnabled: hc.enabled,
    HealthCheckIntervalSeconds: hc.interval,
    HealthCheckTimeoutSeconds: hc.timeout,
    HealthyThresholdCount: hc.healthy,
    UnhealthyThresholdCount: hc.unhealthy,
    HealthCheckPath: hc.path,
    Matcher: hc.matcher !== undefined ? { HttpCode: hc.matcher } : undefined,
    LoadBalancerArns: targetGroupLoadBalancers(sim, tg.arn),
    TargetType: tg.targetType,
    ProtocolVersion: tg.protocolVersion,
    IpAddressType: 'ipv4',
  };
}

function createTargetGroup(sim: SimCore, input: any) {
  const name = String(input.Name ?? '');
  checkName(sim, 'Target group', name);
  const targetType = input.TargetType ?? 'instance';
  if (targetType !== 'instance') throw validation(sim, `Target type '${targetType}' is not modelled by the simulated account (only 'instance')`);
  if (input.Protocol === undefined) throw validation(sim, "A protocol must be specified for target groups with target type 'instance'");
  if (input.Port === undefined) throw validation(sim, "A port must be specified for target groups with target type 'instance'");
  if (input.VpcId === undefined) throw validation(sim, "A VPC ID must be specified for target groups with target type 'instance'");
  const protocol = String(input.Protocol).toUpperCase();
  if (!PROTOCOLS.includes(protocol)) throw constraint(sim, protocol, 'protocol', `Member must satisfy enum value set: [${PROTOCOLS.join(', ')}, GENEVE]`);
  const port = Number(input.Port);
  if (!(Number.isInteger(port) && port >= 1 && port <= 65535)) throw constraint(sim, input.Port, 'port', 'Member must have value between 1 and 65535');
  if (input.VpcId !== sim.state.vpcId) throw validation(sim, `The VPC ID '${input.VpcId}' is not found`);
  const healthCheck = healthCheckIn(sim, input, protocol);
  const protocolVersion = isHttp(protocol) ? String(input.ProtocolVersion ?? 'HTTP1') : undefined;
  const existing = Object.values(v2(sim).targetGroups).find((t) => t.name === name);
  if (existing) {
    // Creating a target group with the same settings again succeeds and returns it (AWS: idempotent).
    const settings = (t: { protocol: string; port: number; healthCheck: HealthCheckRec; protocolVersion?: string }) => [t.protocol, t.port, t.healthCheck, t.protocolVersion];
    if (same(settings(existing), settings({ protocol, port, healthCheck, protocolVersion }))) return { TargetGroups: [tgOut(sim, existing)] };
    throw sim.error('ElasticLoadBalancingV2', 'DuplicateTargetGroupName', `A target group with the same name '${name}' exists, but with different settings`);
  }
  const id = sim.rng.hex(16);
  const tg: TargetGroupRec = {
    arn: sim.arn('elasticloadbalancing', `targetgroup/${name}/${id}`),
    name,
    id,
    protocol,
    protocolVersion,
    port,
    vpcId: sim.state.vpcId,
    targetType: 'instance',
    createdAt: sim.now(),
    healthCheck,
    attributes: { ...(isHttp(protocol) ? ALB_ATTRIBUTES : NLB_ATTRIBUTES) },
    tags: tagsIn(sim, input.Tags),
    targets: {},
  };
  v2(sim).targetGroups[tg.arn] = tg;
  return { TargetGroups: [tgOut(sim, tg)] };
}

function describeTargetGroups(sim: SimCore, input: any) {
  const arns: string[] = input.TargetGroupArns ?? [];
  const names: string[] = input.Names ?? [];
  if ([arns.length > 0, names.length > 0, !!input.LoadBalancerArn].filter(Boolean).length > 1) {
    throw validation(sim, 'Target group names, target group ARNs, and a load balancer ARN cannot be specified at the same time');
  }
  if (input.PageSize !== undefined && (input.PageSize < 1 || input.PageSize > 400)) throw constraint(sim, input.PageSize, 'pageSize', 'Member must have value between 1 and 400');
  const all = Object.values(v2(sim).targetGroups);
  let tgs = all;
  if (arns.length) tgs = arns.map((a) => findTargetGroup(sim, a));
  if (names.length) {
    tgs = names.map((n) => all.find((t) => t.name === n)!);
    if (tgs.some((t) => !t)) throw sim.error('ElasticLoadBalancingV2', 'TargetGroupNotFound', 'One or more target groups not found');
  }
  if (input.LoadBalancerArn) {
    findLoadBalancer(sim, input.LoadBalancerArn);
    tgs = all.filter((t) => targetGroupLoadBalancers(sim, t.arn).includes(input.LoadBalancerArn));
  }
  const page = paginate(sim, 'ElasticLoadBalancingV2', tgs, input.Marker, input.PageSize, { max: 400, tokenError: 'ValidationError' });
  return { TargetGroups: page.items.map((t) => tgOut(sim, t)), NextMarker: page.next };
}

function modifyTargetGroup(sim: SimCore, input: any) {
  const tg = findTargetGroup(sim, input.TargetGroupArn);
  tg.healthCheck = healthCheckIn(sim, input, tg.protocol, tg.healthCheck);
  return { TargetGroups: [tgOut(sim, tg)] };
}

function attributesOut(tg: TargetGroupRec) {
  return Object.entries(tg.attributes).map(([Key, Value]) => ({ Key, Value }));
}

function modifyAttributes(sim: SimCore, input: any) {
  const tg = findTargetGroup(sim, input.TargetGroupArn);
  const next = { ...tg.attributes };
  for (const a of (input.Attributes ?? []) as Array<{ Key?: string; Value?: string }>) {
    const key = String(a.Key ?? '');
    const value = String(a.Value ?? '');
    if (!(key in tg.attributes)) throw validation(sim, `Target group attribute key '${key}' is not recognized`);
    const range = RANGES[key];
    if (range && !(/^\d+$/.test(value) && Number(value) >= range[0] && Number(value) <= range[1])) {
      throw validation(sim, `Target group attribute '${key}' value '${value}' must be an integer between ${range[0]} and ${range[1]}`);
    }
    if (key === 'slow_start.duration_seconds' && Number(value) > 0 && Number(value) < 30) throw validation(sim, `Target group attribute '${key}' must be 0 or between 30 and 900`);
    if (key.endsWith('.enabled') && value !== 'true' && value !== 'false') throw validation(sim, `Target group attribute '${key}' value '${value}' must be 'true' or 'false'`);
    next[key] = value;
  }
  tg.attributes = next;
  return { Attributes: attributesOut(tg) };
}

function describeAttributes(sim: SimCore, input: any) {
  return { Attributes: attributesOut(findTargetGroup(sim, input.TargetGroupArn)) };
}

/** A target group a listener forwards to cannot be deleted; one already gone deletes quietly. */
function deleteTargetGroup(sim: SimCore, input: any) {
  const tg = v2(sim).targetGroups[input.TargetGroupArn];
  if (!tg) return {};
  if (targetGroupLoadBalancers(sim, tg.arn).length) {
    throw sim.error('ElasticLoadBalancingV2', 'ResourceInUse', `Target group '${tg.arn}' is currently in use by a listener or a rule`);
  }
  delete v2(sim).targetGroups[tg.arn];
  return {};
}

export const TARGET_GROUP_HANDLERS: HandlerMap = {
  CreateTargetGroup: createTargetGroup,
  DescribeTargetGroups: describeTargetGroups,
  ModifyTargetGroup: modifyTargetGroup,
  ModifyTargetGroupAttributes: modifyAttributes,
  DescribeTargetGroupAttributes: describeAttributes,
  DeleteTargetGroup: deleteTargetGroup,
};
