import { EventEmitter } from 'node:events';
import { createMemoryLogger } from '../../log/logger';
import { installShutdown } from './shutdown';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('installShutdown', () => {
  it('runs stop once on the first signal and exits 0; a second signal exits 1 at once; uninstall removes the handlers', async () => {
    const emitter = new EventEmitter();
    const exits: number[] = [];
    let finishStop!: () => void;
    const stops: string[] = [];
    const uninstall = installShutdown({
      emitter: emitter as any,
      logger: createMemoryLogger(),
      exit: (code) => exits.push(code),
      stop: (signal) => {
        stops.push(signal);
        return new Promise<void>((r) => (finishStop = r));
      },
    });
    emitter.emit('SIGTERM', 'SIGTERM');
    await tick();
    expect(stops).toEqual(['SIGTERM']);
    expect(exits).toEqual([]);
    emitter.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([1]);
    finishStop();
    await tick();
    expect(exits).toEqual([1, 0]);
    uninstall();
    expect(emitter.listenerCount('SIGTERM') + emitter.listenerCount('SIGINT')).toBe(0);
  });

  it('exits 1 when stopping fails', async () => {
    const emitter = new EventEmitter();
    const exits: number[] = [];
    const logger = createMemoryLogger();
    installShutdown({ emitter: emitter as any, logger, exit: (c) => exits.push(c), stop: async () => Promise.reject(new Error('disk full')) });
    emitter.emit('SIGTERM', 'SIGTERM');
    await tick();
    await tick();
    expect(exits).toEqual([1]);
    expect(logger.events('daemon.stopped')[0].msg).toContain('disk full');
  });
});
