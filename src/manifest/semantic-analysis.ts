/**
 * Rules on `spec.deploy.analysis` that JSON Schema cannot express: one threshold per check,
 * placeholders CloudWatch dimensions can take, a `{green}` to compare with blue, CloudWatch
 * periods and statistics, unique names. Tolerates what the schema already reported.
 */
import { formatDuration, parseDuration } from '../util/clock';
import { DocContext } from './doc-context';
import { Path } from './yaml-locate';

type Dict = Record<string, unknown>;

const PLACEHOLDER_DIMENSIONS = ['TargetGroup', 'LoadBalancer', 'LoadBalancerName', 'AutoScalingGroupName'];
const STATISTIC = /^(Sum|Average|Minimum|Maximum|SampleCount|p(100|\d{1,2}(\.\d+)?))$/;

function dict(v: unknown): Dict | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Dict) : undefined;
}

function seconds(v: unknown): number | undefined {
  return typeof v === 'string' && /^([0-9]{1,9}[smhd])+$/.test(v) ? parseDuration(v) : undefined;
}

function checkThreshold(ctx: DocContext, at: Path, c: Dict): void {
  if (c.max !== undefined && c.maxRelative !== undefined) {
    ctx.report([...at, 'maxRelative'], 'give max or maxRelative, not both', { target: 'key', label: at });
  } else if (c.max === undefined && c.maxRelative === undefined) {
    ctx.report(at, 'needs a threshold: "max" (absolute) or "maxRelative" ({factor, plus}: green ≤ factor × blue + plus)', { target: 'key' });
  }
}

function checkDimensions(ctx: DocContext, at: Path, c: Dict): void {
  const dims = dict(c.dimensions);
  if (!dims) return;
  let green = false;
  for (const [name, value] of Object.entries(dims)) {
    if (typeof value !== 'string' || !value.includes('{')) continue;
    const m = /^\{(green|blue)\}$/.exec(value);
    const where: Path = [...at, 'dimensions', name];
    if (!m) {
      const hint = /\{\s*(gr|bl)/i.test(value) ? '; the whole value must be "{green}" or "{blue}"' : '';
      ctx.report(where, `unknown placeholder in ${JSON.stringify(value)}: use "{green}" or "{blue}"${hint}`);
    } else if (!PLACEHOLDER_DIMENSIONS.includes(name)) {
      ctx.report(where, `dimension ${name} cannot take ${value}: placeholders stand for ${PLACEHOLDER_DIMENSIONS.join(', ')}`);
    } else if (m[1] === 'green') {
      green = true;
    }
  }
  if (c.maxRelative !== undefined && !green) {
    ctx.report([...at, 'maxRelative'], 'compares green with blue, so a dimension must be "{green}" (e.g. TargetGroup: "{green}")', { target: 'key', label: at });
  }
}

function checkPeriodAndStatistic(ctx: DocContext, at: Path, c: Dict): void {
  const period = seconds(c.period);
  if (period !== undefined && period !== 10 && period !== 30 && period % 60 !== 0) {
    ctx.report([...at, 'period'], `must be 10s, 30s or a multiple of 60s, got ${formatDuration(period)}`);
  }
  for (const field of [['statistic'], ['ratio', 'statistic']]) {
    const v = field.length === 1 ? c.statistic : dict(c.ratio)?.statistic;
    if (typeof v === 'string' && !STATISTIC.test(v)) {
      ctx.report([...at, ...field], `must be Sum, Average, Minimum, Maximum, SampleCount or a percentile such as p99, got ${JSON.stringify(v)}`);
    }
  }
}

/** Every rule on the analysis list of a document's plain data. */
export function checkAnalysis(ctx: DocContext, data: unknown): void {
  const at: Path = ['spec', 'deploy', 'analysis'];
  const list = dict(dict(dict(data)?.spec)?.deploy)?.analysis;
  if (!Array.isArray(list)) return;
  const names = new Map<string, number>();
  list.forEach((item, i) => {
    const c = dict(item);
    if (!c) return;
    const here: Path = [...at, i];
    if (typeof c.name === 'string') {
      const first = names.get(c.name);
      if (first === undefined) names.set(c.name, i);
      else ctx.report([...here, 'name'], `check name "${c.name}" is already used by check ${first + 1}`);
    }
    checkThreshold(ctx, here, c);
    checkDimensions(ctx, here, c);
    checkPeriodAndStatistic(ctx, here, c);
  });
}
