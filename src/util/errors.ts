/**
 * One base error for drover. `source` says whose fault it is, `retryable` whether the
 * controller should back off and try again, `code` is stable for status and logs.
 */

export type ErrorSource = 'user' | 'controller' | 'aws';

export class DroverError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly source: ErrorSource;

  constructor(message: string, opts: { code: string; retryable?: boolean; source: ErrorSource; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = opts.code;
    this.retryable = opts.retryable ?? false;
    this.source = opts.source;
  }
}

/** A manifest problem, located in its file. */
export interface ManifestProblem {
  file: string;
  line: number;
  col: number;
  message: string;
}

export class ManifestError extends DroverError {
  readonly problems: ManifestProblem[];
  constructor(problems: ManifestProblem[]) {
    super(problems.map(formatProblem).join('\n'), { code: 'ManifestInvalid', source: 'user' });
    this.problems = problems;
  }
}

export function formatProblem(p: ManifestProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

/** Prefix an error with a gerund context, keeping the cause: `describing instances for fleet x: <cause>`. */
export function withContext(context: string, err: unknown): DroverError {
  if (err instanceof DroverError) {
    const wrapped = new DroverError(`${context}: ${err.message}`, {
      code: err.code,
      retryable: err.retryable,
      source: err.source,
      cause: err,
    });
    return wrapped;
  }
  const message = err instanceof Error ? err.message : String(err);
  return new DroverError(`${context}: ${message}`, { code: 'Unknown', source: 'controller', cause: err });
}
