import * as path from 'node:path';
import { benchScale } from '../src/bench/scale.bench';
import { ensureBuilt } from './support/cli-process';

jest.setTimeout(300_000);

describe('the scale bench, small', () => {
  beforeAll(() => ensureBuilt()); // RSS is measured in a child process running dist/

  it('resyncs steady fleets from batches: every fleet served, few reads per fleet, nothing written', async () => {
    const r = await benchScale(path.join(__dirname, '..'), 120, () => undefined, { intake: false, cli: false });
    expect(r.steadyPass.servedFromBatch).toBe(120);
    expect(r.steadyPass.expired).toBe(0);
    expect(r.steadyPass.mutating).toBe(0);
    expect(r.readsPerFleetPerPass).toBeLessThanOrEqual(3);
    expect(r.steadyPass.reads).toBeLessThan(r.coldPass.reads);
    expect(r.noopReconcileReads).toBeGreaterThan(r.readsPerFleetPerPass);
    expect(r.rss.map((x) => x.fleets)).toEqual([100, 120]);
    expect(r.rssMb100).toBeGreaterThan(0);
  });
});
