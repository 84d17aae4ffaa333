import { CLEAR_SCREEN } from '../status/watch';
import { HIDE_CURSOR, runWatchLoop, SHOW_CURSOR, sleepUnlessAborted, withInterrupt } from './watch-loop';

function scripted(frames: Array<string | Error>, controller: AbortController) {
  let i = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    frame: async () => {
      const f = frames[Math.min(i++, frames.length - 1)];
      if (f instanceof Error) throw f;
      return f;
    },
    sleep: async (ms: number) => {
      sleeps.push(ms);
      if (sleeps.length >= frames.length) controller.abort();
    },
  };
}

describe('runWatchLoop', () => {
  it('draws on change only, hides and restores the cursor on a terminal, and stops when aborted', async () => {
    const controller = new AbortController();
    const s = scripted(['a\n', 'a\n', 'b\n', new Error('fleet "x" not found')], controller);
    const writes: string[] = [];
    await runWatchLoop({ frame: s.frame, sleep: s.sleep, write: (t) => writes.push(t), tty: true, intervalMs: 1500, signal: controller.signal });
    expect(writes).toEqual([HIDE_CURSOR, `${CLEAR_SCREEN}a\n`, `${CLEAR_SCREEN}b\n`, `${CLEAR_SCREEN}Error: fleet "x" not found\n`, SHOW_CURSOR]);
    expect(s.sleeps).toEqual([1500, 1500, 1500, 1500]);
  });

  it('appends frames without escape codes when not on a terminal', async () => {
    const controller = new AbortController();
    const s = scripted(['a', 'b'], controller);
    const writes: string[] = [];
    await runWatchLoop({ frame: s.frame, sleep: s.sleep, write: (t) => writes.push(t), tty: false, intervalMs: 1000, signal: controller.signal });
    expect(writes).toEqual(['a\n', '\nb\n']);
  });

  it('restores the cursor even when writing fails', async () => {
    const controller = new AbortController();
    const writes: string[] = [];
    const write = (t: string) => {
      writes.push(t);
      if (t.includes('boom')) throw new Error('EPIPE');
    };
    await expect(runWatchLoop({ frame: async () => 'boom', write, tty: true, intervalMs: 1000, signal: controller.signal })).rejects.toThrow('EPIPE');
    expect(writes[writes.length - 1]).toBe(SHOW_CURSOR);
  });
});

describe('withInterrupt', () => {
  it('aborts on SIGINT and removes its handler afterwards', async () => {
    const before = process.listenerCount('SIGINT');
    const result = await withInterrupt(async (signal) => {
      expect(process.listenerCount('SIGINT')).toBe(before + 1);
      const slept = sleepUnlessAborted(60_000, signal);
      process.emit('SIGINT');
      await slept;
      return signal.aborted;
    });
    expect(result).toBe(true);
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});
