/**
 * Properties of the manifest loader under hostile input: truncated and retyped examples, huge
 * numbers, deep nesting, binary junk, oversized files and alias bombs. Whatever comes in, the
 * loader returns fleets or throws a ManifestError (nothing else) whose every problem is located
 * (file, line >= 1, col >= 1) and says something, and it answers within a time bound.
 *
 * Time bounds are guards against pathological slowness, not benchmarks: 2 s per input, except
 * the documented worst case: 1 MiB of adversarial structure (deep brackets, 200k error lines,
 * 250k documents) spends up to about 5 s inside yaml's own parser, which is superlinear in
 * nesting and in error count; the 1 MiB size limit is what bounds it (WORST_CASE_MS).
 */
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ManifestError } from '../util/errors';
import { loadManifestFile, loadManifestText, MAX_MANIFEST_BYTES } from './load';
import { MAX_NESTING_DEPTH } from './nesting';
import { example } from './test-support';

const RUNS = { seed: 4242, numRuns: 200 };
const BOUND_MS = 2000;
const WORST_CASE_MS = 10_000;
const FILE = 'prop.yaml';

const EXAMPLES = ['magento-marketplace.yaml', 'minimal.yaml', 'two-fleets.yaml'].map((n) => readFileSync(example(n), 'utf8'));

/** Load `text`; assert the outcome is fleets or a well-formed ManifestError, in time. Returns the problems. */
function outcome(text: string, boundMs = BOUND_MS, file = FILE): ManifestError['problems'] {
  const started = performance.now();
  let problems: ManifestError['problems'] = [];
  try {
    expect(loadManifestText(text, file).length).toBeGreaterThan(0);
  } catch (err) {
    if (!(err instanceof ManifestError)) throw new Error(`loader threw ${String((err as Error)?.name)}: ${String((err as Error)?.message)}`);
    problems = err.problems;
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) checkProblem(p, file);
  }
  expect(performance.now() - started).toBeLessThan(boundMs);
  return problems;
}

function checkProblem(p: ManifestError['problems'][number], file: string): void {
  expect(p.file).toBe(file);
  expect(Number.isInteger(p.line) && p.line >= 1).toBe(true);
  expect(Number.isInteger(p.col) && p.col >= 1).toBe(true);
  expect(typeof p.message === 'string' && p.message.trim().length > 0).toBe(true);
}

function rejected(text: string, boundMs = BOUND_MS): ManifestError['problems'] {
  const problems = outcome(text, boundMs);
  expect(problems.length).toBeGreaterThan(0);
  return problems;
}

/** Paths to every scalar of a plain document. */
function scalarPaths(value: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return value.flatMap((v, i) => scalarPaths(v, [...at, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => scalarPaths(v, [...at, k]));
  return [at];
}

function setIn(root: any, path: Array<string | number>, value: unknown): any {
  const copy = structuredClone(root);
  let cur = copy;
  for (const seg of path.slice(0, -1)) cur = cur[seg];
  cur[path[path.length - 1]] = value;
  return copy;
}

const anyValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 20 }),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

const HUGE = ['1e308', '-1e308', '1e999', '-0', '-0.0', '.nan', 'NaN', '.inf', '-.inf', '18446744073709551616', '9007199254740993', '0x7fffffffffffffff', '0o777', '1_000', '+12', '2.', '1e-400'];

