/** The daemon's production logger (pino JSON at info), writing to a sink that only counts. */
import { createLogger } from '../log/create-logger';
import type { Logger } from '../log/logger';

export interface CountingLogger {
  logger: Logger;
  stats: { records: number; bytes: number };
}

export function countingLogger(level = 'info'): CountingLogger {
  const stats = { records: 0, bytes: 0 };
  const sink = {
    write(line: string) {
      stats.records++;
      stats.bytes += Buffer.byteLength(line);
      return true;
    },
  };
  return { logger: createLogger({ level, format: 'json', destination: sink as unknown as NodeJS.WritableStream }), stats };
}
