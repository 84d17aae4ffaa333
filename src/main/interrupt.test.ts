import { EventEmitter } from 'node:events';
import { stoppedLine, watchInterrupts } from './interrupt';

function fakeProcess() {
  const exits: number[] = [];
  const proc = Object.assign(new EventEmitter(), { exit: ((code?: number) => void exits.push(code ?? 0)) as (code?: number) => never });
  return { proc, exits };
}

describe('watchInterrupts', () => {
  it('the first signal is remembered, a second exits at once with 128 + signal, dispose removes the handlers', () => {
    const { proc, exits } = fakeProcess();
    const w = watchInterrupts(proc);
    expect(w.signal).toBeUndefined();
    proc.emit('SIGTERM');
    expect(w.signal).toBe('SIGTERM');
    expect(exits).toEqual([]);
    proc.emit('SIGINT');
    expect(exits).toEqual([130]);
    w.dispose();
    expect(proc.listenerCount('SIGINT') + proc.listenerCount('SIGTERM')).toBe(0);
  });
});

describe('stoppedLine', () => {
  it('says where a parked swap is and how to resume, in one line', () => {
    const line = stoppedLine(
      'SIGINT',
      [{ fleet: 'shop', inService: 2, desired: 2, deployment: { id: 'swap-1', kind: 'swap', phase: 'soak', result: 'InProgress', startedAt: '', blue: { group: 'shop-v001', desired: 2, inService: 0 } as never, green: { group: 'shop-v002', desired: 2, inService: 2 } as never } }],
      'drover apply --sim --wait',
    );
    expect(line).toBe("drover: stopped on SIGINT: shop swap swap-1 parked in phase soak (blue 0/2, green 2/2 InService); resume with 'drover apply --sim --wait' (watch with 'drover rollout status shop')");
    expect(line).not.toContain('\n');
  });

  it('a fleet with no deployment running says its capacity', () => {
    expect(stoppedLine('SIGTERM', [{ fleet: 'shop', inService: 1, desired: 2 }], 'drover apply --wait')).toMatch(/^drover: stopped on SIGTERM: shop 1\/2 InService; resume with 'drover apply --wait'/);
  });
});
