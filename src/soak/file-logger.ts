/** `--log <file>`: the daemons' log records as JSON lines stamped with virtual time (info and up). */
import * as fs from 'node:fs';
import type { LogFields, Logger } from '../log/logger';
import type { Clock } from '../util/clock';

export interface FileLogger extends Logger {
  close(): Promise<void>;
}

export function createFileLogger(file: string, clock: Pick<Clock, 'now'>): FileLogger {
  const out = fs.createWriteStream(file, { flags: 'w' });
  const make = (bindings: LogFields): Logger => {
    const write = (level: string) => (fields: LogFields, msg?: string) => {
      out.write(`${JSON.stringify({ t: clock.now().toISOString(), level, ...bindings, ...fields, ...(msg === undefined ? {} : { msg }) })}\n`);
    };
    return { debug: () => undefined, info: write('info'), warn: write('warn'), error: write('error'), child: (more) => make({ ...bindings, ...more }) };
  };
  return { ...make({}), close: () => new Promise<void>((resolve) => out.end(resolve)) };
}
