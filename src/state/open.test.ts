import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openState } from './open';
import { parseStateUrl } from './url';
import { ShardLeases } from './leases';
import { nullLogger } from '../log/logger';
import { VirtualClock } from '../util/clock';
import { useDynalite } from '../../test/support/dynalite';

const db = useDynalite();
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-open-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('openState', () => {
  it('uses the state directory when no table is chosen, owning every fleet', async () => {
    const opened = openState(undefined, { stateDir: dir, clock: new VirtualClock(), logger: nullLogger });
    expect(opened.shared).toBe(false);
    expect(opened.store.where).toBe(`state directory ${dir}`);
    expect(opened.ownership({ id: 'x' }).fenceFor('web')).toEqual({ epoch: 1 });
    await opened.store.write(await opened.store.read('web'), { status: { ok: true } }, { epoch: 1 }, 0);
    expect(fs.existsSync(path.join(dir, 'state', 'fleets', 'web.json'))).toBe(true);
  });

  it('opens dynamodb://TABLE at AWS_ENDPOINT_URL_DYNAMODB: init creates the table, then the store and leases work', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 11, 4, 9));
    const opened = openState(parseStateUrl('dynamodb://opened-table?region=eu-west-1'), { stateDir: dir, clock, logger: nullLogger, env: db.env() });
    expect(opened.shared).toBe(true);
    await expect(opened.store.read('web')).rejects.toThrow('create it with `drover state init --state dynamodb://opened-table`');
    expect(await opened.init()).toMatch(/^state table opened-table created \(on-demand billing, /);
    expect(await opened.init()).toMatch(/^state table opened-table already exists/);
    const leases = opened.ownership({ id: 'r1' }) as ShardLeases;
    expect(leases).toBeInstanceOf(ShardLeases);
    await leases.tick();
    const fence = leases.fenceFor('web');
    const written = await opened.store.write(await opened.store.read('web'), { intent: { fleet: 'web', failed: [] } }, fence, clock.nowMs());
    expect(written.epoch).toBe(fence.epoch);
  });
});
