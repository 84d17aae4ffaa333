import { paint, shouldColor, stripAnsi } from './color';

describe('shouldColor', () => {
  it.each<[string, boolean | undefined, Record<string, string>, boolean]>([
    ['TTY', true, {}, true],
    ['pipe', false, {}, false],
    ['no isTTY at all', undefined, {}, false],
    ['NO_COLOR on a TTY', true, { NO_COLOR: '1' }, false],
    ['NO_COLOR even empty', true, { NO_COLOR: '' }, false],
    ['NO_COLOR beats FORCE_COLOR', false, { NO_COLOR: '1', FORCE_COLOR: '1' }, false],
    ['FORCE_COLOR on a pipe', false, { FORCE_COLOR: '1' }, true],
    ['FORCE_COLOR=0 on a TTY', true, { FORCE_COLOR: '0' }, false],
    ['TERM=dumb', true, { TERM: 'dumb' }, false],
  ])('%s', (_name, isTTY, env, expected) => {
    expect(shouldColor({ isTTY }, env)).toBe(expected);
  });
});

it('paint wraps only when on, and stripAnsi undoes it', () => {
  expect(paint(false, 'red', 'x')).toBe('x');
  expect(paint(true, 'red', '')).toBe('');
  expect(paint(true, 'red', 'x')).toBe('\x1b[31mx\x1b[0m');
  expect(stripAnsi(paint(true, 'green', 'ok'))).toBe('ok');
});
