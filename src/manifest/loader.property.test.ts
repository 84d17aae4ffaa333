/**
 * Properties of the manifest loader under hostile input: truncated and retyped examples, huge
 * numbers, deep nesting, binary junk, oversized files and alias bombs. Whatever comes in, the
 * loader returns fleets or throws a ManifestError (nothing else) whose every problem is located
 * (file, line >= 1, col >= 1) and says something.
 *
 * Against pathological slowness the tests assert the work the loader does, not wall-clock time
 * (which flakes on a busy machine): an oversized file is never read and oversized text never
 * parsed, too-deep nesting is refused before the syntax tree is composed, alias expansion runs
 * under MAX_ALIAS_COUNT, and validation stops once the problem list is full. yaml's own parser
 * is superlinear in nesting and in error count; the 1 MiB size limit is what bounds it.
 */
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Composer, Document, Parser, parse, stringify } from 'yaml';
import { ManifestError } from '../util/errors';
import { loadManifestFile, loadManifestText, MAX_ALIAS_COUNT, MAX_MANIFEST_BYTES, MAX_PROBLEMS } from './load';
import * as schemaValidate from './schema-validate';

/** node:fs itself (not an import-star copy), so a spy sees the loader's reads. */
const nodeFs: typeof import('node:fs') = jest.requireActual('node:fs');
import { MAX_NESTING_DEPTH } from './nesting';
import { example } from '../../test/support/manifest';

const RUNS = { seed: 4242, numRuns: 200 };
const FILE = 'prop.yaml';

const EXAMPLES = ['magento-marketplace.yaml', 'minimal.yaml', 'two-fleets.yaml'].map((n) => readFileSync(example(n), 'utf8'));

/** Load `text`; assert the outcome is fleets or a well-formed ManifestError. Returns the problems. */
function outcome(text: string, file = FILE): ManifestError['problems'] {
  let problems: ManifestError['problems'] = [];
  try {
    expect(loadManifestText(text, file).length).toBeGreaterThan(0);
  } catch (err) {
    if (!(err instanceof ManifestError)) throw new Error(`loader threw ${String((err as Error)?.name)}: ${String((err as Error)?.message)}`);
    problems = err.problems;
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) checkProblem(p, file);
  }
  return problems;
}

function checkProblem(p: ManifestError['problems'][number], file: string): void {
  expect(p.file).toBe(file);
  expect(Number.isInteger(p.line) && p.line >= 1).toBe(true);
  expect(Number.isInteger(p.col) && p.col >= 1).toBe(true);
  expect(typeof p.message === 'string' && p.message.trim().length > 0).toBe(true);
}

function rejected(text: string): ManifestError['problems'] {
  const problems = outcome(text);
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

  afterEach(() => jest.restoreAllMocks());

  it('rejects a 10 MB manifest without parsing the text or reading the file, saying how large it is', () => {
    const big = `# ${'x'.repeat(10 * 1024 * 1024)}\n`;
    const bytes = Buffer.byteLength(big);
    const parse = jest.spyOn(Parser.prototype, 'parse');
    expect(rejected(big)[0].message).toBe(`reading manifest: larger than the 1 MiB limit (${bytes} bytes)`);
    expect(parse).not.toHaveBeenCalled();
    const dir = mkdtempSync(join(tmpdir(), 'drover-prop-'));
    try {
      const path = join(dir, 'huge.yaml');
      writeFileSync(path, big);
      const read = jest.spyOn(nodeFs, 'readFileSync');
      expect(() => loadManifestFile(path)).toThrow(new RegExp(`larger than the 1 MiB limit \\(${bytes} bytes\\)`));
      expect(read.mock.calls.filter(([p]) => p === path)).toEqual([]);
      expect(parse).not.toHaveBeenCalled();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(bytes).toBeGreaterThan(MAX_MANIFEST_BYTES);
  });

  it('rejects alias bombs of any shape, expanding under the alias limit and naming it', () => {
    const toJS = jest.spyOn(Document.prototype, 'toJS');
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 12 }), fc.integer({ min: 4, max: 12 }), fc.boolean(), (levels, fanout, inSpec) => {
        const rows = [`l0: &l0 [${Array(fanout).fill('"lol"').join(', ')}]`];
        for (let i = 1; i < levels; i++) rows.push(`l${i}: &l${i} [${Array(fanout).fill(`*l${i - 1}`).join(', ')}]`);
        const bomb = inSpec ? EXAMPLES[1].replace(/^spec:$/m, `spec:\n  labels:\n${rows.map((r) => `    ${r}`).join('\n')}`) : rows.join('\n');
        expect(rejected(bomb).map((p) => p.message).join('\n')).toMatch(/alias/);
      }),
      { ...RUNS, numRuns: 50 },
    );
    expect(toJS).toHaveBeenCalled();
    for (const [opts] of toJS.mock.calls) expect(opts).toEqual(expect.objectContaining({ maxAliasCount: MAX_ALIAS_COUNT }));
  });

  it('answers adversarial structure with at most 51 located problems, cutting the work short', () => {
    // Sized to keep this file quick; the 1 MiB limit bounds the full size.
    const compose = jest.spyOn(Composer.prototype, 'compose');
    const validate = jest.spyOn(schemaValidate, 'schemaErrors');
    const cases = [
      '['.repeat(300_000), // refused on depth before the syntax tree is composed
      ':\n'.repeat(150_000), // 150k duplicate null keys: a spread of every problem once overflowed the stack
      '- a\n'.repeat(150_000), // a 150k-item list: once spread onto a stack, overflowing it
      Array.from({ length: 40_000 }, (_, i) => `k${i}: 1`).join('\n'), // 40k unknown fields: once 40k spelling suggestions
      'x: 1\n---\n'.repeat(20_000), // 20k bad documents: validation stops once the problem list is full
    ];
    const composed: number[] = [];
    const validated: number[] = [];
    for (const text of cases) {
      compose.mockClear();
      validate.mockClear();
      const problems = rejected(text);
      composed.push(compose.mock.calls.length);
      validated.push(validate.mock.calls.length);
      expect(problems.length).toBeLessThanOrEqual(MAX_PROBLEMS + 1);
      expect(problems.some((p) => /too complex|call stack/.test(p.message))).toBe(false);
    }
    expect(composed[0]).toBe(0);
    expect(validated[4]).toBeGreaterThan(0);
    expect(validated[4]).toBeLessThanOrEqual(MAX_PROBLEMS + 1);
  });
});
