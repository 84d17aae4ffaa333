import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalStateStore } from './local-store';
import { stateStoreContract } from '../../../test/support/state-contract';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

stateStoreContract('local directory', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-state-'));
  dirs.push(dir);
  return new LocalStateStore(dir);
});
