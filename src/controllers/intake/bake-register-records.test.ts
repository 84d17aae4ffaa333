import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nullLogger } from '../../log/logger';
import { LocalStateStore } from '../../state/local/local-store';
import { migrateLegacyLayout } from '../../state/local/legacy';
import { RecordRegisterPersistence } from './bake-register-records';
import { BakeRegisterStore } from './bake-register-store';

const T = Date.UTC(2026, 11, 4, 9);
let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-bake-records-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const open = () => new BakeRegisterStore('(unused)', nullLogger, { groupCommit: true, persistence: new RecordRegisterPersistence(dir, () => T) }).reload();

describe('the bake register in fleet records', () => {
  it("keeps each fleet's queue in its record's bakes section, writes only changed fleets, and reads the register back", async () => {
    const store = await open();
    store.request('web', { commit: 'a'.repeat(40), at: 't1', messageId: 'm1' });
    store.request('api', { commit: 'b'.repeat(40), at: 't2', messageId: 'm2' });
    await store.commit();
    const local = new LocalStateStore(dir);
    expect((await local.read('web')).sections.bakes).toMatchObject({ seq: 2, queue: { pending: { commit: 'a'.repeat(40) } } });
    const apiVersion = (await local.read('api')).version;
    expect(await store.start('web')).toMatchObject({ commit: 'a'.repeat(40) });
    expect((await local.read('api')).version).toBe(apiVersion);
    const again = await open();
    expect(again.current()).toEqual(store.current());
    expect(again.inFlight('web')).toMatchObject({ commit: 'a'.repeat(40), messageId: 'm1' });
    expect(again.request('web', { commit: 'a'.repeat(40), at: 't1', messageId: 'm1' }).outcome).toBe('duplicate');
  });

  it('reads a register migrated from intake/bake-register.json, with its seq', async () => {
    fs.mkdirSync(path.join(dir, 'intake'));
    fs.writeFileSync(path.join(dir, 'intake', 'bake-register.json'), JSON.stringify({ seq: 7, fleets: { web: { seenMessageIds: ['m1'], pending: { commit: 'c'.repeat(40), seq: 7, at: 't' } } } }));
    await migrateLegacyLayout(dir, T);
    const store = await open();
    expect(store.current().seq).toBe(7);
    expect(store.current().fleets.web.pending).toMatchObject({ commit: 'c'.repeat(40) });
  });
});
