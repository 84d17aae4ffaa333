import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FileSnapshotStore, MemorySnapshotStore, isCorrupt, type DeploymentRecord } from './snapshot-store';

const record: DeploymentRecord = {
  fleet: 'shop',
  kind: 'swap',
  id: 'swap-7',
  startedAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:01:00.000Z',
  snapshot: { status: 'active', value: { rollout: 'soak' }, context: { polls: 3 } },
};

describe('FileSnapshotStore', () => {
  const dir = () => mkdtempSync(path.join(tmpdir(), 'drover-deploy-'));

  it('writes one JSON file per fleet under deployments/ and reads it back', async () => {
    const stateDir = dir();
    const store = new FileSnapshotStore(stateDir);
    await store.save('shop', record);
    await store.save('shop', { ...record, updatedAt: '2026-01-01T00:02:00.000Z' });
    expect(readdirSync(path.join(stateDir, 'deployments'))).toEqual(['shop.json']);
    expect(JSON.parse(readFileSync(path.join(stateDir, 'deployments', 'shop.json'), 'utf8')).updatedAt).toBe('2026-01-01T00:02:00.000Z');
    expect(await store.load('shop')).toEqual({ ...record, updatedAt: '2026-01-01T00:02:00.000Z' });
  });

  it('lists and deletes records, and loads nothing for an unknown fleet', async () => {
    const store = new FileSnapshotStore(dir());
    expect(await store.list()).toEqual([]);
    await store.save('web', { ...record, fleet: 'web' });
    await store.save('shop', record);
    expect(await store.list()).toEqual(['shop', 'web']);
    await store.delete('web');
    await store.delete('web');
    expect(await store.list()).toEqual(['shop']);
    expect(await store.load('web')).toBeUndefined();
  });

  it('reports a corrupt or truncated file instead of throwing', async () => {
    const stateDir = dir();
    const store = new FileSnapshotStore(stateDir);
    await store.save('shop', record);
    const file = path.join(stateDir, 'deployments', 'shop.json');
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 40));
    const loaded = await store.load('shop');
    expect(isCorrupt(loaded)).toBe(true);
    expect(loaded).toMatchObject({ corrupt: true, error: expect.stringMatching(/^parsing deployment record: /) });
    writeFileSync(file, JSON.stringify({ fleet: 'shop', id: 'x', kind: 'blue', snapshot: {} }));
    expect(await store.load('shop')).toEqual({ corrupt: true, error: 'parsing deployment record: unknown kind "blue"' });
  });

  it('refuses keys that are not fleet names', async () => {
    const store = new FileSnapshotStore(dir());
    await expect(store.save('../etc/passwd', record)).rejects.toThrow('is not a fleet name');
  });
});

describe('MemorySnapshotStore', () => {
  it('keeps JSON copies and a history of every save', async () => {
    const store = new MemorySnapshotStore();
    const mutable = structuredClone(record);
    await store.save('shop', mutable);
    (mutable.snapshot as { status: string }).status = 'done';
    expect(await store.load('shop')).toEqual(record);
    expect(store.history).toHaveLength(1);
    store.putRaw('shop', '{"fleet":');
    expect(isCorrupt(await store.load('shop'))).toBe(true);
  });
});
