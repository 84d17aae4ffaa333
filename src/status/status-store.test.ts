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

  it('saves one file per fleet and reads it back', () => {
    expect(store.load('magento-marketplace')).toBeUndefined();
    expect(store.list()).toEqual([]);
    expect(store.lastWritten()).toBeUndefined();
    store.save(readyFleet);
    expect(fs.existsSync(path.join(dir, 'status', 'magento-marketplace.json'))).toBe(true);
    expect(store.load('magento-marketplace')).toEqual(readyFleet);
    expect(store.list()).toEqual([readyFleet]);
    expect(store.lastWritten()).toBeInstanceOf(Date);
    expect(fs.readdirSync(path.join(dir, 'status'))).toEqual(['magento-marketplace.json']);
  });

  it('lists fleets sorted by name', () => {
    store.save({ ...readyFleet, name: 'zeta' });
    store.save({ ...readyFleet, name: 'alpha' });
    expect(store.list().map((s) => s.name)).toEqual(['alpha', 'zeta']);
  });

  it('skips a corrupt, foreign or misnamed file with a warning instead of crashing', () => {
    store.save({ ...readyFleet, name: 'good' });
    fs.writeFileSync(path.join(dir, 'status', 'torn.json'), '{"name": "torn", "spe');
    fs.writeFileSync(path.join(dir, 'status', 'other.json'), '{"hello": 1}');
    fs.writeFileSync(path.join(dir, 'status', 'swapped.json'), JSON.stringify({ ...readyFleet, name: 'good' }));
    expect(store.list().map((s) => s.name)).toEqual(['good']);
    expect(store.load('torn')).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/torn\.json: not JSON/);
    expect(warnings.join('\n')).toMatch(/other\.json: no fleet name/);
    expect(warnings.join('\n')).toMatch(/swapped\.json: it is the status of fleet "good"/);
  });

  it('refuses a name that is not a fleet name', () => {
    expect(() => store.save({ ...readyFleet, name: '../escape' })).toThrow(/is not a fleet name/);
  });
});
