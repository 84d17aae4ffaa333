/**
 * The logger interface every module receives. pino satisfies it; tests use the in-memory
 * logger below. Records carry a stable `event` code from `log/events.ts`; only `msg` is prose.
 */

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(fields: LogFields, msg?: string): void;
  info(fields: LogFields, msg?: string): void;
  warn(fields: LogFields, msg?: string): void;
  error(fields: LogFields, msg?: string): void;
  child(bindings: LogFields): Logger;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogRecord extends LogFields {
  level: LogLevel;
  msg?: string;
}

/** A logger that keeps records in memory, for tests. Children share the parent's records. */
export interface MemoryLogger extends Logger {
  readonly records: LogRecord[];
  /** Records carrying this event code. */
  events(event: string): LogRecord[];
}

export function createMemoryLogger(bindings: LogFields = {}, records: LogRecord[] = []): MemoryLogger {
  const write = (level: LogLevel) => (fields: LogFields, msg?: string) => {
    records.push({ ...bindings, ...fields, level, ...(msg === undefined ? {} : { msg }) });
  };
  return {
    records,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => createMemoryLogger({ ...bindings, ...more }, records),
    events: (event) => records.filter((r) => r.event === event),
  };
}

/** A logger that drops everything. */
export const nullLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => nullLogger,
};
