/** ELBv2 listeners with their default actions: weighted `forward` to target groups (weights 0-999). */
import { SimCore } from '../core';
import { HandlerMap } from '../handler';
import { paginate } from '../paginate';
import { ListenerRec, V2LoadBalancerRec } from '../state';
import { ActionRec, ForwardTargetRec } from '../state-elbv2';
import { constraint, findListener, findLoadBalancer, listenersOf, same, targetGroupLoadBalancers, v2, validation } from './find';
import { tagsIn } from './load-balancers';
import { isHttp } from './target-groups';

const LISTENER_PROTOCOLS = { application: ['HTTP', 'HTTPS'], network: ['TCP', 'TLS', 'UDP', 'TCP_UDP'] };
const ACTION_TYPES = ['forward', 'authenticate-oidc', 'authenticate-cognito', 'redirect', 'fixed-response'];

function forwardIn(sim: SimCore, lb: V2LoadBalancerRec, a: any, field: string): ForwardTargetRec[] {
  const tuples = (a.ForwardConfig?.TargetGroups ?? []) as Array<{ TargetGroupArn?: string; Weight?: number }>;
  if (!a.TargetGroupArn && !tuples.length) throw validation(sim, 'A target group ARN must be specified for forward actions');
  if (tuples.length > 5) throw constraint(sim, `[${tuples.map((t) => t.TargetGroupArn).join(', ')}]`, `${field}.forwardConfig.targetGroups`, 'Member must have length less than or equal to 5');
  const list: ForwardTargetRec[] = tuples.length ? tuples.map((t) => ({ arn: String(t.TargetGroupArn ?? ''), weight: t.Weight ?? 1 })) : [{ arn: a.TargetGroupArn, weight: 1 }];
  if (a.TargetGroupArn && tuples.length && (tuples.length !== 1 || tuples[0].TargetGroupArn !== a.TargetGroupArn)) {
    throw validation(sim, 'TargetGroupArn and ForwardConfig can be specified together only when ForwardConfig names that one target group');
  }
  list.forEach((t, i) => {
    if (!Number.isInteger(t.weight) || t.weight < 0 || t.weight > 999) {
      throw constraint(sim, t.weight, `${field}.forwardConfig.targetGroups.${i + 1}.member.weight`, 'Member must have value between 0 and 999');
    }
  });
  const arns = list.map((t) => t.arn);
  const dup = arns.find((x, i) => arns.indexOf(x) !== i);
  if (dup) throw validation(sim, `Target group '${dup}' cannot be specified more than once in a forward action`);
  const groups = v2(sim).targetGroups;
  const missing = arns.filter((x) => !groups[x]);
  if (missing.length) throw sim.error('ElasticLoadBalancingV2', 'TargetGroupNotFound', `Target groups '${missing.join("', '")}' not found`);
  for (const arn of arns) {
    const tg = groups[arn];
    if (isHttp(tg.protocol) !== (lb.type === 'application')) {
      throw sim.error('ElasticLoadBalancingV2', 'IncompatibleProtocols', `The target group protocol '${tg.protocol}' is not compatible with load balancer type '${lb.type}'`);
    }
    const others = targetGroupLoadBalancers(sim, arn).filter((x) => x !== lb.arn);
    if (others.length) throw sim.error('ElasticLoadBalancingV2', 'TargetGroupAssociationLimit', `The following target groups cannot be associated with more than one load balancer: ${arn}`);
  }
  return list;
}

function actionsIn(sim: SimCore, lb: V2LoadBalancerRec, input: any[] | undefined): ActionRec[] {
  if (!input?.length) throw validation(sim, 'A listener must have at least one default action');
  return input.map((a, i) => {
    const field = `defaultActions.${i + 1}.member`;
    if (!ACTION_TYPES.includes(a.Type)) throw constraint(sim, a.Type, `${field}.type`, `Member must satisfy enum value set: [${ACTION_TYPES.join(', ')}]`);
    if (a.Type !== 'forward') {
      if (lb.type === 'network') throw sim.error('ElasticLoadBalancingV2', 'InvalidLoadBalancerAction', `Action type '${a.Type}' is not supported by Network Load Balancers`);
      return { type: a.Type, order: a.Order, raw: { ...a } };
    }
    const sticky = a.ForwardConfig?.TargetGroupStickinessConfig;
    const duration = sticky?.DurationSeconds;
    if (duration !== undefined && !(duration >= 1 && duration <= 604800)) throw constraint(sim, duration, `${field}.forwardConfig.targetGroupStickinessConfig.durationSeconds`, 'Member must have value between 1 and 604800');
    return { type: 'forward', order: a.Order, targetGroups: forwardIn(sim, lb, a, field), stickiness: { enabled: !!sticky?.Enabled, ...(duration !== undefined ? { durationSeconds: duration } : {}) } };
  });
}

function actionOut(a: ActionRec) {
  if (a.type !== 'forward') return { ...a.raw };
  const tgs = a.targetGroups ?? [];
  return {
    Type: 'forward',
    Order: a.order,
    TargetGroupArn: tgs.length === 1 ? tgs[0].arn : undefined,
    ForwardConfig: {
      TargetGroups: tgs.map((t) => ({ TargetGroupArn: t.arn, Weight: t.weight })),
      TargetGroupStickinessConfig: { Enabled: !!a.stickiness?.enabled, DurationSeconds: a.stickiness?.durationSeconds },
    },
  };
}

