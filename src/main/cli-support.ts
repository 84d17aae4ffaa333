import { Command } from 'commander';
import type { LogFormat } from '../log/create-logger';
import type { Logger } from '../log/logger';
import { nearest } from '../manifest/suggest';
import { parseSelector, SelectorError, type Requirement } from '../status/label-selector';
import { parseDuration } from '../util/clock';
import { resolveStateDir } from './state-dir';

/** A usage error found after parsing (a bad value): exit code 2. */
export class UsageError extends Error {}

export interface GlobalOptions {
  sim?: boolean;
  stateDir?: string;
  /** `--state dynamodb://TABLE` or a directory (cli-state.ts); else DROVER_STATE, else the state directory. */
  state?: string;
  logLevel: string;
  logFormat?: LogFormat;
}

export interface CommandContext {
  global: GlobalOptions;
  stateDir: string;
  logger: Logger;
}

export function commandContext(cmd: Command): CommandContext {
  const global = cmd.optsWithGlobals() as GlobalOptions;
  const format: LogFormat = global.logFormat ?? (process.stderr.isTTY ? 'pretty' : 'json');
  let logger: Logger | undefined;
  return {
    global,
    stateDir: resolveStateDir(global.stateDir),
    // pino loads on first use: `get fleets` from the state directory never logs, and starts faster without it.
    get logger(): Logger {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { createLogger } = require('../log/create-logger') as typeof import('../log/create-logger');
      return (logger ??= createLogger({ level: global.logLevel, format }));
    },
  };
}

export function parseDurationFlag(name: string, value: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined) throw new UsageError(`${name}: "${value}" is not a duration (use 30s, 5m, 1h, 1h30m)`);
  return seconds;
}

export function parseOutputFlag(value: string | undefined, allowed: string[]): string {
  const o = value ?? 'table';
  if (!allowed.includes(o)) throw new UsageError(`-o: "${o}" is not one of ${allowed.join(', ')}`);
  return o;
}

export function writeOut(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** `fleet "x" not found`, with the closest known name when it looks like a typo. */
export function fleetNotFound(fleet: string, known: readonly string[], where = ''): string {
  return `fleet "${fleet}" not found${where}${didYouMean(fleet, known)}`;
}

/** `; did you mean "x"?` when a known fleet name is a likely typo of `fleet`, else ''. */
export function didYouMean(fleet: string, known: readonly string[]): string {
  const guess = nearest(fleet, known);
  return guess && guess !== fleet ? `; did you mean "${guess}"?` : '';
}

/** `-l`: the parsed selector, or a usage error (exit 2) naming the bad term. */
export function parseSelectorFlag(value: string | undefined): Requirement[] | undefined {
  if (value === undefined) return undefined;
  try {
    return parseSelector(value);
  } catch (err) {
    if (err instanceof SelectorError) throw new UsageError(`-l: ${err.message}`);
    throw err;
  }
}

/** json or yaml text of `data` (yaml is loaded only when asked for: status commands start fast). */
export async function dataText(output: 'json' | 'yaml', data: unknown): Promise<string> {
  if (output === 'json') return `${JSON.stringify(data, null, 2)}\n`;
  return (await import('yaml')).stringify(data, { lineWidth: 0 });
}
