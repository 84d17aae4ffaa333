import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FencedOut } from '../state/errors';
import { LocalStateStore } from '../state/local/local-store';
import { VirtualClock } from '../util/clock';
import { useDynalite } from '../../test/support/dynalite';
import { localSnapshotStore, RecordSnapshotStore } from './record-snapshot-store';
import type { DeploymentRecord } from './snapshot-store';

const T = Date.UTC(2026, 11, 4, 9);
const record = (fleet: string, id = 'd1'): DeploymentRecord => ({ fleet, kind: 'swap', id, startedAt: 't0', updatedAt: 't1', snapshot: { value: 'soak', context: {} } });

describe('RecordSnapshotStore on the local directory', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-record-snap-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps the snapshot in the deployment section of the fleet record, next to the other sections', async () => {
    const store = localSnapshotStore(dir, () => T);
    const local = new LocalStateStore(dir);
    await local.write(await local.read('web'), { intent: { fleet: 'web', failed: [] } }, 'intake', T);
    await store.save('web', record('web'));
    await store.save('api', record('api'));
    expect(await store.load('web')).toEqual(record('web'));
    expect(await store.list()).toEqual(['api', 'web']);
    expect((await local.read('web')).sections).toEqual({ intent: { fleet: 'web', failed: [] }, deployment: record('web') });
    await store.delete('web');
    expect(await store.load('web')).toBeUndefined();
    expect(await store.list()).toEqual(['api']);
    expect((await local.read('web')).sections).toEqual({ intent: { fleet: 'web', failed: [] } });
  });

  it('a torn record file loads as corrupt and is moved aside; a bad section is copied aside and dropped', async () => {
    const store = localSnapshotStore(dir, () => T);
    await store.save('web', record('web'));
    const file = new LocalStateStore(dir).fleetFile('web');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').slice(0, 40));
    expect(await store.load('web')).toMatchObject({ corrupt: true, error: expect.stringContaining(file) });
    expect(await store.list()).toEqual(['web']);
    const moved = await store.quarantine('web', new Date(T));
    expect(moved.file).toBe(file);
    expect(fs.existsSync(moved.movedTo)).toBe(true);
    expect(await store.load('web')).toBeUndefined();

    const local = new LocalStateStore(dir);
    await local.write(await local.read('api'), { deployment: { fleet: 'api', kind: 'fold' } }, 'intake', T);
    expect(await store.load('api')).toMatchObject({ corrupt: true, error: expect.stringContaining('missing fleet, id or snapshot') });
    const aside = await store.quarantine('api', new Date(T));
    expect(JSON.parse(fs.readFileSync(aside.movedTo, 'utf8'))).toEqual({ fleet: 'api', kind: 'fold' });
    expect(await store.load('api')).toBeUndefined();
  });

  it('writes with the fence it is given: a fleet fenced by a newer owner refuses the save', async () => {
    const local = new LocalStateStore(dir);
    const store = new RecordSnapshotStore(local, { fence: () => ({ epoch: 2 }), nowMs: () => T });
    await store.save('web', record('web'));
    await local.fence('web', 3);
    await expect(store.save('web', record('web', 'd2'))).rejects.toBeInstanceOf(FencedOut);
    expect(await store.load('web')).toEqual(record('web'));
  });
});

describe('RecordSnapshotStore on DynamoDB (dynalite)', () => {
  const db = useDynalite();

  it('saves, loads, lists and deletes the deployment section', async () => {
    const table = await db.store(new VirtualClock(T));
    const store = new RecordSnapshotStore(table, { fence: () => ({ epoch: 1 }), nowMs: () => T });
    await store.save('web', record('web'));
    expect(await store.load('web')).toEqual(record('web'));
    expect(await store.list()).toEqual(['web']);
    await store.delete('web');
    expect(await store.list()).toEqual([]);
    expect(await store.quarantine('web', new Date(T))).toEqual({ file: expect.stringContaining('deployment record of web'), movedTo: '(dropped)' });
  });
});
