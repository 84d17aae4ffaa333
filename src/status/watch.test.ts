import { CLEAR_SCREEN, createWatcher } from './watch';

function harness(clearScreen: boolean) {
  let text = 'frame 1\n';
  const writes: string[] = [];
  const watcher = createWatcher({ render: () => text, write: (t) => writes.push(t), clearScreen });
  return { watcher, writes, set: (t: string) => (text = t) };
}

describe('createWatcher', () => {
  it('redraws only when the rendered text changed', () => {
    const h = harness(false);
    expect(h.watcher.tick()).toBe(true);
    expect(h.watcher.tick()).toBe(false);
    expect(h.watcher.tick()).toBe(false);
    h.set('frame 2\n');
    expect(h.watcher.tick()).toBe(true);
    expect(h.watcher.tick()).toBe(false);
    expect(h.writes).toHaveLength(2);
  });

  it('appends plain frames a blank line apart when not a TTY', () => {
    const h = harness(false);
    h.watcher.tick();
    h.set('frame 2');
    h.watcher.tick();
    expect(h.writes.join('')).toBe('frame 1\n\nframe 2\n');
    expect(h.writes.join('')).not.toContain('\x1b');
  });

  it('homes and clears the screen before each frame on a TTY', () => {
    const h = harness(true);
    h.watcher.tick();
    h.set('frame 2\n');
    h.watcher.tick();
    expect(h.writes).toEqual([`${CLEAR_SCREEN}frame 1\n`, `${CLEAR_SCREEN}frame 2\n`]);
    expect(CLEAR_SCREEN).toBe('\x1b[H\x1b[2J');
  });
});
