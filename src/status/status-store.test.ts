import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readyFleet } from '../../test/support/status-fixtures';
import { FileStatusStore } from './status-store';

describe('FileStatusStore', () => {
  let dir: string;
  let warnings: string[];
  let store: FileStatusStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-status-'));
    warnings = [];
    store = new FileStatusStore(dir, { warn: (m) => warnings.push(m) });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const record = (fleet: string) => path.join(dir, 'state', 'fleets', `${fleet}.json`);

  it('saves the status section of one record per fleet and reads it back', async () => {
    expect(await store.load('magento-marketplace')).toBeUndefined();
    expect(await store.list()).toEqual([]);
    expect(await store.lastWritten()).toBeUndefined();
    await store.save(readyFleet);
    expect(JSON.parse(fs.readFileSync(record('magento-marketplace'), 'utf8')).sections.status).toEqual(readyFleet);
    expect(await store.load('magento-marketplace')).toEqual(readyFleet);
    expect(await store.list()).toEqual([readyFleet]);
    expect(await store.lastWritten()).toBeInstanceOf(Date);
    expect(fs.readdirSync(path.join(dir, 'state', 'fleets'))).toEqual(['magento-marketplace.json']);
  });

  it('lists fleets sorted by name', async () => {
    await store.save({ ...readyFleet, name: 'zeta' });
    await store.save({ ...readyFleet, name: 'alpha' });
    expect((await store.list()).map((s) => s.name)).toEqual(['alpha', 'zeta']);
  });

  it('skips a corrupt record, a foreign or a misnamed status with a warning instead of crashing', async () => {
    await store.save({ ...readyFleet, name: 'good' });
    const put = (fleet: string, status: unknown) => fs.writeFileSync(record(fleet), JSON.stringify({ fleet, version: 1, epoch: 1, sections: { status } }));
    fs.writeFileSync(record('torn'), '{"fleet": "torn", "sec');
    put('other', { hello: 1 });
    put('swapped', { ...readyFleet, name: 'good' });
    expect((await store.list()).map((s) => s.name)).toEqual(['good']);
    expect(await store.load('torn')).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/torn\.json: reading state of fleet torn from .*torn\.json: /);
    expect(warnings.join('\n')).toMatch(/other\.json: no fleet name/);
    expect(warnings.join('\n')).toMatch(/swapped\.json: it is the status of fleet "good"/);
  });

  it('refuses a name that is not a fleet name', async () => {
    await expect(store.save({ ...readyFleet, name: '../escape' })).rejects.toThrow(/is not a fleet name/);
  });
});
