/** Map a valid `spec.deploy.analysis` to the model's checks, applying the schema's defaults. */
import type { AnalysisCheck, AnalysisSpec } from '../model/analysis';
import { parseDuration } from '../util/clock';
import { ANALYSIS_DEFAULTS } from './schema-analysis';

/* The input has passed the schema and semantic checks. */
type Raw = any;

function secs(text: string): number {
  return parseDuration(text) ?? 0;
}

function toCheck(c: Raw): AnalysisCheck {
  const out: AnalysisCheck = {
    name: c.name,
    namespace: c.namespace,
    metric: c.metric,
    dimensions: { ...c.dimensions },
    statistic: c.statistic,
    periodSeconds: secs(c.period ?? ANALYSIS_DEFAULTS.period),
    failureLimit: c.failureLimit ?? ANALYSIS_DEFAULTS.failureLimit,
    intervalSeconds: secs(c.interval ?? ANALYSIS_DEFAULTS.interval),
  };
  if (c.ratio) out.ratio = { metric: c.ratio.metric, scale: c.ratio.scale ?? 100, ...(c.ratio.statistic ? { statistic: c.ratio.statistic } : {}) };
  if (c.max !== undefined) out.max = c.max;
  if (c.maxRelative) out.maxRelative = { factor: c.maxRelative.factor, plus: c.maxRelative.plus ?? 0 };
  if (c.missingAsZero) out.missingAsZero = true;
  return out;
}

export function toAnalysis(raw: Raw): AnalysisSpec {
  return raw === 'default' ? 'default' : (raw as Raw[]).map(toCheck);
}
