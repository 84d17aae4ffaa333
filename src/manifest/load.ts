/**
 * Load `kind: Fleet` manifests: YAML (all documents) → schema → cross-field rules → DesiredFleet[].
 * Every problem in a file is reported at once, each with file:line:col, as one ManifestError.
 */
import { readFileSync, statSync } from 'node:fs';
import { Composer, Document, LineCounter, Parser, isScalar } from 'yaml';
import type { DesiredFleet } from '../model/fleet';
import { ManifestError, ManifestProblem } from '../util/errors';
import { DocContext } from './doc-context';
import { duplicateKeyProblems } from './duplicate-keys';
import { MAX_NESTING_DEPTH, tooDeepAt } from './nesting';
import { describeValue, reportSchemaErrors } from './schema-messages';
import { schemaErrors } from './schema-validate';
import { checkSemantics } from './semantic-checks';
import { toDesiredFleet } from './to-desired';
import { positionOf } from './yaml-locate';

/** Manifests larger than this are rejected before parsing. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;
/** At most this many problems are listed per file; a flood of parse errors says little more. */
export const MAX_PROBLEMS = 50;
/** yaml's guard against alias ("billion laughs") expansion. */
export const MAX_ALIAS_COUNT = 100;

/** The message of anything thrown (errors from another realm too). */
export function causeOf(err: unknown): string {
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(err);
}

function problemAt(file: string, message: string, line = 1, col = 1): ManifestProblem {
  return { file, line, col, message };
}

function isEmptyDocument(doc: Document): boolean {
  const c = doc.contents;
  return c === null || (isScalar(c) && c.value === null);
}

function toPlain(ctx: DocContext): unknown {
  try {
    return ctx.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const cause = causeOf(err);
    ctx.report([], `expanding aliases: ${cause} (at most ${MAX_ALIAS_COUNT} alias uses)`);
    return undefined;
  }
}

function nameOf(data: unknown): string | undefined {
  const name = (data as { metadata?: { name?: unknown } })?.metadata?.name;
  return typeof name === 'string' ? name : undefined;
}

interface DocResult {
  ctx: DocContext;
  fleet?: DesiredFleet;
  name?: string;
}

function validateDocument(file: string, doc: Document, lc: LineCounter): DocResult {
  const ctx = new DocContext(file, doc, lc);
  for (const e of doc.errors.slice(0, MAX_PROBLEMS + 1)) {
    const { line, col } = positionOf(lc, e.pos[0]);
    ctx.problems.push(problemAt(file, `parsing YAML: ${e.message.split('\n')[0]}`, line, col));
  }
  ctx.problems.push(...duplicateKeyProblems(file, doc, lc, MAX_PROBLEMS + 1));
  if (ctx.problems.length) return { ctx };
  const data = toPlain(ctx);
  if (data === undefined) return { ctx };
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    ctx.report([], `a manifest document must be a mapping with apiVersion, kind, metadata and spec, got ${describeValue(data)}`);
    return { ctx };
  }
  reportSchemaErrors(ctx, schemaErrors(data));
  checkSemantics(ctx, data);
  if (ctx.problems.length) return { ctx, name: nameOf(data) };
  return { ctx, name: nameOf(data), fleet: toDesiredFleet(data, file, ctx.startLine()) };
}

function binaryProblem(file: string, text: string, lc: LineCounter): ManifestProblem | undefined {
  const nul = text.indexOf('\u0000');
  if (nul < 0) return undefined;
  const { line, col } = positionOf(lc, nul);
  return problemAt(file, 'reading manifest: the file looks binary (it contains NUL bytes)', line, col);
}

function loadUnchecked(text: string, file: string): DesiredFleet[] {
  if (Buffer.byteLength(text, 'utf8') > MAX_MANIFEST_BYTES) {
    throw new ManifestError([problemAt(file, `reading manifest: larger than the 1 MiB limit (${Buffer.byteLength(text, 'utf8')} bytes)`)]);
  }
  const lc = new LineCounter();
  // parseAllDocuments, in two steps: the syntax tree is checked for depth before it is composed.
  const tokens = Array.from(new Parser(lc.addNewLine).parse(text));
  const binary = binaryProblem(file, text, lc);
  if (binary) throw new ManifestError([binary]);
  const deep = tooDeepAt(tokens);
  if (deep !== undefined) {
    const { line, col } = positionOf(lc, deep);
    throw new ManifestError([problemAt(file, `parsing YAML: nesting is deeper than ${MAX_NESTING_DEPTH} levels`, line, col)]);
  }
  const docs = Array.from(new Composer({ uniqueKeys: false }).compose(tokens));
  const problems: ManifestProblem[] = [];
  const fleets: DesiredFleet[] = [];
  const seen = new Map<string, DocContext>();
  for (const doc of docs) {
    if (problems.length > MAX_PROBLEMS) break; // no more can be shown: stop validating
    if (!doc.errors.length && isEmptyDocument(doc)) continue;
    const { ctx, fleet, name } = validateDocument(file, doc, lc);
    const first = name === undefined ? undefined : seen.get(name);
    if (first) {
      // Both documents are named: neither wins.
      ctx.report(['metadata', 'name'], `duplicate fleet name "${name}" (also defined at line ${first.startLine()})`);
      first.report(['metadata', 'name'], `duplicate fleet name "${name}" (also defined at line ${ctx.startLine()})`);
      problems.push(first.problems[first.problems.length - 1]);
    } else if (name !== undefined) seen.set(name, ctx);
    problems.push(...ctx.problems);
    if (fleet && !ctx.problems.length) fleets.push(fleet);
  }
  if (!problems.length && !fleets.length) problems.push(problemAt(file, 'no Fleet documents found'));
  if (problems.length) throw new ManifestError(sortProblems(problems));
  return fleets;
}

function sortProblems(problems: ManifestProblem[]): ManifestProblem[] {
  const key = (p: ManifestProblem) => `${p.line}:${p.col}:${p.message}`;
  const unique = [...new Map(problems.map((p) => [key(p), p])).values()];
  const sorted = unique.sort((a, b) => a.line - b.line || a.col - b.col);
  if (sorted.length <= MAX_PROBLEMS) return sorted;
  const { file, line, col } = sorted[MAX_PROBLEMS];
  const more = problemAt(file, `too many problems: showing only the first ${MAX_PROBLEMS}`, line, col);
  return [...sorted.slice(0, MAX_PROBLEMS), more];
}

function unexpected(file: string, err: unknown): ManifestError {
  const cause = causeOf(err);
  return new ManifestError([problemAt(file, `reading manifest: input too complex to process (${cause})`)]);
}

/** Parse and validate manifest text. Throws ManifestError (and nothing else) listing every problem. */
export function loadManifestText(text: string, file: string): DesiredFleet[] {
  try {
    return loadUnchecked(String(text), file);
  } catch (err) {
    if (err instanceof ManifestError) throw err;
    throw unexpected(file, err);
  }
}

function readManifest(path: string): string {
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('not a regular file');
    if (st.size > MAX_MANIFEST_BYTES) throw new Error(`larger than the 1 MiB limit (${st.size} bytes)`);
    return readFileSync(path, 'utf8');
  } catch (err) {
    const cause = causeOf(err);
    throw new ManifestError([problemAt(path, `reading file: ${cause}`)]);
  }
}

/** Read, parse and validate a manifest file. Throws ManifestError (and nothing else). */
export function loadManifestFile(path: string): DesiredFleet[] {
  return loadManifestText(readManifest(path), path);
}
