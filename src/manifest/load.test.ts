import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifestFile, loadManifestText, MAX_MANIFEST_BYTES } from './load';
import { ManifestError } from '../util/errors';
import { example, fixture, lineOf, minimalWith, problemsOf, textAt } from '../../test/support/manifest';

describe('loading the examples', () => {
  it('loads the flagship magento-marketplace example exactly', () => {
    const [fleet, ...rest] = loadManifestFile(example('magento-marketplace.yaml'));
    expect(rest).toHaveLength(0);
    expect(fleet.name).toBe('magento-marketplace');
    expect(fleet.source).toEqual({ file: example('magento-marketplace.yaml'), line: 11 });
    expect(fleet.network).toEqual({
      subnets: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
      securityGroups: ['sg-0a1b2c3d4e5f60001'],
    });
    expect(fleet.image.ami).toBe('ami-0a1b2c3d4e5f60001');
    expect(fleet.image.bake).toMatchObject({ baseAmi: 'ami-0a1b2c3d4e5f60001', branch: 'master', timeoutSeconds: 1800, from: 'base' });
    for (const step of ['composer install', 'setup:upgrade --keep-generated', 'setup:di:compile', 'setup:static-content:deploy', 'deploy:mode:set production']) {
      expect(fleet.image.bake?.buildScript).toContain(step);
    }
    expect(fleet.instances.type).toBe('c5.large');
    expect(fleet.capacity).toEqual({ min: 2, max: 10, desired: 2 });
    expect(fleet.loadBalancer.listeners).toEqual([{ protocol: 'HTTP', port: 80, instanceProtocol: 'HTTP', instancePort: 80 }]);
    expect(fleet.loadBalancer.healthCheck).toEqual({
      target: 'HTTP:80/health_check.php',
      intervalSeconds: 30,
      timeoutSeconds: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 3,
    });
    expect(fleet.loadBalancer.connectionDrainingSeconds).toBe(300);
    expect(fleet.storage?.efs).toEqual({ name: 'magento-media', mountPath: '/var/www/magento/pub/media', encrypted: true, performanceMode: 'generalPurpose' });
    expect(fleet.scaling?.scaleOut).toEqual({ metric: 'CPUUtilization', threshold: 70, periods: 2, periodSeconds: 60, adjustment: 1, cooldownSeconds: 300 });
    expect(fleet.scaling?.scaleIn).toEqual({ metric: 'CPUUtilization', threshold: 30, periods: 5, periodSeconds: 60, adjustment: -1, cooldownSeconds: 300 });
    expect(fleet.deploy).toMatchObject({ strategy: 'blueGreen', healthyTimeoutSeconds: 600, soakSeconds: 300, keepPreviousSeconds: 3600 });
    expect(fleet.events).toEqual({ queue: 'drover-events' });
  });

  it('applies every default to the minimal example', () => {
    const [fleet] = loadManifestFile(example('minimal.yaml'));
    expect(fleet.capacity).toEqual({ min: 1, max: 2, desired: 1 });
    expect(fleet.labels).toEqual({});
    expect(fleet.loadBalancer).toMatchObject({
      name: 'minimal',
      connectionDrainingSeconds: 300,
      crossZone: true,
      healthCheckGracePeriodSeconds: 300,
    });
    expect(fleet.deploy).toEqual({
      strategy: 'blueGreen',
      healthyTimeoutSeconds: 600,
      soakSeconds: 300,
      keepPreviousSeconds: 3600,
      rollbackOnAlarms: [],
      minHealthyPercent: 90,
    });
    expect(fleet.storage).toBeUndefined();
    expect(fleet.scaling).toBeUndefined();
    expect(fleet.events).toBeUndefined();
    expect(fleet.image).toEqual({ ami: 'ami-0a1b2c3d4e5f60001', retain: 3 });
  });

  it('applies bake, efs and scaling defaults when those sections are given sparsely', () => {
    const text = minimalWith((d) => {
      d.spec.image.bake = { baseAmi: 'ami-0a1b2c3d4e5f60002', repository: 'r', branch: 'main', buildScript: 'make' };
      d.spec.storage = { efs: { name: 'media', mountPath: '/srv/media' } };
      d.spec.scaling = {
        scaleOut: { threshold: 80, periods: 1, period: '30s', adjustment: 2 },
        scaleIn: { threshold: 20, periods: 3, period: '10s', adjustment: -1 },
      };
    });
    const [fleet] = loadManifestText(text, 'f.yaml');
    expect(fleet.image.bake).toEqual({
      baseAmi: 'ami-0a1b2c3d4e5f60002', repository: 'r', branch: 'main', buildScript: 'make',
      builderInstanceType: 'c5.xlarge', timeoutSeconds: 1800, from: 'base',
    });
    expect(fleet.storage?.efs).toEqual({ name: 'media', mountPath: '/srv/media', encrypted: true, performanceMode: 'generalPurpose' });
    expect(fleet.scaling?.scaleOut).toEqual({ metric: 'CPUUtilization', threshold: 80, periods: 1, periodSeconds: 30, adjustment: 2, cooldownSeconds: 300 });
  });

  it('loads several fleets from one multi-document file, each with its own start line', () => {
    const fleets = loadManifestFile(example('two-fleets.yaml'));
    expect(fleets.map((f) => f.name)).toEqual(['storefront', 'admin']);
    const lines = readFileSync(example('two-fleets.yaml'), 'utf8').split('\n');
    for (const f of fleets) expect(lines[f.source.line - 1]).toBe('apiVersion: drover.dev/v1alpha1');
    expect(fleets[1].loadBalancer.name).toBe('admin-elb');
    expect(fleets[1].deploy).toMatchObject({ strategy: 'rolling', minHealthyPercent: 0, soakSeconds: 300 });
  });

  it('skips null documents between separators', () => {
    const one = readFileSync(example('minimal.yaml'), 'utf8');
    expect(loadManifestText(`---\n---\n${one}\n---\n# just a comment\n---\n`, 'x.yaml')).toHaveLength(1);
  });
});

