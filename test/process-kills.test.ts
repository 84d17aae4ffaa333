/**
 * A small seeded sample of the process-kill bench (`npm run bench -- process-kills` runs 200+):
 * real drover processes killed with SIGINT, SIGTERM or SIGKILL while they bake or swap, resumed
 * by fresh `apply --wait` processes, with every invariant checked after each round.
 */
import { benchProcessKills } from '../src/bench/process-kills';
import { ensureBuilt, ROOT } from './support/cli-process';

describe('process kills (sample)', () => {
  beforeAll(() => ensureBuilt());

  it('10 seeded kills across bakes and swaps break no invariant', async () => {
    const r = await benchProcessKills({ root: ROOT, seed: 11, kills: 10 });
    expect(r.details).toEqual([]);
    expect(r.violations).toBe(0);
    expect(r.kills).toBe(10);
    expect(r.bySignal.SIGINT + r.bySignal.SIGTERM + r.bySignal.SIGKILL).toBe(10);
    expect(r.rounds.swap + r.rounds.bake).toBeGreaterThan(1);
  }, 240_000);
});