function listenerOut(l: ListenerRec) {
  return {
    ListenerArn: l.arn,
    LoadBalancerArn: l.lbArn,
    Port: l.port,
    Protocol: l.protocol,
    Certificates: l.certificates.length ? l.certificates.map((c) => ({ ...c })) : undefined,
    SslPolicy: l.sslPolicy,
    DefaultActions: l.actions.map(actionOut),
  };
}

/** Protocol, port and certificates of a create or modify, checked against the load balancer's type. */
function settingsIn(sim: SimCore, lb: V2LoadBalancerRec, input: any, prior?: ListenerRec) {
  const protocol = String(input.Protocol ?? prior?.protocol ?? (lb.type === 'application' ? 'HTTP' : 'TCP')).toUpperCase();
  if (!LISTENER_PROTOCOLS[lb.type].includes(protocol)) {
    throw sim.error('ElasticLoadBalancingV2', 'UnsupportedProtocol', `Protocol '${protocol}' is not supported for load balancers of type '${lb.type}'`);
  }
  const port = Number(input.Port ?? prior?.port);
  if (!(Number.isInteger(port) && port >= 1 && port <= 65535)) throw constraint(sim, input.Port, 'port', 'Member must have value between 1 and 65535');
  const certificates = ((input.Certificates ?? prior?.certificates ?? []) as any[]).map((c) => ({ CertificateArn: String(c.CertificateArn) }));
  const secure = protocol === 'HTTPS' || protocol === 'TLS';
  if (secure && !certificates.length) throw validation(sim, `A certificate must be specified for ${protocol} listeners`);
  const sslPolicy = secure ? (input.SslPolicy ?? prior?.sslPolicy ?? 'ELBSecurityPolicy-2016-08') : undefined;
  const clash = listenersOf(sim, lb.arn).find((l) => l.port === port && l.arn !== prior?.arn);
  return { protocol, port, certificates: secure ? certificates : [], sslPolicy, clash };
}

function createListener(sim: SimCore, input: any) {
  const lb = findLoadBalancer(sim, input.LoadBalancerArn);
  const s = settingsIn(sim, lb, input);
  const actions = actionsIn(sim, lb, input.DefaultActions);
  if (s.clash) {
    // The same listener again succeeds (AWS: idempotent); a different one on the port does not.
    const mine = (l: Pick<ListenerRec, 'protocol' | 'certificates' | 'actions'>) => [l.protocol, l.certificates, l.actions];
    if (same(mine(s.clash), mine({ ...s, actions }))) return { Listeners: [listenerOut(s.clash)] };
    throw sim.error('ElasticLoadBalancingV2', 'DuplicateListener', `A listener already exists on this port for this load balancer '${lb.arn}'`);
  }
  const arn = lb.arn.replace(':loadbalancer/', ':listener/') + `/${sim.rng.hex(16)}`;
  const listener: ListenerRec = { arn, lbArn: lb.arn, port: s.port, protocol: s.protocol, actions, certificates: s.certificates, sslPolicy: s.sslPolicy, tags: tagsIn(sim, input.Tags) };
  v2(sim).listeners[arn] = listener;
  sim.dirty = true;
  return { Listeners: [listenerOut(listener)] };
}

function describeListeners(sim: SimCore, input: any) {
  const arns: string[] = input.ListenerArns ?? [];
  if (!arns.length && !input.LoadBalancerArn) throw validation(sim, 'You must specify either listener ARNs or a load balancer ARN');
  if (arns.length && input.LoadBalancerArn) throw validation(sim, 'Listener ARNs and a load balancer ARN cannot be specified at the same time');
  if (input.PageSize !== undefined && (input.PageSize < 1 || input.PageSize > 400)) throw constraint(sim, input.PageSize, 'pageSize', 'Member must have value between 1 and 400');
  const all = arns.length ? arns.map((a) => findListener(sim, a)) : listenersOf(sim, findLoadBalancer(sim, input.LoadBalancerArn).arn);
  const page = paginate(sim, 'ElasticLoadBalancingV2', all, input.Marker, input.PageSize, { max: 400, tokenError: 'ValidationError' });
  return { Listeners: page.items.map(listenerOut), NextMarker: page.next };
}

function modifyListener(sim: SimCore, input: any) {
  const l = findListener(sim, input.ListenerArn);
  const lb = findLoadBalancer(sim, l.lbArn);
  const s = settingsIn(sim, lb, input, l);
  if (s.clash) throw sim.error('ElasticLoadBalancingV2', 'DuplicateListener', `A listener already exists on this port for this load balancer '${lb.arn}'`);
  const actions = input.DefaultActions !== undefined ? actionsIn(sim, lb, input.DefaultActions) : l.actions;
  Object.assign(l, { protocol: s.protocol, port: s.port, certificates: s.certificates, sslPolicy: s.sslPolicy, actions });
  sim.dirty = true;
  return { Listeners: [listenerOut(l)] };
}

function deleteListener(sim: SimCore, input: any) {
  const l = findListener(sim, input.ListenerArn);
  delete v2(sim).listeners[l.arn];
  sim.dirty = true;
  return {};
}

export const LISTENER_HANDLERS: HandlerMap = {
  CreateListener: createListener,
  DescribeListeners: describeListeners,
  ModifyListener: modifyListener,
  DeleteListener: deleteListener,
};
