/**
 * Graceful shutdown on SIGTERM/SIGINT: the first signal runs `stop` (stop intake, let in-flight
 * reconciles finish within a bound, persist) and exits 0; a second signal exits 1 at once.
 * `exit` is injected so tests never end the process.
 */
import { EVENTS } from '../../log/events';
import type { Logger } from '../../log/logger';

export interface ShutdownOptions {
  stop: (signal: string) => Promise<void>;
  logger: Logger;
  exit?: (code: number) => void;
  signals?: NodeJS.Signals[];
  /** Where signals come from; `process` by default. */
  emitter?: Pick<NodeJS.Process, 'on' | 'off'>;
}

/** Install the handlers; returns a function that removes them. */
export function installShutdown(opts: ShutdownOptions): () => void {
  const emitter = opts.emitter ?? process;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const signals = opts.signals ?? ['SIGTERM', 'SIGINT'];
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      opts.logger.warn({ event: EVENTS.daemonStopping, component: 'daemon', signal }, `second ${signal}: exiting now`);
      exit(1);
      return;
    }
    stopping = true;
    opts.logger.info({ event: EVENTS.daemonStopping, component: 'daemon', signal }, `${signal}: shutting down gracefully`);
    opts.stop(signal).then(
      () => exit(0),
      (err) => {
        opts.logger.error({ event: EVENTS.daemonStopped, component: 'daemon', err: String(err) }, `shutting down: ${(err as Error)?.message ?? err}`);
        exit(1);
      },
    );
  };
  for (const s of signals) emitter.on(s, onSignal);
  return () => {
    for (const s of signals) emitter.off(s, onSignal);
  };
}
