import * as path from 'node:path';
import { benchScale } from '../src/bench/scale.bench';

jest.setTimeout(300_000);

describe('the scale bench, small', () => {
  it('resyncs steady fleets from batches: every fleet served, few reads per fleet, nothing written', async () => {
    const r = await benchScale(path.join(__dirname, '..'), 120, () => undefined, { intake: false, cli: false });
    expect(r.steadyPass.servedFromBatch).toBe(120);
    expect(r.steadyPass.expired).toBe(0);
    expect(r.steadyPass.mutating).toBe(0);
    expect(r.readsPerFleetPerPass).toBeLessThanOrEqual(3);
    expect(r.steadyPass.reads).toBeLessThan(r.coldPass.reads);
    expect(r.noopReconcileReads).toBeGreaterThan(r.readsPerFleetPerPass);
  });
});