describe('the three-mistakes fixture', () => {
  it('reports exactly its three mistakes, each at the offending node', () => {
    const file = fixture('three-mistakes.yaml');
    const text = readFileSync(file, 'utf8');
    let err: unknown;
    try {
      loadManifestFile(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ManifestError);
    const problems = (err as ManifestError).problems;
    expect(problems.map((p) => `${p.line}:${p.col}: ${p.message}`)).toEqual([
      '19:10: spec.capacity: min (12) must not be greater than max (10)',
      '21:5: spec.capacity: unknown field "desird" (did you mean "desired"?)',
      '28:16: spec.loadBalancer.healthCheck: timeout (10s) must be less than interval (10s)',
    ]);
    expect(problems.every((p) => p.file === file)).toBe(true);
    expect(textAt(text, problems[0])).toBe('12');
    expect(textAt(text, problems[1])).toBe('desird: 11');
    expect(textAt(text, problems[2])).toBe('10s');
    expect((err as ManifestError).message.split('\n')[0]).toBe(`${file}:19:10: spec.capacity: min (12) must not be greater than max (10)`);
  });
});

describe('files that are not manifests', () => {
  it('reports YAML syntax errors with their location', () => {
    const problems = problemsOf(readFileSync(fixture('malformed.yaml'), 'utf8'), 'malformed.yaml');
    expect(problems.length).toBeGreaterThanOrEqual(1);
    expect(problems[0].message).toMatch(/^parsing YAML: .*Flow sequence/);
    expect(problems[0].line).toBeGreaterThanOrEqual(8);
    expect(problems[0].line).toBeLessThanOrEqual(9);
  });

  it.each([
    ['an empty file', ''],
    ['only comments', readFileSync(fixture('empty.yaml'), 'utf8')],
    ['only separators', '---\n---\n'],
  ])('rejects %s with "no Fleet documents found"', (_name, text) => {
    expect(problemsOf(text)).toEqual([{ file: 'test.yaml', line: 1, col: 1, message: 'no Fleet documents found' }]);
  });

  it.each([
    ['a list', '- a\n- b\n', 'got a list'],
    ['a scalar', 'hello\n', 'got "hello"'],
    ['a number', '42\n', 'got 42'],
  ])('rejects a document that is %s', (_name, text, got) => {
    const [p] = problemsOf(text);
    expect(p.message).toBe(`a manifest document must be a mapping with apiVersion, kind, metadata and spec, ${got}`);
    expect([p.line, p.col]).toEqual([1, 1]);
  });

  it('reports a non-mapping second document at its own line', () => {
    const one = readFileSync(example('minimal.yaml'), 'utf8');
    const text = `${one}---\n- x\n`;
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(lineOf(text, problems[0])).toBe('- x');
  });

  it('reports repeated keys at the second occurrence', () => {
    const text = minimalWith(() => undefined).replace('region: eu-west-1', 'region: eu-west-1\n  region: eu-west-2');
    const [p] = problemsOf(text);
    expect(p.message).toBe('parsing YAML: duplicate key "region" (first at line 6)');
    expect(lineOf(text, p)).toBe('  region: eu-west-2');
  });

  it('rejects keys that are collections', () => {
    const text = minimalWith(() => undefined).replace('region: eu-west-1', 'region: eu-west-1\n  ? [a, b]\n  : 1');
    const [p] = problemsOf(text);
    expect(p.message).toBe('parsing YAML: keys must be plain names, not lists, mappings or aliases');
    expect(lineOf(text, p)).toBe('  ? [a, b]');
  });

  it('treats __proto__ as an unknown field without polluting prototypes', () => {
    const text = minimalWith(() => undefined).replace('spec:\n', '__proto__: {polluted: 1}\nspec:\n');
    expect(problemsOf(text).map((p) => p.message)).toEqual([expect.stringMatching(/^unknown field "__proto__"/)]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects binary content', () => {
    const [p] = problemsOf('apiVersion: \u0000\u0001\u0002\n');
    expect(p.message).toMatch(/looks binary/);
  });

  it('stops alias bombs', () => {
    const rows = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [n, prev] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd']]) {
      rows.push(`${n}: &${n} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const [p] = problemsOf(rows.join('\n'));
    expect(p.message).toMatch(/^expanding aliases: .*at most 100 alias uses/);
  });

  it('allows a few aliases for shared values', () => {
    const text = minimalWith(() => undefined)
      .replace('subnets:\n      - subnet-0a1b2c3d4e5f60001', 'subnets: &nets\n      - subnet-0a1b2c3d4e5f60001');
    expect(loadManifestText(text, 'a.yaml')).toHaveLength(1);
  });
});

describe('size limit', () => {
  it('rejects text over 1 MiB before parsing', () => {
    const text = `# ${'x'.repeat(MAX_MANIFEST_BYTES)}\n`;
    const [p] = problemsOf(text);
    expect(p.message).toMatch(/^reading manifest: larger than the 1 MiB limit/);
  });

  it('rejects a 10 MB file without reading it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drover-manifest-'));
    const file = join(dir, 'huge.yaml');
    writeFileSync(file, Buffer.alloc(10 * 1024 * 1024, 0x61));
    expect(() => loadManifestFile(file)).toThrow(ManifestError);
    try {
      loadManifestFile(file);
    } catch (e) {
      expect((e as ManifestError).problems).toEqual([
        { file, line: 1, col: 1, message: `reading file: larger than the 1 MiB limit (${10 * 1024 * 1024} bytes)` },
      ]);
    }
  });

  it('reports a missing file as a problem, not a crash', () => {
    const [p] = (() => {
      try {
        loadManifestFile('/no/such/manifest.yaml');
      } catch (e) {
        return (e as ManifestError).problems;
      }
      return [];
    })();
    expect(p).toMatchObject({ file: '/no/such/manifest.yaml', line: 1, col: 1 });
    expect(p.message).toMatch(/^reading file: ENOENT/);
  });

  it('handles deep nesting without crashing', () => {
    expect(problemsOf('['.repeat(100000)).length).toBeGreaterThan(0);
    expect(problemsOf(`a: ${'{b: '.repeat(5000)}1${'}'.repeat(5000)}`).length).toBeGreaterThan(0);
  });

  it('caps the number of problems listed', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `k${i}: ${i}`).join('\n');
    const problems = problemsOf(text);
    expect(problems).toHaveLength(51);
    expect(problems[50].message).toBe('too many problems: showing only the first 50');
  });
});
