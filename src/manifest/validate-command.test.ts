import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateFiles } from './validate-command';
import { example, fixture, minimalWith } from '../../test/support/manifest';

describe('validateFiles', () => {
  it('prints one ok line per good file and counts fleets', () => {
    const files = [example('magento-marketplace.yaml'), example('two-fleets.yaml')];
    const result = validateFiles(files);
    expect(result).toEqual({
      ok: true,
      fleets: 3,
      output: `${files[0]}: ok (1 fleet)\n${files[1]}: ok (2 fleets)`,
      files: [
        { file: files[0], ok: true, fleets: ['magento-marketplace'], problems: [] },
        { file: files[1], ok: true, fleets: ['storefront', 'admin'], problems: [] },
      ],
    });
  });

  it('gives each file its fleets and its FILE:LINE:COL problems, for -o json', () => {
    const bad = fixture('three-mistakes.yaml');
    const good = example('minimal.yaml');
    const result = validateFiles([bad, good, '/no/such/file.yaml']);
    expect(result.files.map((f) => [f.file, f.ok, f.problems.length > 0])).toEqual([[bad, false, true], [good, true, false], ['/no/such/file.yaml', false, true]]);
    expect(result.files[1].fleets).toHaveLength(1);
    for (const f of result.files) for (const p of f.problems) expect(p).toMatch(new RegExp(`^${f.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `));
    expect(result.files.flatMap((f) => f.problems)).toEqual(result.output.split('\n').filter((l) => !/: ok \(\d+ fleets?\)$/.test(l)));
  });

  it('prints FILE:LINE:COL: message for each problem, keeping good files', () => {
    const bad = fixture('three-mistakes.yaml');
    const good = example('minimal.yaml');
    const result = validateFiles([bad, good, '/no/such/file.yaml']);
    expect(result.ok).toBe(false);
    expect(result.fleets).toBe(1);
    const lines = result.output.split('\n');
    expect(lines).toHaveLength(5);
    expect(lines.slice(0, 3)).toEqual([
      `${bad}:19:10: spec.capacity: min (12) must not be greater than max (10)`,
      `${bad}:21:5: spec.capacity: unknown field "desird" (did you mean "desired"?)`,
      `${bad}:28:16: spec.loadBalancer.healthCheck: timeout (10s) must be less than interval (10s)`,
    ]);
    expect(lines[3]).toBe(`${good}: ok (1 fleet)`);
    expect(lines[4]).toMatch(/^\/no\/such\/file\.yaml:1:1: reading file: ENOENT/);
  });

  it('reports syntax errors and empty files', () => {
    const result = validateFiles([fixture('malformed.yaml'), fixture('empty.yaml')]);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/malformed\.yaml:\d+:\d+: parsing YAML: /);
    expect(result.output).toContain(`${fixture('empty.yaml')}:1:1: no Fleet documents found`);
  });

  it('rejects a fleet name used in two files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drover-validate-'));
    const a = join(dir, 'a.yaml');
    const b = join(dir, 'b.yaml');
    writeFileSync(a, minimalWith(() => undefined));
    writeFileSync(b, minimalWith(() => undefined));
    const result = validateFiles([a, b]);
    expect(result.ok).toBe(false);
    expect(result.fleets).toBe(0);
    expect(result.output).toBe(
      `${a}:1:1: duplicate fleet name "minimal" (also defined at ${b}:1); neither is used\n${b}:1:1: duplicate fleet name "minimal" (also defined at ${a}:1); neither is used`,
    );
  });
});
