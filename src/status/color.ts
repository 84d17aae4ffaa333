/**
 * Colour on a terminal only: `shouldColor` decides once, renderers take a plain boolean.
 * NO_COLOR (https://no-color.org) always wins; FORCE_COLOR turns colour on without a TTY.
 */

export interface MaybeTty {
  isTTY?: boolean;
}

const FALSE_WORDS = ['0', 'false', 'no', 'off'];

export function shouldColor(stream: MaybeTty, env: Record<string, string | undefined>): boolean {
  if ('NO_COLOR' in env) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !FALSE_WORDS.includes(force.trim().toLowerCase());
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

export const ANSI = {
  reset: '\x1b[0m',
  bold: '\x1b[1m',
  red: '\x1b[31m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  blue: '\x1b[34m',
} as const;

export type AnsiStyle = Exclude<keyof typeof ANSI, 'reset'>;

/** Wrap `text` in a style when `color` is on and there is something to wrap. */
export function paint(color: boolean, style: AnsiStyle | undefined, text: string): string {
  if (!color || !style || text === '') return text;
  return `${ANSI[style]}${text}${ANSI.reset}`;
}

const PHASE_STYLES: Record<string, AnsiStyle> = {
  Ready: 'green',
  Progressing: 'yellow',
  Degraded: 'red',
  Failed: 'red',
  Succeeded: 'green',
  InProgress: 'yellow',
  RolledBack: 'red',
  InService: 'green',
  OutOfService: 'red',
  Warning: 'yellow',
  True: 'green',
  ALARM: 'red',
  OK: 'green',
};

/** Colour a phase, result or health word by what it means (unknown words stay plain). */
export function paintStatus(color: boolean, word: string): string {
  return paint(color, PHASE_STYLES[word], word);
}

// eslint-disable-next-line no-control-regex
const ANSI_PATTERN = /\x1b\[[0-9;]*m/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '');
}
