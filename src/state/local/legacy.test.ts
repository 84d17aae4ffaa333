import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { migrateLegacyLayout } from './legacy';
import { LocalStateStore } from './local-store';

const T = Date.UTC(2026, 11, 4, 9);
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-legacy-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const put = (rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
};

describe('migrateLegacyLayout', () => {
  it("imports today's four stores into one record per fleet, moves them aside, and runs once", async () => {
    put('deployments/web.json', JSON.stringify({ fleet: 'web', kind: 'swap', id: 'd1', snapshot: { value: 'x' } }));
    put('fleets/web.json', JSON.stringify({ fleet: 'web', failed: [], target: { ami: 'ami-1' } }));
    put('status/web.json', JSON.stringify({ name: 'web', events: [{ reason: 'Ready' }] }));
    put('status/api.json', JSON.stringify({ name: 'api', events: [] }));
    put('status/broken.json', '{ torn');
    put('intake/bake-register.json', JSON.stringify({ seq: 7, fleets: { web: { seenMessageIds: ['m1'], pending: { commit: 'abc', seq: 7, at: 't' } } } }));
    const report = await migrateLegacyLayout(dir, T);
    expect(report.imported).toEqual(['api', 'web']);
    expect(report.skipped).toEqual([{ file: path.join(dir, 'status/broken.json'), error: expect.stringContaining('JSON') }]);
    const store = new LocalStateStore(dir);
    const web = await store.read('web');
    expect(web).toMatchObject({ version: 1, epoch: 0 });
    expect(web.sections).toEqual({
      deployment: { fleet: 'web', kind: 'swap', id: 'd1', snapshot: { value: 'x' } },
      intent: { fleet: 'web', failed: [], target: { ami: 'ami-1' } },
      status: { name: 'web', events: [{ reason: 'Ready' }] },
      bakes: { seq: 7, queue: { seenMessageIds: ['m1'], pending: { commit: 'abc', seq: 7, at: 't' } } },
    });
    expect(fs.existsSync(path.join(dir, 'status/web.json'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'state/legacy/status/web.json'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'status/broken.json'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'intake/bake-register.json'))).toBe(false);
    const again = await migrateLegacyLayout(dir, T);
    expect(again.imported).toEqual([]);
    expect((await store.read('web')).version).toBe(1);
  });
});
