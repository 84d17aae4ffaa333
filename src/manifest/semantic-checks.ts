/**
 * Rules JSON Schema cannot express: relations between fields and AWS rules on parsed
 * durations. Each check tolerates missing or mistyped fields (ajv already reported those).
 */
import { formatDuration, parseDuration } from '../util/clock';
import { DocContext } from './doc-context';
import { unknownInstanceTypeMessage } from './instance-types';
import { checkAnalysis } from './semantic-analysis';
import { checkTargetGroupLoadBalancer } from './semantic-target-group';
import { Path } from './yaml-locate';

type Dict = Record<string, unknown>;

function get(root: unknown, path: Path): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Dict)[String(seg)];
  }
  return cur;
}

function int(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function seconds(v: unknown): number | undefined {
  return typeof v === 'string' && /^([0-9]{1,9}[smhd])+$/.test(v) ? parseDuration(v) : undefined;
}

function checkCapacity(ctx: DocContext, data: unknown): void {
  const at: Path = ['spec', 'capacity'];
  const min = int(get(data, [...at, 'min']));
  const max = int(get(data, [...at, 'max']));
  const desired = int(get(data, [...at, 'desired']));
  if (min === undefined || max === undefined) return;
  if (min > max) {
    ctx.report([...at, 'min'], `min (${min}) must not be greater than max (${max})`, { label: at });
    return;
  }
  if (desired !== undefined && (desired < min || desired > max)) {
    ctx.report([...at, 'desired'], `desired (${desired}) must be between min (${min}) and max (${max})`, { label: at });
  }
}

function checkTarget(ctx: DocContext, at: Path, target: unknown): void {
  if (typeof target !== 'string') return;
  const m = /^(HTTP|HTTPS|TCP|SSL):([0-9]{1,5})(\/.*)?$/.exec(target);
  if (!m) return;
  const [, protocol, port, path] = m;
  if (Number(port) < 1 || Number(port) > 65535) {
    ctx.report(at, `port ${port} in target must be between 1 and 65535`);
  } else if ((protocol === 'HTTP' || protocol === 'HTTPS') && !path) {
    ctx.report(at, `${protocol} targets need a path, e.g. "${protocol}:${port}/health_check.php"`);
  } else if ((protocol === 'TCP' || protocol === 'SSL') && path) {
    ctx.report(at, `${protocol} targets must not have a path; use "${protocol}:${port}" or HTTP`);
  }
}

function checkHealthCheck(ctx: DocContext, data: unknown): void {
  const at: Path = ['spec', 'loadBalancer', 'healthCheck'];
  checkTarget(ctx, [...at, 'target'], get(data, [...at, 'target']));
  const interval = seconds(get(data, [...at, 'interval']));
  const timeout = seconds(get(data, [...at, 'timeout']));
  if (interval !== undefined && timeout !== undefined && timeout >= interval) {
    const msg = `timeout (${formatDuration(timeout)}) must be less than interval (${formatDuration(interval)})`;
    ctx.report([...at, 'timeout'], msg, { label: at });
  }
}

function checkListenerPorts(ctx: DocContext, data: unknown): void {
  const at: Path = ['spec', 'loadBalancer', 'listeners'];
  const listeners = get(data, at);
  if (!Array.isArray(listeners)) return;
  const seen = new Map<number, number>();
  listeners.forEach((l, i) => {
    const port = int(get(l, ['port']));
    if (port === undefined) return;
    const first = seen.get(port);
    if (first === undefined) seen.set(port, i);
    else ctx.report([...at, i, 'port'], `port ${port} is already used by listener ${first + 1}`);
  });
}

function checkScalingRule(ctx: DocContext, data: unknown, rule: 'scaleOut' | 'scaleIn'): void {
  const at: Path = ['spec', 'scaling', rule];
  const period = seconds(get(data, [...at, 'period']));
  const periods = int(get(data, [...at, 'periods']));
  if (period === undefined) return;
  if (period !== 10 && period !== 30 && period % 60 !== 0) {
    ctx.report([...at, 'period'], `must be 10s, 30s or a multiple of 60s, got ${formatDuration(period)}`);
    return;
  }
  if (periods !== undefined && periods >= 1 && periods * period > 86400) {
    const total = formatDuration(periods * period);
    ctx.report([...at, 'periods'], `periods x period (${periods} x ${formatDuration(period)} = ${total}) must not exceed 1d`, { label: at });
  }
}

function checkScaling(ctx: DocContext, data: unknown): void {
  if (get(data, ['spec', 'scaling']) === undefined) return;
  checkScalingRule(ctx, data, 'scaleOut');
  checkScalingRule(ctx, data, 'scaleIn');
  const outT = num(get(data, ['spec', 'scaling', 'scaleOut', 'threshold']));
  const inT = num(get(data, ['spec', 'scaling', 'scaleIn', 'threshold']));
  if (outT !== undefined && inT !== undefined && inT >= outT) {
    ctx.report(['spec', 'scaling', 'scaleIn', 'threshold'], `scaleIn.threshold (${inT}) must be below scaleOut.threshold (${outT})`, {
      label: ['spec', 'scaling'],
    });
  }
}

/** Instance types must be ones EC2 knows (the schema only checked their shape). */
function checkInstanceTypes(ctx: DocContext, data: unknown): void {
  for (const at of [['spec', 'instances', 'type'], ['spec', 'image', 'bake', 'builderInstanceType']] as Path[]) {
    const type = get(data, at);
    if (typeof type !== 'string' || !/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(type)) continue;
    const problem = unknownInstanceTypeMessage(type);
    if (problem) ctx.report(at, problem);
  }
}

const CANARY_EXAMPLE = '[{setWeight: 10}, {pause: 5m}, {setWeight: 50}, {pause: 10m}, {setWeight: 100}]';

/** Canary steps: one kind per step, weights rising, nothing after 100; `canary` only with strategy canary. */
function checkCanary(ctx: DocContext, data: unknown): void {
  const at: Path = ['spec', 'deploy'];
  const strategy = get(data, [...at, 'strategy']);
  const canary = get(data, [...at, 'canary']);
  if (strategy === 'canary' && canary === undefined) {
    ctx.report([...at, 'strategy'], `strategy "canary" needs canary.steps, e.g. ${CANARY_EXAMPLE}`);
  }
  if (canary !== undefined && strategy !== 'canary') {
    ctx.report([...at, 'canary'], `is only used with strategy "canary" (strategy is ${JSON.stringify(strategy ?? 'blueGreen')})`, { target: 'key' });
  }
  const steps = get(canary, ['steps']);
  if (!Array.isArray(steps)) return;
  let previous: { weight: number; index: number } | undefined;
  steps.forEach((step, i) => {
    const here: Path = [...at, 'canary', 'steps', i];
    if (step === null || typeof step !== 'object' || Array.isArray(step)) return;
    const keys = ['setWeight', 'pause'].filter((k) => (step as Dict)[k] !== undefined);
    // A step of only unknown fields was already reported (with a did-you-mean) by the schema.
    if (!keys.length && Object.keys(step).length) return;
    if (keys.length !== 1) {
      ctx.report(here, keys.length ? 'a step is either setWeight or pause, not both' : `needs "setWeight" or "pause", e.g. ${CANARY_EXAMPLE}`);
      return;
    }
    if (previous?.weight === 100) {
      ctx.report(here, `follows setWeight 100 (step ${previous.index + 1}), which ends the canary: remove it`);
      return;
    }
    const weight = int((step as Dict).setWeight);
    if (weight === undefined) return;
    if (previous && weight <= previous.weight) {
      ctx.report([...here, 'setWeight'], `(${weight}) must be greater than the previous setWeight (${previous.weight} at step ${previous.index + 1})`);
    }
    previous = { weight: Math.max(weight, previous?.weight ?? 0), index: i };
  });
}

/** Run every cross-field rule on a document's plain data. */
export function checkSemantics(ctx: DocContext, data: unknown): void {
  checkCapacity(ctx, data);
  checkHealthCheck(ctx, data);
  checkListenerPorts(ctx, data);
  checkScaling(ctx, data);
  checkInstanceTypes(ctx, data);
  checkAnalysis(ctx, data);
  checkCanary(ctx, data);
  checkTargetGroupLoadBalancer(ctx, data);
}
