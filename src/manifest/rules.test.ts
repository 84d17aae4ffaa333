/**
 * Every validation rule, table-driven: mutate the minimal example, expect one problem with
 * this message, pointing at text that starts with `at`.
 */
import { loadManifestText } from './load';
import { minimalWith, problemsOf, textAt } from '../../test/support/manifest';

type Case = [name: string, mutate: (d: any) => void, message: string, at: string];

const scaling = (d: any) => {
  d.spec.scaling = {
    scaleOut: { threshold: 70, periods: 2, period: '60s', adjustment: 1, cooldown: '300s' },
    scaleIn: { threshold: 30, periods: 5, period: '60s', adjustment: -1, cooldown: '300s' },
  };
  return d.spec.scaling;
};
const hc = (d: any) => d.spec.loadBalancer.healthCheck;
const SUBNET = 'subnet-0a1b2c3d4e5f60001';

const crossField: Case[] = [
  ['min > max', (d) => (d.spec.capacity = { min: 3, max: 2 }), 'spec.capacity: min (3) must not be greater than max (2)', '3'],
  ['desired above max', (d) => (d.spec.capacity = { min: 1, max: 2, desired: 5 }), 'spec.capacity: desired (5) must be between min (1) and max (2)', '5'],
  ['desired below min', (d) => (d.spec.capacity = { min: 2, max: 4, desired: 1 }), 'spec.capacity: desired (1) must be between min (2) and max (4)', '1'],
  ['health-check timeout equal to interval', (d) => Object.assign(hc(d), { interval: '10s', timeout: '10s' }),
    'spec.loadBalancer.healthCheck: timeout (10s) must be less than interval (10s)', '10s'],
  ['health-check timeout above interval', (d) => Object.assign(hc(d), { interval: '6s', timeout: '8s' }),
    'spec.loadBalancer.healthCheck: timeout (8s) must be less than interval (6s)', '8s'],
  ['HTTP target without a path', (d) => (hc(d).target = 'HTTP:80'),
    'spec.loadBalancer.healthCheck.target: HTTP targets need a path, e.g. "HTTP:80/health_check.php"', 'HTTP:80'],
  ['TCP target with a path', (d) => (hc(d).target = 'TCP:80/x'),
    'spec.loadBalancer.healthCheck.target: TCP targets must not have a path; use "TCP:80" or HTTP', 'TCP:80/x'],
  ['target port out of range', (d) => (hc(d).target = 'HTTP:70000/'), 'spec.loadBalancer.healthCheck.target: port 70000 in target must be between 1 and 65535', 'HTTP:70000/'],
  ['duplicate subnets', (d) => (d.spec.network.subnets = [SUBNET, SUBNET]),
    `spec.network.subnets[1]: duplicate entry "${SUBNET}" (same as item 1)`, SUBNET],
  ['duplicate listener ports', (d) => d.spec.loadBalancer.listeners.push({ protocol: 'TCP', port: 80, instanceProtocol: 'TCP', instancePort: 81 }),
    'spec.loadBalancer.listeners[1].port: port 80 is already used by listener 1', '80'],
  ['scaling period not 10s, 30s or a multiple of 60s', (d) => (scaling(d).scaleOut.period = '45s'),
    'spec.scaling.scaleOut.period: must be 10s, 30s or a multiple of 60s, got 45s', '45s'],
  ['scaling periods x period over a day', (d) => Object.assign(scaling(d).scaleIn, { periods: 25, period: '1h' }),
    'spec.scaling.scaleIn: periods x period (25 x 1h = 1d1h) must not exceed 1d', '25'],
  ['scaleIn threshold not below scaleOut', (d) => (scaling(d).scaleIn.threshold = 70),
    'spec.scaling: scaleIn.threshold (70) must be below scaleOut.threshold (70)', '70'],
  ['HTTPS listener without certificate', (d) => (d.spec.loadBalancer.listeners[0].protocol = 'HTTPS'),
    'spec.loadBalancer.listeners[0]: missing required field "sslCertificateId" (HTTPS and SSL listeners need a certificate)', 'protocol: HTTPS'],
  ['instance type typo', (d) => (d.spec.instances.type = 't3.smal'),
    'spec.instances.type: "t3.smal" is not a known EC2 instance type; did you mean "t3.small"? (known types: @aws-sdk/client-ec2', 't3.smal'],
  ['unknown builder instance type', (d) => (d.spec.image.bake = { baseAmi: 'ami-0a1b2c3d4e5f60001', repository: 'git@x:y.git', branch: 'main', buildScript: 'make', builderInstanceType: 'c5.huge' }),
    'spec.image.bake.builderInstanceType: "c5.huge" is not a known EC2 instance type', 'c5.huge'],
];

