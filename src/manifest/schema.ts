/**
 * The JSON Schema (draft-07) of a `kind: Fleet` manifest. This one object drives validation
 * (ajv) and is written to manifests/schema/fleet.schema.json for editors (write-schema.ts).
 * Rules that span fields (min <= max, timeout < interval, ...) live in semantic-checks.ts.
 */
import { API_VERSION, KIND_FLEET } from '../model/fleet';
import { DEFAULTS, DURATION_KEYWORD, DurationRange } from './schema-defaults';
import { ANALYSIS_SCHEMA } from './schema-analysis';
import { ELBV2_LISTENER_SCHEMA, TARGET_GROUP_SCHEMA } from './schema-target-group';

export type JsonSchema = Record<string, unknown>;

export const SCHEMA_ID = 'https://drover.dev/schema/v1alpha1/fleet.schema.json';

const DAY = 86400;

function obj(description: string, required: string[], properties: Record<string, JsonSchema>): JsonSchema {
  const out: JsonSchema = { type: 'object', description, additionalProperties: false };
  if (required.length) out.required = required;
  out.properties = properties;
  return out;
}

function ref(name: string, description: string, extra: JsonSchema = {}): JsonSchema {
  return { description, ...extra, allOf: [{ $ref: `#/definitions/${name}` }] };
}

function duration(description: string, range: DurationRange, def?: string): JsonSchema {
  const extra: JsonSchema = { [DURATION_KEYWORD]: range };
  if (def !== undefined) extra.default = def;
  return ref('duration', description, extra);
}

function str(description: string, extra: JsonSchema = {}): JsonSchema {
  return { type: 'string', description, ...extra };
}

function int(description: string, minimum: number, maximum: number, extra: JsonSchema = {}): JsonSchema {
  return { type: 'integer', description, minimum, maximum, ...extra };
}

const PROTOCOLS = ['HTTP', 'HTTPS', 'TCP', 'SSL'];

const definitions: Record<string, JsonSchema> = {
  duration: {
    type: 'string',
    description: 'A duration with units: 30s, 5m, 1h, 1h30m, 2d.',
    pattern: '^([0-9]{1,9}[smhd])+$',
  },
  fleetName: {
    type: 'string',
    description: 'Lowercase letters, digits and hyphens; 2-32 characters; starts with a letter.',
    pattern: '^[a-z][a-z0-9-]{0,30}[a-z0-9]$',
  },
  elbName: {
    type: 'string',
    description: 'Classic ELB name: up to 32 letters, digits and hyphens, not starting or ending with a hyphen.',
    pattern: '^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$',
  },
  region: { type: 'string', description: 'An AWS region such as eu-west-1.', pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]$' },
  subnetId: { type: 'string', description: 'A subnet id such as subnet-0a1b2c3d.', pattern: '^subnet-[0-9a-f]{8,17}$' },
  securityGroupId: { type: 'string', description: 'A security group id such as sg-0a1b2c3d.', pattern: '^sg-[0-9a-f]{8,17}$' },
  amiId: { type: 'string', description: 'An AMI id such as ami-0a1b2c3d.', pattern: '^ami-[0-9a-f]{8,17}$' },
  instanceType: { type: 'string', description: 'An EC2 instance type such as c5.large.', pattern: '^[a-z][a-z0-9-]*\\.[a-z0-9]+$' },
  protocol: { type: 'string', description: 'Listener protocol.', enum: PROTOCOLS },
  port: { type: 'integer', description: 'A TCP port.', minimum: 1, maximum: 65535 },
  healthCheckTarget: {
    type: 'string',
    description: 'PROTOCOL:PORT[/path]; HTTP and HTTPS need a path, TCP and SSL must not have one.',
    pattern: '^(HTTP|HTTPS|TCP|SSL):[0-9]{1,5}(/.*)?$',
  },
  certificateArn: { type: 'string', description: 'An ACM or IAM certificate ARN.', pattern: '^arn:aws[a-z-]*:(acm|iam):' },
  queue: {
    type: 'string',
    description: 'An SQS queue name or its https URL.',
    pattern: '^(https://[^\\s]+|[A-Za-z0-9_-]{1,75}(\\.fifo)?)$',
  },
};

const bake = obj('Bake a new AMI from a base image, a git repository and a build script.', ['baseAmi', 'repository', 'branch', 'buildScript'], {
  baseAmi: ref('amiId', 'The AMI the builder instance starts from.'),
  repository: str('Git repository to clone on the builder.', { minLength: 1 }),
  branch: str('Branch to build.', { minLength: 1 }),
  buildScript: str('Shell script run in the checkout on the builder.', { minLength: 1 }),
  builderInstanceType: ref('instanceType', 'Instance type of the builder.', { default: DEFAULTS.builderInstanceType }),
  timeout: duration('Give up on a bake after this long.', { min: 60, max: DAY }, DEFAULTS.bakeTimeout),
  from: {
    type: 'string',
    description: '`base`: builders start from baseAmi; `current`: from the fleet\'s current AMI.',
    enum: ['base', 'current'],
    default: DEFAULTS.bakeFrom,
  },
});

