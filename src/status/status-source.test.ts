import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { toFleetStatusList } from '../model/fleet-status';
import { degradedFleet, readyFleet } from '../../test/support/status-fixtures';
import { createStatusSource, describeFetchError, fetchFleetStatusList } from './status-source';
import { FileStatusStore } from './status-store';

function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

describe('status source', () => {
  let dir: string;
  let notices: string[];
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-source-'));
    notices = [];
    await new FileStatusStore(dir).save(readyFleet);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the state directory silently when no daemon is named', async () => {
    const source = createStatusSource({ stateDir: dir, notice: (l) => notices.push(l) });
    const r = await source.read();
    expect(r.origin).toBe('stateDir');
    expect(r.list).toEqual(toFleetStatusList([readyFleet]));
    expect(notices).toEqual([]);
  });

  it('asks the daemon for its FleetStatusList when one answers', async () => {
    const paths: string[] = [];
    const daemon = await serve((req, res) => {
      paths.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(toFleetStatusList([degradedFleet])));
    });
    try {
      const r = await createStatusSource({ stateDir: dir, server: `${daemon.url}/`, notice: (l) => notices.push(l) }).read();
      expect(r.origin).toBe('server');
      expect(r.list.items.map((f) => f.name)).toEqual([degradedFleet.name]);
      expect(paths).toEqual(['/api/v1/fleets']);
    } finally {
      await daemon.close();
    }
  });

  it('falls back to the state directory with one notice per source, whatever went wrong', async () => {
    const daemon = await serve((_req, res) => {
      res.statusCode = 503;
      res.end('busy');
    });
    try {
      // The age comes from when the record was written (the status's updatedAt), not from how long the test ran.
      const written = Date.parse(readyFleet.updatedAt);
      const source = createStatusSource({ stateDir: dir, server: daemon.url, notice: (l) => notices.push(l), nowMs: () => written + 180_000 });
      expect((await source.read()).origin).toBe('stateDir');
      expect((await source.read()).list.items.map((f) => f.name)).toEqual([readyFleet.name]);
      expect(notices).toEqual([`drover: daemon at ${daemon.url} is not reachable (HTTP 503); showing status from ${dir} (last written 3m ago)`]);
    } finally {
      await daemon.close();
    }
  });

  it('gives up on a daemon that does not answer in time', async () => {
    const stalled: http.ServerResponse[] = [];
    const daemon = await serve((_req, res) => void stalled.push(res));
    try {
      await expect(fetchFleetStatusList(daemon.url, 50)).rejects.toThrow('no answer within 0.05s');
    } finally {
      stalled.forEach((r) => r.end());
      await daemon.close();
    }
  });

  it('rejects an answer that is not a FleetStatusList', async () => {
    await expect(fetchFleetStatusList('http://x', 100, async () => '{"kind":"Other"}')).rejects.toThrow('unexpected response: not a FleetStatusList');
    await expect(fetchFleetStatusList('http://x', 100, async () => '<html>')).rejects.toThrow('unexpected response: not JSON');
  });

  it('says "no status written yet" when the state directory is empty', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-source-'));
    try {
      const get = async () => {
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:7390'), { code: 'ECONNREFUSED', syscall: 'connect' });
      };
      const r = await createStatusSource({ stateDir: empty, server: 'http://127.0.0.1:7390', get, notice: (l) => notices.push(l) }).read();
      expect(r.list.items).toEqual([]);
      expect(notices).toEqual([`drover: daemon at http://127.0.0.1:7390 is not reachable (connect ECONNREFUSED); showing status from ${empty} (no status written yet)`]);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('uses the live observer instead of anything written when asked', async () => {
    const r = await createStatusSource({ stateDir: dir, server: 'http://127.0.0.1:1', live: async () => [degradedFleet], notice: (l) => notices.push(l) }).read();
    expect(r).toEqual({ origin: 'live', list: toFleetStatusList([degradedFleet]) });
    expect(notices).toEqual([]);
  });

  it('describes errors in a few words', () => {
    expect(describeFetchError(Object.assign(new Error('x'), { code: 'ECONNREFUSED', syscall: 'connect' }))).toBe('connect ECONNREFUSED');
    expect(describeFetchError(new Error('Invalid URL'))).toBe('Invalid URL');
  });
});
