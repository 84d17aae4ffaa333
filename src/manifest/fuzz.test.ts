/** Properties: no input makes the loader throw anything but a well-formed ManifestError. */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { loadManifestText } from './load';
import { ManifestError } from '../util/errors';
import { example } from '../../test/support/manifest';

function outcome(text: string): 'ok' | 'rejected' {
  try {
    const fleets = loadManifestText(text, 'fuzz.yaml');
    expect(fleets.length).toBeGreaterThan(0);
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(ManifestError);
    const problems = (err as ManifestError).problems;
    expect(problems.length).toBeGreaterThan(0);
    const lines = text.split(/\r\n|\r|\n/).length;
    for (const p of problems) {
      expect(p.file).toBe('fuzz.yaml');
      expect(Number.isInteger(p.line) && p.line >= 1 && p.line <= lines + 1).toBe(true);
      expect(Number.isInteger(p.col) && p.col >= 1).toBe(true);
      expect(p.message.length).toBeGreaterThan(0);
    }
    return 'rejected';
  }
}

const flagship = readFileSync(example('magento-marketplace.yaml'), 'utf8');
const twoFleets = readFileSync(example('two-fleets.yaml'), 'utf8');

/** Replace, insert or delete a few characters of `base`. */
const mutated = (base: string) =>
  fc
    .array(
      fc.record({
        at: fc.nat({ max: base.length }),
        del: fc.nat({ max: 8 }),
        ins: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom(':', '-', ' ', '\n', '[', '{', '"', '&a', '*a', '---\n', '\t', '!!', '#')),
      }),
      { minLength: 1, maxLength: 4 },
    )
    .map((edits) => edits.reduce((s, e) => s.slice(0, e.at) + e.ins + s.slice(e.at + e.del), base));

/** Swap one scalar line's value for a random JSON-ish value. */
const revalued = (base: string) => {
  const lines = base.split('\n');
  const candidates = lines.map((l, i) => (/^\s*[A-Za-z]+: \S/.test(l) ? i : -1)).filter((i) => i >= 0);
  return fc
    .tuple(fc.constantFrom(...candidates), fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constantFrom('~', '[]', '{}', '1e999', '-0', '.nan', '99999999999999999999', '"x"', 'yes')))
    .map(([i, v]) => lines.map((l, j) => (j === i ? l.replace(/: .*$/, `: ${v}`) : l)).join('\n'));
};

describe('the loader never throws anything but ManifestError', () => {
  it('for random strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => void outcome(s)), { numRuns: 300 });
  });

  it('for random unicode and YAML-punctuation soup', () => {
    const soup = fc.array(fc.oneof(fc.constantFrom(...': -[]{}&*!|>#%@`\'",?\n\t'.split('')), fc.string({ unit: 'grapheme', maxLength: 3 })), { maxLength: 80 });
    fc.assert(fc.property(soup, (parts) => void outcome(parts.join(''))), { numRuns: 300 });
  });

  it('for mutations of the flagship example', () => {
    fc.assert(fc.property(mutated(flagship), (s) => void outcome(s)), { numRuns: 300 });
  });

  it('for mutations of the multi-document example', () => {
    fc.assert(fc.property(mutated(twoFleets), (s) => void outcome(s)), { numRuns: 150 });
  });

  it('for random values in place of the flagship example values', () => {
    fc.assert(fc.property(revalued(flagship), (s) => void outcome(s)), { numRuns: 300 });
  });
});