describe('the loader under hostile input', () => {
  it('never throws anything but a located ManifestError for examples truncated at any offset', () => {
    fc.assert(
      fc.property(fc.constantFrom(...EXAMPLES.keys()), fc.double({ min: 0, max: 1, noNaN: true }), (i, at) => {
        const text = EXAMPLES[i];
        outcome(text.slice(0, Math.floor(at * text.length)));
      }),
      RUNS,
    );
  });

  it('survives any scalar swapped for a value of another type', () => {
    const docs = EXAMPLES.slice(0, 2).map((t) => parse(t));
    fc.assert(
      fc.property(fc.constantFrom(0, 1), fc.nat(), anyValue, (i, pick, value) => {
        const paths = scalarPaths(docs[i]);
        const path = paths[pick % paths.length];
        outcome(stringify(setIn(docs[i], path, value)));
      }),
      RUNS,
    );
  });

  it('survives huge, negative-zero, NaN and 2**64 numbers in every numeric field, and never accepts a capacity of 2**64', () => {
    const text = EXAMPLES[0];
    const numeric = [...text.matchAll(/^(\s+\w+): (-?\d+)\b/gm)].map((m) => m.index!);
    fc.assert(
      fc.property(fc.constantFrom(...numeric), fc.constantFrom(...HUGE), (at, huge) => {
        const line = text.slice(at).split('\n')[0];
        outcome(text.slice(0, at) + line.replace(/: -?\d+/, `: ${huge}`) + text.slice(at + line.length));
      }),
      RUNS,
    );
    const problems = rejected(text.replace(/^(\s+)max: 10$/m, '$1max: 18446744073709551616'));
    expect(problems.map((p) => p.message).join('\n')).toMatch(/max/);
  });

  it('rejects nesting deeper than the limit (up to 5,000 levels of lists, maps and indentation) with a located problem', () => {
    const shapes = {
      flow: (n: number) => '['.repeat(n) + ']'.repeat(n),
      unclosed: (n: number) => '{a: '.repeat(n),
      dashes: (n: number) => '- '.repeat(n) + 'x',
      indented: (n: number) => Array.from({ length: Math.min(n, 1200) }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n'),
    };
    fc.assert(
      fc.property(fc.constantFrom(...(Object.keys(shapes) as Array<keyof typeof shapes>)), fc.integer({ min: MAX_NESTING_DEPTH + 1, max: 5000 }), fc.boolean(), (shape, depth, inSpec) => {
        const nested = shapes[shape](depth);
        const text = inSpec ? EXAMPLES[1].replace(/^spec:$/m, `spec:\n  labels:\n    ${nested.replace(/\n/g, '\n    ')}`) : nested;
        const messages = rejected(text).map((p) => p.message);
        // yaml's syntax parser itself recurses on compact nested sequences (`- - - x`) and may run
        // out of stack before the depth guard sees the tree: the loader reports that as too complex.
        const expected = shape === 'dashes' ? /nesting is deeper than 64 levels|input too complex to process/ : /nesting is deeper than 64 levels/;
        expect(messages).toContainEqual(expect.stringMatching(expected));
      }),
      { ...RUNS, numRuns: 60 },
    );
  });

  it('accepts nesting at the limit that is otherwise fine (the guard is not a false alarm)', () => {
    const labels = `{a: ${'['.repeat(MAX_NESTING_DEPTH - 3)}${']'.repeat(MAX_NESTING_DEPTH - 3)}}`;
    const problems = rejected(EXAMPLES[1].replace(/^spec:$/m, `spec:\n  labels: ${labels}`));
    expect(problems.some((p) => /nesting/.test(p.message))).toBe(false);
  });

  it('rejects 50,000 unclosed brackets with a ManifestError instead of crashing the process (yaml composes recursively)', () => {
    expect(rejected('['.repeat(50_000))[0].message).toMatch(/nesting is deeper than 64 levels/);
  });

  it('never throws anything else for random bytes, and names NUL bytes as binary', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4000 }), fc.constantFrom('utf8', 'latin1') as fc.Arbitrary<BufferEncoding>, (bytes, enc) => {
        const text = Buffer.from(bytes).toString(enc);
        const problems = outcome(text);
        if (text.includes('\u0000')) expect(problems.map((p) => p.message)).toEqual([expect.stringContaining('looks binary')]);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.nat({ max: EXAMPLES[0].length }), (at) => {
        expect(rejected(`${EXAMPLES[0].slice(0, at)}\u0000${EXAMPLES[0].slice(at)}`)[0].message).toMatch(/binary/);
      }),
      RUNS,
    );
  });

  it('rejects a 10 MB manifest fast, saying how large it is (text and file)', () => {
    const big = `# ${'x'.repeat(10 * 1024 * 1024)}\n`;
    const bytes = Buffer.byteLength(big);
    const started = performance.now();
    expect(rejected(big, 500)[0].message).toBe(`reading manifest: larger than the 1 MiB limit (${bytes} bytes)`);
    const dir = mkdtempSync(join(tmpdir(), 'drover-prop-'));
    try {
      const path = join(dir, 'huge.yaml');
      writeFileSync(path, big);
      expect(() => loadManifestFile(path)).toThrow(new RegExp(`larger than the 1 MiB limit \\(${bytes} bytes\\)`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(performance.now() - started).toBeLessThan(2000);
    expect(bytes).toBeGreaterThan(MAX_MANIFEST_BYTES);
  });

  it('rejects alias bombs of any shape quickly, naming the alias limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 12 }), fc.integer({ min: 4, max: 12 }), fc.boolean(), (levels, fanout, inSpec) => {
        const rows = [`l0: &l0 [${Array(fanout).fill('"lol"').join(', ')}]`];
        for (let i = 1; i < levels; i++) rows.push(`l${i}: &l${i} [${Array(fanout).fill(`*l${i - 1}`).join(', ')}]`);
        const bomb = inSpec ? EXAMPLES[1].replace(/^spec:$/m, `spec:\n  labels:\n${rows.map((r) => `    ${r}`).join('\n')}`) : rows.join('\n');
        expect(rejected(bomb).map((p) => p.message).join('\n')).toMatch(/alias/);
      }),
      { ...RUNS, numRuns: 50 },
    );
  });

  it('answers adversarial structure within the worst-case bound, with at most 51 located problems', () => {
    // Sized to keep this file quick; at the full 1 MiB each of these stays within WORST_CASE_MS.
    const cases = [
      '['.repeat(300_000),
      ':\n'.repeat(150_000), // 150k duplicate null keys: a spread of every problem once overflowed the stack
      '- a\n'.repeat(150_000), // a 150k-item list: once spread onto a stack, overflowing it
      Array.from({ length: 40_000 }, (_, i) => `k${i}: 1`).join('\n'), // 40k unknown fields: once 40k spelling suggestions
      'x: 1\n---\n'.repeat(20_000), // 20k bad documents: validation stops once the problem list is full
    ];
    for (const text of cases) {
      const problems = rejected(text, WORST_CASE_MS);
      expect(problems.length).toBeLessThanOrEqual(51);
      expect(problems.some((p) => /too complex|call stack/.test(p.message))).toBe(false);
    }
  });
});