const listener: JsonSchema = {
  ...obj('One ELB listener. HTTPS and SSL listeners need sslCertificateId.', ['protocol', 'port', 'instanceProtocol', 'instancePort'], {
    protocol: ref('protocol', 'Protocol clients use.'),
    port: ref('port', 'Port the load balancer listens on.'),
    instanceProtocol: ref('protocol', 'Protocol to the instances.'),
    instancePort: ref('port', 'Port on the instances.'),
    sslCertificateId: ref('certificateArn', 'Certificate ARN for HTTPS/SSL listeners.'),
  }),
  if: { properties: { protocol: { enum: ['HTTPS', 'SSL'] } }, required: ['protocol'] },
  then: { required: ['sslCertificateId'] },
};

const healthCheck = obj('ELB health check.', ['target', 'interval', 'timeout', 'healthyThreshold', 'unhealthyThreshold'], {
  target: ref('healthCheckTarget', 'What to probe, e.g. HTTP:80/health_check.php or TCP:80.'),
  interval: duration('Time between checks (AWS: 5s-300s).', { min: 5, max: 300 }),
  timeout: duration('Time to wait for a response (AWS: 2s-60s); must be less than interval.', { min: 2, max: 60 }),
  healthyThreshold: int('Consecutive successes before InService (AWS: 2-10).', 2, 10),
  unhealthyThreshold: int('Consecutive failures before OutOfService (AWS: 2-10).', 2, 10),
});

const loadBalancerFields = obj('The load balancer in front of the fleet: a Classic ELB (the default) or, with `type`, an Application or Network Load Balancer with two target groups.', [], {
  type: { type: 'string', description: '`classic` (default): listeners + healthCheck; `application` or `network`: listener + targetGroup.', enum: ['classic', 'application', 'network'], default: 'classic' },
  listener: ELBV2_LISTENER_SCHEMA,
  targetGroup: TARGET_GROUP_SCHEMA,
  name: ref('elbName', 'Load balancer name; defaults to metadata.name.'),
  listeners: { type: 'array', description: 'Listeners (1-100).', minItems: 1, maxItems: 100, items: listener },
  healthCheck,
  connectionDraining: duration('Connection draining timeout; 0s disables draining.', { min: 0, max: 3600 }, DEFAULTS.connectionDraining),
  crossZone: { type: 'boolean', description: 'Cross-zone load balancing.', default: DEFAULTS.crossZone },
  healthCheckGracePeriod: duration(
    'How long the Auto Scaling group waits before trusting ELB health of a new instance.',
    { min: 0, max: DAY },
    DEFAULTS.healthCheckGracePeriod,
  ),
});

const loadBalancer: JsonSchema = {
  ...loadBalancerFields,
  if: { properties: { type: { enum: ['application', 'network'] } }, required: ['type'] },
  then: { required: ['listener', 'targetGroup'] },
  else: { required: ['listeners', 'healthCheck'] },
};

function scalingRule(direction: 'out' | 'in'): JsonSchema {
  const adjustment: JsonSchema =
    direction === 'out'
      ? int('Instances to add (positive).', 1, 1000)
      : int('Instances to remove (negative).', -1000, -1);
  const cmp = direction === 'out' ? 'above' : 'below';
  return obj(`Scale ${direction} when the average CPU stays ${cmp} threshold.`, ['threshold', 'periods', 'period', 'adjustment'], {
    metric: { type: 'string', description: 'CloudWatch metric.', enum: ['CPUUtilization'], default: DEFAULTS.scalingMetric },
    threshold: { type: 'number', description: 'Percent (0-100).', minimum: 0, maximum: 100 },
    periods: int('Evaluation periods; periods x period must not exceed one day.', 1, 1440),
    period: duration('Length of one period: 10s, 30s or a multiple of 60s.', { min: 10, max: DAY }),
    adjustment,
    cooldown: duration('Wait after a scaling activity before the next.', { min: 0, max: DAY }, DEFAULTS.scalingCooldown),
  });
}

const canaryStep = obj('One canary step: exactly one of `setWeight` or `pause`.', [], {
  setWeight: int("Percent of traffic sent to green (1-100, rising from step to step); green scales up before its weight rises.", 1, 100),
  pause: duration('Hold at the current weight, running analysis meanwhile.', { min: 1, max: DAY }),
});

const canary = obj('Canary strategy: the steps from blue to green, e.g. [{setWeight: 10}, {pause: 5m}, {setWeight: 50}, {pause: 10m}, {setWeight: 100}].', ['steps'], {
  steps: { type: 'array', description: 'Steps in order; a final setWeight 100 is implied when missing.', minItems: 1, maxItems: 50, items: canaryStep },
  onAbort: { type: 'string', description: 'After a failed analysis or an abort sends traffic back to blue: keep green for inspection or delete it.', enum: ['keep', 'delete'], default: DEFAULTS.canaryOnAbort },
  analysisInterval: duration('How often analysis runs during a pause.', { min: 10, max: DAY }, DEFAULTS.canaryAnalysisInterval),
});

