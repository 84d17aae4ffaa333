/**
 * The JSON Schema of `spec.deploy.analysis`: `default`, or a list of CloudWatch metric checks.
 * Rules across fields (one threshold, placeholders, periods, unique names) are in
 * semantic-analysis.ts.
 */
import { DURATION_KEYWORD } from './schema-defaults';

type JsonSchema = Record<string, unknown>;

const DAY = 86400;

/** Defaults of a check's optional fields (to-desired.ts applies them). */
export const ANALYSIS_DEFAULTS = { period: '1m', interval: '1m', failureLimit: 0 } as const;

function duration(description: string, min: number, max: number, def: string): JsonSchema {
  return { description, default: def, [DURATION_KEYWORD]: { min, max }, allOf: [{ $ref: '#/definitions/duration' }] };
}

const name: JsonSchema = { type: 'string', minLength: 1 };

const check: JsonSchema = {
  type: 'object',
  description: 'One metric check, measured on green after each canary step and during pauses. Give max or maxRelative.',
  additionalProperties: false,
  required: ['name', 'namespace', 'metric', 'dimensions', 'statistic'],
  properties: {
    name: { type: 'string', description: 'Name shown in status and events; unique in the list.', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$' },
    namespace: { ...name, description: 'CloudWatch namespace, e.g. AWS/ApplicationELB.', maxLength: 255 },
    metric: { ...name, description: 'Metric name (the numerator of a ratio), e.g. HTTPCode_Target_5XX_Count.', maxLength: 255 },
    dimensions: {
      type: 'object',
      description: 'Dimensions; "{green}" or "{blue}" stand for that side\'s target group (TargetGroup), load balancer (LoadBalancer, LoadBalancerName) or group (AutoScalingGroupName).',
      additionalProperties: { type: 'string', minLength: 1, maxLength: 1024 },
      maxProperties: 30,
    },
    statistic: { ...name, description: 'Sum, Average, Minimum, Maximum, SampleCount or a percentile such as p99.' },
    period: duration('Window of one measurement: 10s, 30s or a multiple of 60s.', 10, DAY, ANALYSIS_DEFAULTS.period),
    ratio: {
      type: 'object',
      description: 'Measure metric / ratio.metric × scale (metric math), e.g. the 5xx rate in percent.',
      additionalProperties: false,
      required: ['metric'],
      properties: {
        metric: { ...name, description: 'The denominator metric, same namespace and dimensions, e.g. RequestCount.' },
        statistic: { ...name, description: "The denominator's statistic; defaults to the check's." },
        scale: { type: 'number', description: 'Multiplier; 100 gives a percentage.', exclusiveMinimum: 0, default: 100 },
      },
    },
    max: { type: 'number', description: 'Fail when green is above this.' },
    maxRelative: {
      type: 'object',
      description: 'Fail when green > factor × blue + plus (blue measured the same way).',
      additionalProperties: false,
      required: ['factor'],
      properties: {
        factor: { type: 'number', minimum: 0, description: 'Multiplier of blue.' },
        plus: { type: 'number', minimum: 0, description: 'Added allowance.', default: 0 },
      },
    },
    missingAsZero: { type: 'boolean', description: 'No datapoint means 0 (count metrics AWS publishes only when non-zero).', default: false },
    failureLimit: { type: 'integer', minimum: 0, maximum: 1000, description: 'Failed measurements allowed; one more aborts the rollout.', default: ANALYSIS_DEFAULTS.failureLimit },
    interval: duration('Time between two measurements.', 10, DAY, ANALYSIS_DEFAULTS.interval),
  },
};

export const ANALYSIS_SCHEMA: JsonSchema = {
  description: '"default" (5xx count, 5xx rate and p99 latency of the load balancer) or a list of metric checks. A canary without it uses "default".',
  if: { type: 'string' },
  then: { enum: ['default'] },
  else: { type: 'array', minItems: 1, maxItems: 20, items: check },
};
