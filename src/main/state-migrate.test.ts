import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RecordRegisterPersistence } from '../controllers/intake/bake-register-records';
import { FleetMemoryStore } from '../controllers/fleet/fleet-memory';
import { localSnapshotStore } from '../deploy/record-snapshot-store';
import { FileStatusStore } from '../status/status-store';
import { readyFleet } from '../../test/support/status-fixtures';
import { assertWritableStateDir } from './state-dir';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-migrate-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const put = (rel: string, value: unknown) => {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), typeof value === 'string' ? value : JSON.stringify(value));
};

describe("an existing state directory in today's layout", () => {
  it('is imported into fleet records when a writer claims it, and every store reads what it held', async () => {
    const name = readyFleet.name;
    const deployment = { fleet: name, kind: 'swap', id: 'd1', startedAt: 't0', updatedAt: 't1', snapshot: { value: 'soak' } };
    put(`deployments/${name}.json`, deployment);
    put(`fleets/${name}.json`, { fleet: name, failed: [], target: { ami: 'ami-1' } });
    put(`status/${name}.json`, readyFleet);
    put('status/torn.json', '{ torn');
    put('intake/bake-register.json', { seq: 4, fleets: { [name]: { seenMessageIds: ['m1'] } } });
    const warnings: string[] = [];
    const warn = jest.spyOn(process.stderr, 'write').mockImplementation((l) => (warnings.push(String(l)), true));
    try {
      assertWritableStateDir(dir);
    } finally {
      warn.mockRestore();
    }
    expect(warnings.join('')).toMatch(/not importing .*status\/torn\.json into the state store: .*; it stays where it is/);
    expect(await localSnapshotStore(dir, Date.now).load(name)).toEqual(deployment);
    expect(await new FleetMemoryStore(dir).load(name)).toMatchObject({ target: { ami: 'ami-1' } });
    expect(await new FileStatusStore(dir).load(name)).toEqual(readyFleet);
    expect(await new RecordRegisterPersistence(dir).read()).toEqual({ seq: 4, fleets: { [name]: { seenMessageIds: ['m1'] } } });
    for (const d of ['deployments', 'fleets']) expect(fs.readdirSync(path.join(dir, d))).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'state', 'legacy', 'status', `${name}.json`))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'status', 'torn.json'))).toBe(true);
  });
});
