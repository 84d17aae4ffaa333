/**
 * The JSON Schema of an ELBv2 fleet's `spec.loadBalancer.listener` and `targetGroup` (used when
 * `type` is application or network). Rules across fields (timeout < interval, path only on HTTP,
 * protocols per type, no Classic fields) are in semantic-target-group.ts.
 */
import { DURATION_KEYWORD } from './schema-defaults';

type JsonSchema = Record<string, unknown>;

/** Defaults of the target group's optional fields (to-desired-target-group.ts applies them). */
export const TARGET_GROUP_DEFAULTS = {
  interval: '30s',
  timeout: '5s',
  healthyThreshold: 5,
  unhealthyThreshold: 2,
  deregistrationDelay: '300s',
} as const;

function duration(description: string, min: number, max: number, def: string): JsonSchema {
  return { description, default: def, [DURATION_KEYWORD]: { min, max }, allOf: [{ $ref: '#/definitions/duration' }] };
}

const port: JsonSchema = { type: 'integer', minimum: 1, maximum: 65535 };

export const ELBV2_LISTENER_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'The one listener of an Application/Network Load Balancer; it forwards to the serving target group.',
  additionalProperties: false,
  required: ['port', 'protocol'],
  properties: {
    port: { ...port, description: 'Port the load balancer listens on.' },
    protocol: { type: 'string', description: 'HTTP or HTTPS (application), TCP or TLS (network).', enum: ['HTTP', 'HTTPS', 'TCP', 'TLS'] },
    certificateArn: { type: 'string', description: 'Certificate ARN for HTTPS/TLS listeners.', pattern: '^arn:aws[a-z-]*:(acm|iam):' },
  },
};

export const TARGET_GROUP_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'The template of the two target groups drover owns per fleet (<fleet>-blue and <fleet>-green).',
  additionalProperties: false,
  required: ['port', 'protocol'],
  properties: {
    port: { ...port, description: 'Port on the instances.' },
    protocol: { type: 'string', description: 'HTTP or HTTPS (application), TCP (network).', enum: ['HTTP', 'HTTPS', 'TCP'] },
    healthCheck: {
      type: 'object',
      description: 'Target health check.',
      additionalProperties: false,
      properties: {
        path: { type: 'string', description: 'HTTP(S) path to probe, e.g. /health_check.php; not for TCP.', pattern: '^/', maxLength: 1024 },
        interval: duration('Time between checks (5s-300s).', 5, 300, TARGET_GROUP_DEFAULTS.interval),
        timeout: duration('Time to wait for a response (2s-120s); must be less than interval.', 2, 120, TARGET_GROUP_DEFAULTS.timeout),
        healthyThreshold: { type: 'integer', description: 'Consecutive successes before healthy (2-10).', minimum: 2, maximum: 10, default: TARGET_GROUP_DEFAULTS.healthyThreshold },
        unhealthyThreshold: { type: 'integer', description: 'Consecutive failures before unhealthy (2-10).', minimum: 2, maximum: 10, default: TARGET_GROUP_DEFAULTS.unhealthyThreshold },
      },
    },
    deregistrationDelay: duration('How long a deregistered target drains (0s-3600s).', 0, 3600, TARGET_GROUP_DEFAULTS.deregistrationDelay),
  },
};
