import pino from 'pino';

export type LogFormat = 'json' | 'pretty';

export interface CreateLoggerOptions {
  level?: string;
  format?: LogFormat;
  /** Where records go; defaults to stderr so stdout stays clean for `-o json`. */
  destination?: NodeJS.WritableStream;
}

/** Paths never written to logs: credentials, webhook tokens, user-data. */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'headers["x-gitlab-token"]',
  '*.headers["x-gitlab-token"]',
  'secret',
  '*.secret',
  'credentials',
  '*.credentials',
  'userData',
  '*.userData',
  '*.UserData',
  '*.*.UserData',
  'input.UserData',
  'input.LaunchTemplateData.UserData',
];

/** Only `main/` calls this; everything else receives a logger and binds context with child(). */
export function createLogger(opts: CreateLoggerOptions = {}): pino.Logger {
  const destination = opts.destination ?? process.stderr;
  const format = opts.format ?? 'json';
  const base = {
    level: opts.level ?? process.env.DROVER_LOG_LEVEL ?? 'info',
    base: undefined,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (format === 'pretty') {
    return pino({ ...base }, prettyStream(destination));
  }
  // stdout/stderr: a synchronous write to the descriptor, so nothing is lost on exit;
  // any other stream (a log file, a test buffer) receives the records as written.
  const fd = (destination as unknown as { fd?: number }).fd;
  if (destination === process.stderr || destination === process.stdout) return pino(base, pino.destination({ dest: fd ?? 2, sync: true }));
  return pino(base, destination as unknown as pino.DestinationStream);
}

/** A small human format: `12:04:05 WARN  aws.retry fleet=x msg`. Enough for a TTY without another dependency. */
function prettyStream(out: NodeJS.WritableStream): { write(line: string): void } {
  const levels: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
  const colour = process.env.NO_COLOR === undefined && (out as { isTTY?: boolean }).isTTY === true;
  const tint: Record<number, string> = { 40: '\x1b[33m', 50: '\x1b[31m', 60: '\x1b[31m' };
  return {
    write(line: string) {
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line);
      } catch {
        out.write(line);
        return;
      }
      const { level, time, msg, event, fleet, component, ...rest } = rec as Record<string, any>;
      const t = typeof time === 'string' ? time.slice(11, 19) : '';
      const lv = levels[level as number] ?? String(level);
      const ctx = [fleet && `fleet=${fleet}`, component && `(${component})`].filter(Boolean).join(' ');
      const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
      const head = colour && tint[level as number] ? `${tint[level as number]}${lv}\x1b[0m` : lv;
      out.write(`${t} ${head} ${event ?? ''} ${ctx} ${msg ?? ''}${extra}\n`.replace(/ +/g, ' '));
    },
  };
}
