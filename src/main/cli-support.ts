import { Command } from 'commander';
import { createLogger, type LogFormat } from '../log/create-logger';
import type { Logger } from '../log/logger';
import { parseDuration } from '../util/clock';
import { resolveStateDir } from './state-dir';

/** A usage error found after parsing (a bad value): exit code 2. */
export class UsageError extends Error {}

export interface GlobalOptions {
  sim?: boolean;
  stateDir?: string;
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
  const logger = createLogger({ level: global.logLevel, format });
  return { global, stateDir: resolveStateDir(global.stateDir), logger };
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