const ranges: Case[] = [
  ['health-check interval above 300s', (d) => (hc(d).interval = '301s'), 'spec.loadBalancer.healthCheck.interval: must be between 5s and 5m, got "301s"', '301s'],
  ['health-check interval below 5s', (d) => Object.assign(hc(d), { interval: '4s', timeout: '2s' }), 'spec.loadBalancer.healthCheck.interval: must be between 5s and 5m, got "4s"', '4s'],
  ['health-check timeout below 2s', (d) => (hc(d).timeout = '1s'), 'spec.loadBalancer.healthCheck.timeout: must be between 2s and 1m, got "1s"', '1s'],
  ['healthy threshold above 10', (d) => (hc(d).healthyThreshold = 11), 'spec.loadBalancer.healthCheck.healthyThreshold: must be at most 10, got 11', '11'],
  ['unhealthy threshold below 2', (d) => (hc(d).unhealthyThreshold = 1), 'spec.loadBalancer.healthCheck.unhealthyThreshold: must be at least 2, got 1', '1'],
  ['connection draining over an hour', (d) => (d.spec.loadBalancer.connectionDraining = '3601s'),
    'spec.loadBalancer.connectionDraining: must be between 0s and 1h, got "3601s"', '3601s'],
  ['scaling threshold over 100%', (d) => (scaling(d).scaleOut.threshold = 150), 'spec.scaling.scaleOut.threshold: must be at most 100, got 150', '150'],
  ['scaleOut adjustment not positive', (d) => (scaling(d).scaleOut.adjustment = 0), 'spec.scaling.scaleOut.adjustment: must be at least 1, got 0', '0'],
  ['scaleIn adjustment not negative', (d) => (scaling(d).scaleIn.adjustment = 1), 'spec.scaling.scaleIn.adjustment: must be at most -1, got 1', '1'],
  ['cooldown over a day', (d) => (scaling(d).scaleIn.cooldown = '2d'), 'spec.scaling.scaleIn.cooldown: must be between 0s and 1d, got "2d"', '2d'],
  ['max of zero', (d) => (d.spec.capacity = { min: 0, max: 0 }), 'spec.capacity.max: must be at least 1, got 0', '0'],
  ['minHealthyPercent over 100', (d) => (d.spec.deploy = { minHealthyPercent: 101 }), 'spec.deploy.minHealthyPercent: must be at most 100, got 101', '101'],
  ['no subnets', (d) => (d.spec.network.subnets = []), 'spec.network.subnets: needs at least 1 item(s)', '[]'],
  ['too many security groups', (d) => (d.spec.network.securityGroups = [1, 2, 3, 4, 5, 6].map((i) => `sg-0a1b2c3d4e5f6000${i}`)),
    'spec.network.securityGroups: allows at most 5 items, got 6', '- sg-0a1b2c3d4e5f60001'],
];

const shapes: Case[] = [
  ['wrong apiVersion', (d) => (d.apiVersion = 'v1'), 'apiVersion: must be "drover.dev/v1alpha1", got "v1"', 'v1'],
  ['wrong kind', (d) => (d.kind = 'Deployment'), 'kind: must be "Fleet", got "Deployment"', 'Deployment'],
  ['missing required section', (d) => delete d.spec.capacity, 'spec: missing required field "capacity"', 'spec:'],
  ['missing metadata', (d) => delete d.metadata, 'missing required field "metadata"', 'apiVersion:'],
  ['image without ami or bake', (d) => (d.spec.image = {}), 'spec.image: needs "ami" or "bake" (or both)', 'image: {}'],
  ['bad enum value', (d) => (d.spec.deploy = { strategy: 'blue-green' }),
    'spec.deploy.strategy: must be one of "blueGreen", "rolling", "canary", got "blue-green" (did you mean "blueGreen"?)', 'blue-green'],
  ['wrong type', (d) => (d.spec.capacity.min = 'two'), 'spec.capacity.min: must be a whole number, got "two"', 'two'],
  ['fractional count', (d) => (d.spec.capacity.max = 2.5), 'spec.capacity.max: must be a whole number, got 2.5', '2.5'],
  ['mapping where a list belongs', (d) => (d.spec.network.subnets = { a: 1 }), 'spec.network.subnets: must be a list, got a mapping', 'a: 1'],
  ['number where text belongs', (d) => (d.metadata.labels = { team: 7 }), 'metadata.labels.team: must be a string, got 7 (quote it)', '7'],
  ['empty section', (d) => (d.spec.instances = null), 'spec.instances: must be a mapping, got nothing', 'null'],
  ['bare-number duration', (d) => (hc(d).interval = 30), 'spec.loadBalancer.healthCheck.interval: a bare number is not a duration: add a unit, e.g. "30s" (units: s, m, h, d)', '30'],
  ['duration without a known unit', (d) => (hc(d).interval = '30 seconds'),
    'spec.loadBalancer.healthCheck.interval: must be a duration like "30s", "5m" or "1h30m", got "30 seconds"', '30 seconds'],
  ['uppercase fleet name', (d) => (d.metadata.name = 'Shop'),
    'metadata.name: must be 2-32 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, got "Shop"', 'Shop'],
  ['fleet name too long', (d) => (d.metadata.name = `a${'b'.repeat(32)}`), 'metadata.name: must be 2-32 lowercase letters', 'abbb'],
  ['bad subnet id', (d) => (d.spec.network.subnets = ['subnet-xyz']),
    'spec.network.subnets[0]: must be a subnet id like "subnet-0a1b2c3d4e5f60001", got "subnet-xyz"', 'subnet-xyz'],
  ['bad ELB name', (d) => (d.spec.loadBalancer.name = '-shop'), 'spec.loadBalancer.name: must be a Classic ELB name', '-shop'],
  ['relative EFS mount path', (d) => (d.spec.storage = { efs: { name: 'media', mountPath: 'media' } }),
    'spec.storage.efs.mountPath: must be an absolute path like "/var/www/media", got "media"', 'media'],
  ['bad queue', (d) => (d.spec.events = { queue: 'my queue' }), 'spec.events.queue: must be an SQS queue name', 'my queue'],
  ['unknown field with a near miss', (d) => (d.spec.capacity.desird = 1), 'spec.capacity: unknown field "desird" (did you mean "desired"?)', 'desird: 1'],
  ['misspelt ami reported once', (d) => (d.spec.image = { amii: 'ami-0a1b2c3d4e5f60001' }), 'spec.image: unknown field "amii" (did you mean "ami"?)', 'amii'],
  ['unknown top-level field', (d) => (d.specs = {}), 'unknown field "specs" (did you mean "spec"?)', 'specs: {}'],
  ['unknown field far from any', (d) => (d.spec.capacity.zzzzzzzz = 1), 'spec.capacity: unknown field "zzzzzzzz" (known fields: min, max, desired, allowZero)', 'zzzzzzzz'],
];

