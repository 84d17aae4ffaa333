/**
 * Support for the manifest tests (moved out of src/ so the build ships no test code): fixture and
 * example paths, mutating the minimal example, and collecting the problems a text produces.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadManifestText } from '../../src/manifest/load';
import { ManifestError, ManifestProblem } from '../../src/util/errors';

export const ROOT = join(__dirname, '..', '..');
export const EXAMPLES = join(ROOT, 'manifests', 'examples');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'manifests');

export function example(name: string): string {
  return join(EXAMPLES, name);
}

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** The problems loading `text` reports; fails the test if it loads cleanly or throws something else. */
export function problemsOf(text: string, file = 'test.yaml'): ManifestProblem[] {
  try {
    loadManifestText(text, file);
  } catch (err) {
    if (err instanceof ManifestError) return err.problems;
    throw err;
  }
  throw new Error('expected the manifest to be rejected');
}

/** The minimal example as plain data, for tests to mutate. */
export function minimalData(): any {
  return parse(readFileSync(example('minimal.yaml'), 'utf8'));
}

/** YAML for the minimal example after `mutate`. */
export function minimalWith(mutate: (doc: any) => void): string {
  const doc = minimalData();
  mutate(doc);
  return stringify(doc);
}

/** The text of the line a problem points at. */
export function lineOf(text: string, p: ManifestProblem): string {
  return text.split('\n')[p.line - 1] ?? '';
}

/** The text starting at a problem's line and column. */
export function textAt(text: string, p: ManifestProblem): string {
  return lineOf(text, p).slice(p.col - 1);
}
