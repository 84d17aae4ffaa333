/**
 * Rules on an ELBv2 `spec.loadBalancer` (type application or network) that JSON Schema cannot
 * express: protocols per type, a health check path only on HTTP(S), timeout < interval, a
 * certificate on HTTPS/TLS, and no Classic-only fields. Tolerates what the schema already reported.
 */
import { formatDuration, parseDuration } from '../util/clock';
import { DocContext } from './doc-context';
import { Path } from './yaml-locate';

type Dict = Record<string, unknown>;

const AT: Path = ['spec', 'loadBalancer'];
const CLASSIC_ONLY = ['listeners', 'healthCheck', 'connectionDraining', 'crossZone'];
const PROTOCOLS: Record<string, { listener: string[]; targetGroup: string[] }> = {
  application: { listener: ['HTTP', 'HTTPS'], targetGroup: ['HTTP', 'HTTPS'] },
  network: { listener: ['TCP', 'TLS'], targetGroup: ['TCP'] },
};

function dict(v: unknown): Dict | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Dict) : undefined;
}

const article = (type: string): string => (type === 'application' ? `an ${type}` : `a ${type}`);

function seconds(v: unknown): number | undefined {
  return typeof v === 'string' && /^([0-9]{1,9}[smhd])+$/.test(v) ? parseDuration(v) : undefined;
}

function checkClassicFields(ctx: DocContext, lb: Dict, type: string): void {
  for (const key of CLASSIC_ONLY) {
    if (type !== 'classic' && lb[key] !== undefined) {
      const hint = key === 'listeners' ? 'use "listener"' : key === 'healthCheck' ? 'use "targetGroup.healthCheck"' : key === 'connectionDraining' ? 'use "targetGroup.deregistrationDelay"' : 'remove it';
      ctx.report([...AT, key], `is a Classic ELB field; with type ${type}, ${hint}`, { target: 'key' });
    }
  }
  for (const key of ['listener', 'targetGroup']) {
    if (type === 'classic' && lb[key] !== undefined) ctx.report([...AT, key], `needs type application or network (a Classic ELB uses "listeners" and "healthCheck")`, { target: 'key' });
  }
}

function checkProtocols(ctx: DocContext, lb: Dict, type: string): void {
  const allowed = PROTOCOLS[type];
  const listener = dict(lb.listener);
  const tg = dict(lb.targetGroup);
  if (!allowed) return;
  const lp = listener?.protocol;
  if (typeof lp === 'string' && !allowed.listener.includes(lp)) ctx.report([...AT, 'listener', 'protocol'], `${lp} is not a protocol of ${article(type)} load balancer; use ${allowed.listener.join(' or ')}`);
  if ((lp === 'HTTPS' || lp === 'TLS') && listener?.certificateArn === undefined) ctx.report([...AT, 'listener'], `a ${lp} listener needs "certificateArn"`);
  const tp = tg?.protocol;
  if (typeof tp === 'string' && !allowed.targetGroup.includes(tp)) ctx.report([...AT, 'targetGroup', 'protocol'], `${tp} is not a target group protocol of ${article(type)} load balancer; use ${allowed.targetGroup.join(' or ')}`);
  const hc = dict(tg?.healthCheck);
  if (tp === 'TCP' && hc?.path !== undefined) ctx.report([...AT, 'targetGroup', 'healthCheck', 'path'], 'TCP health checks have no path; remove it or use protocol HTTP');
}

function checkTiming(ctx: DocContext, lb: Dict): void {
  const at: Path = [...AT, 'targetGroup', 'healthCheck'];
  const hc = dict(dict(lb.targetGroup)?.healthCheck);
  const interval = seconds(hc?.interval ?? '30s');
  const timeout = seconds(hc?.timeout ?? '5s');
  if (hc && interval !== undefined && timeout !== undefined && timeout >= interval) {
    ctx.report(hc.timeout !== undefined ? [...at, 'timeout'] : [...at, 'interval'], `timeout (${formatDuration(timeout)}) must be less than interval (${formatDuration(interval)})`, { label: at });
  }
}

/** Check the ELBv2 parts of `spec.loadBalancer`. */
export function checkTargetGroupLoadBalancer(ctx: DocContext, data: unknown): void {
  const lb = dict(dict(dict(data)?.spec)?.loadBalancer);
  if (!lb) return;
  const type = typeof lb.type === 'string' ? lb.type : 'classic';
  checkClassicFields(ctx, lb, type);
  if (type === 'classic') return;
  checkProtocols(ctx, lb, type);
  checkTiming(ctx, lb);
}