describe.each([
  ['cross-field and AWS rules', crossField],
  ['ranges', ranges],
  ['shapes, types and names', shapes],
])('%s', (_group, cases) => {
  it.each(cases)('%s', (_name, mutate, message, at) => {
    const text = minimalWith(mutate);
    const problems = problemsOf(text);
    expect(problems.map((p) => p.message)).toEqual([expect.stringContaining(message)]);
    expect(problems[0].message.startsWith(message)).toBe(true);
    expect(textAt(text, problems[0]).startsWith(at)).toBe(true);
  });
});

describe('every problem at once', () => {
  it('reports problems from all rules and all documents in one error', () => {
    const a = minimalWith((d) => {
      d.spec.capacity = { min: 3, max: 2 };
      d.spec.instances = { tpye: 'c5.large' };
      hc(d).interval = 30;
    });
    const b = minimalWith((d) => {
      d.metadata.name = 'other';
      d.kind = 'Flet';
    });
    const problems = problemsOf(`${a}---\n${b}`);
    expect(problems.map((p) => p.message)).toEqual([
      'spec.instances: unknown field "tpye" (did you mean "type"?)',
      'spec.capacity: min (3) must not be greater than max (2)',
      expect.stringMatching(/^spec.loadBalancer.healthCheck.interval: a bare number/),
      'kind: must be "Fleet", got "Flet"',
    ]);
    const lines = problems.map((p) => p.line);
    expect([...lines].sort((x, y) => x - y)).toEqual(lines);
  });

  it('rejects the same fleet name twice in one file, pointing at both documents', () => {
    const one = minimalWith(() => undefined);
    const text = `${one}---\n${one}`;
    const problems = problemsOf(text);
    expect(problems).toHaveLength(2);
    const second = problems[1].line;
    expect(second).toBeGreaterThan(one.split('\n').length);
    expect(problems.map((p) => p.message)).toEqual([
      `metadata.name: duplicate fleet name "minimal" (also defined at line ${text.split('\n').indexOf('---') + 2})`,
      'metadata.name: duplicate fleet name "minimal" (also defined at line 1)',
    ]);
    for (const p of problems) expect(textAt(text, p)).toBe('minimal');
  });

  it('accepts both a pinned ami and a bake recipe', () => {
    const text = minimalWith((d) => {
      d.spec.image.bake = { baseAmi: 'ami-0a1b2c3d4e5f60001', repository: 'git@x:y.git', branch: 'main', buildScript: 'make', from: 'current' };
    });
    const [fleet] = loadManifestText(text, 'x.yaml');
    expect(fleet.image.ami).toBe('ami-0a1b2c3d4e5f60001');
    expect(fleet.image.bake?.from).toBe('current');
  });

  it('accepts an HTTPS listener with a certificate', () => {
    const text = minimalWith((d) => {
      d.spec.loadBalancer.listeners.push({
        protocol: 'HTTPS', port: 443, instanceProtocol: 'HTTP', instancePort: 80,
        sslCertificateId: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
      });
    });
    expect(loadManifestText(text, 'x.yaml')[0].loadBalancer.listeners[1].sslCertificateId).toMatch(/^arn:aws:acm/);
  });
});
