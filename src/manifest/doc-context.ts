/**
 * One YAML document being validated: collects problems, each pointed at the node it is about.
 */
import { Document, LineCounter } from 'yaml';
import { ManifestProblem } from '../util/errors';
import { Path, Target, findNode, formatPath, positionOf, startOf } from './yaml-locate';

export interface ReportOptions {
  /** Point at the key rather than the value (unknown fields, missing children). */
  target?: Target;
  /** Path named at the start of the message; defaults to the path pointed at. */
  label?: Path;
}

/** Problems collected per document before the rest are only counted (keeps huge bad inputs fast). */
export const MAX_DOC_PROBLEMS = 100;

export class DocContext {
  readonly problems: ManifestProblem[] = [];

  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lineCounter: LineCounter,
  ) {}

  /** Record a problem about the node at `path`. */
  report(path: Path, message: string, opts: ReportOptions = {}): void {
    if (this.full()) return;
    const node = findNode(this.doc, path, opts.target ?? 'value');
    const { line, col } = positionOf(this.lineCounter, startOf(this.doc, node));
    const label = formatPath(opts.label ?? path);
    const full = label ? `${label}: ${message}` : message;
    const dup = this.problems.some((p) => p.line === line && p.col === col && p.message === full);
    if (!dup) this.problems.push({ file: this.file, line, col, message: full });
  }

  full(): boolean {
    return this.problems.length >= MAX_DOC_PROBLEMS;
  }

  /** 1-based line where the document's content starts. */
  startLine(): number {
    return positionOf(this.lineCounter, startOf(this.doc, undefined)).line;
  }
}
