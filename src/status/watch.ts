/**
 * `--watch` redraws: render, compare with the last frame, draw only on change. On a TTY a frame
 * replaces the screen (cursor home + clear); elsewhere frames are appended, a blank line apart.
 */

export const CLEAR_SCREEN = '\x1b[H\x1b[2J';

export interface WatcherOptions {
  render: () => string;
  write: (text: string) => void;
  /** True on a TTY. */
  clearScreen: boolean;
}

export interface Watcher {
  /** Render once; draw if the text changed. Returns whether it drew. */
  tick(): boolean;
}

export function createWatcher(opts: WatcherOptions): Watcher {
  let last: string | undefined;
  return {
    tick(): boolean {
      const raw = opts.render();
      const text = raw.endsWith('\n') ? raw : `${raw}\n`;
      if (text === last) return false;
      const first = last === undefined;
      last = text;
      if (opts.clearScreen) opts.write(`${CLEAR_SCREEN}${text}`);
      else opts.write(first ? text : `\n${text}`);
      return true;
    },
  };
}