const deploy = obj('How new AMIs roll out.', [], {
  strategy: { type: 'string', description: 'Rollout strategy.', enum: ['blueGreen', 'rolling', 'canary'], default: DEFAULTS.deployStrategy },
  healthyTimeout: duration('How long green may take to become fully InService.', { min: 1, max: DAY }, DEFAULTS.deployHealthyTimeout),
  soak: duration('How long green must stay healthy before blue is retired.', { min: 0, max: DAY }, DEFAULTS.deploySoak),
  keepPrevious: duration('How long the previous group is kept at 0 for a fast undo.', { min: 0, max: 7 * DAY }, DEFAULTS.deployKeepPrevious),
  rollbackOnAlarms: {
    type: 'array',
    description: 'CloudWatch alarm names watched during soak; one firing rolls back.',
    items: { type: 'string', minLength: 1, maxLength: 255 },
    uniqueItems: true,
    default: DEFAULTS.deployRollbackOnAlarms,
  },
  minHealthyPercent: int('Rolling strategy: minimum healthy percentage.', 0, 100, { default: DEFAULTS.deployMinHealthyPercent }),
  analysis: ANALYSIS_SCHEMA,
  canary,
});

const spec = obj('The desired fleet.', ['region', 'network', 'image', 'instances', 'capacity', 'loadBalancer'], {
  region: ref('region', 'AWS region.'),
  network: obj('Where instances run.', ['subnets', 'securityGroups'], {
    subnets: { type: 'array', description: 'Subnets (1-16, unique).', minItems: 1, maxItems: 16, uniqueItems: true, items: { $ref: '#/definitions/subnetId' } },
    securityGroups: { type: 'array', description: 'Security groups (1-5, unique).', minItems: 1, maxItems: 5, uniqueItems: true, items: { $ref: '#/definitions/securityGroupId' } },
  }),
  image: {
    ...obj('The AMI: `ami` pins one, `bake` builds new ones; give one or both.', [], {
      ami: ref('amiId', 'A pinned AMI.'),
      bake,
      retain: int('Baked images kept besides the serving image and the rollback target; older drover-owned images are deregistered and their snapshots deleted.', 1, 100, { default: DEFAULTS.imageRetain }),
    }),
    anyOf: [{ required: ['ami'] }, { required: ['bake'] }],
  },
  instances: obj('The instances.', ['type'], {
    type: ref('instanceType', 'EC2 instance type.'),
    keyName: str('EC2 key pair name.', { minLength: 1, maxLength: 255 }),
    userData: str('Shell user data; drover prepends its own EFS mount.', { maxLength: 16000 }),
  }),
  capacity: obj('Auto Scaling group size: 0 <= min <= desired <= max.', ['min', 'max'], {
    min: int('Minimum instances.', 0, 1000),
    max: int('Maximum instances.', 1, 1000),
    desired: int('Desired instances; defaults to min.', 0, 1000),
    allowZero: { type: 'boolean', description: 'Allow taking a running fleet to 0 instances (refused otherwise).', default: false },
  }),
  loadBalancer,
  storage: obj('Shared storage.', ['efs'], {
    efs: obj('An EFS file system mounted on every instance.', ['name', 'mountPath'], {
      name: str('File system name.', { minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }),
      mountPath: str('Absolute mount path.', { pattern: '^/[^\\s]*$' }),
      encrypted: { type: 'boolean', description: 'Encrypt at rest.', default: DEFAULTS.efsEncrypted },
      performanceMode: { type: 'string', description: 'EFS performance mode.', enum: ['generalPurpose', 'maxIO'], default: DEFAULTS.efsPerformanceMode },
    }),
  }),
  scaling: obj('CPU alarms and simple scaling policies.', ['scaleOut', 'scaleIn'], {
    scaleOut: scalingRule('out'),
    scaleIn: scalingRule('in'),
  }),
  deploy,
  events: obj('Where drover reads events from.', ['queue'], { queue: ref('queue', 'SQS queue name or URL.') }),
  deletion: { type: 'boolean', description: 'Delete every resource drover owns for this fleet (what `drover delete fleet` does), then keep it deleted.', default: false },
});

export const FLEET_SCHEMA: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: SCHEMA_ID,
  title: 'drover Fleet',
  ...obj('A fleet drover keeps exactly as described.', ['apiVersion', 'kind', 'metadata', 'spec'], {
    apiVersion: { type: 'string', description: 'Manifest API version.', const: API_VERSION },
    kind: { type: 'string', description: 'Manifest kind.', const: KIND_FLEET },
    metadata: obj('Identity of the fleet.', ['name'], {
      name: ref('fleetName', 'The fleet key; used in AWS resource names.'),
      labels: {
        type: 'object',
        description: "Labels to select fleets with -l (team=shop): keys of letters, digits, '.', '_', '/', '-'; values the same, possibly empty.",
        propertyNames: { pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$' },
        additionalProperties: { type: 'string', maxLength: 256, pattern: '^[A-Za-z0-9._/-]*$' },
      },
    }),
    spec,
  }),
  definitions,
};
