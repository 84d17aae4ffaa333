/**
 * `--watch`: poll the status source in real time, redraw only on change, stop cleanly on
 * Ctrl-C (SIGINT) with the cursor restored. Sleeping and stopping are injected for tests.
 */
import { createWatcher } from '../status/watch';

export const HIDE_CURSOR = '\x1b[?25l';
export const SHOW_CURSOR = '\x1b[?25h';

export interface WatchLoopOptions {
  /** One frame of text; an error becomes the frame, the watch goes on. */
  frame: () => Promise<string>;
  write: (text: string) => void;
  tty: boolean;
  intervalMs: number;
  signal: AbortSignal;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Real-time sleep that ends early when `signal` aborts. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function runWatchLoop(opts: WatchLoopOptions): Promise<void> {
  const sleep = opts.sleep ?? sleepUnlessAborted;
  let text = '';
  const watcher = createWatcher({ render: () => text, write: opts.write, clearScreen: opts.tty });
  if (opts.tty) opts.write(HIDE_CURSOR);
  try {
    while (!opts.signal.aborted) {
      try {
        text = await opts.frame();
      } catch (err) {
        text = `Error: ${(err as Error).message}\n`;
      }
      if (opts.signal.aborted) break;
      watcher.tick();
      await sleep(opts.intervalMs, opts.signal);
    }
  } finally {
    if (opts.tty) opts.write(SHOW_CURSOR);
  }
}

/** Run `body` with an AbortSignal that Ctrl-C (SIGINT) aborts; the handler is removed afterwards. */
export async function withInterrupt<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.on('SIGINT', onInterrupt);
  try {
    return await body(controller.signal);
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
