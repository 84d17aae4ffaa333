/**
 * The behaviour every StateStore backend must have, run against each (local directory,
 * DynamoDB on dynalite): versions, fences, sections, claims and dedupe.
 */
import { FencedOut, VersionConflict } from '../../src/state/errors';
import { emptyRecord, readAllRecords, updateRecord, type StateStore } from '../../src/state/port';

export function stateStoreContract(name: string, open: () => Promise<StateStore>): void {
  describe(`StateStore contract: ${name}`, () => {
    let store: StateStore;
    beforeEach(async () => {
      store = await open();
    });
    const T = Date.UTC(2026, 11, 4, 9);

    it('reads an empty record at version 0, and writes sections that read back', async () => {
      const empty = await store.read('web');
      expect(empty).toEqual(emptyRecord('web'));
      const r1 = await store.write(empty, { status: { name: 'web', events: [] }, intent: { fleet: 'web', failed: [] } }, { epoch: 1 }, T);
      expect(r1).toMatchObject({ version: 1, epoch: 1, updatedAt: new Date(T).toISOString() });
      const back = await store.read('web');
      expect(back).toEqual(r1);
      const r2 = await store.write(back, { status: null, bakes: { seq: 3, queue: { seenMessageIds: [] } } }, { epoch: 1 }, T + 1);
      expect((await store.read('web')).sections).toEqual({ intent: { fleet: 'web', failed: [] }, bakes: { seq: 3, queue: { seenMessageIds: [] } } });
      expect(r2.version).toBe(2);
      expect(await store.list()).toEqual(['web']);
    });

    it('reads every record at once, sorted by fleet, as list and read give them', async () => {
      expect(await store.readAll?.()).toEqual(store.readAll ? [] : undefined);
      for (const fleet of ['web', 'api', 'shop']) await store.write(await store.read(fleet), { status: { name: fleet } }, { epoch: 1 }, T);
      await store.fence('api', 3);
      const each = await Promise.all((await store.list()).map((f) => store.read(f)));
      expect(each.map((r) => r.fleet)).toEqual(['api', 'shop', 'web']);
      expect(await readAllRecords(store)).toEqual(each);
      if (store.readAll) expect(await store.readAll()).toEqual(each);
    });

    it('refuses a write over a stale version with a VersionConflict, and changes nothing', async () => {
      const r0 = await store.read('web');
      await store.write(r0, { status: { a: 1 } }, { epoch: 1 }, T);
      const err = await store.write(r0, { status: { a: 2 } }, { epoch: 1 }, T).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VersionConflict);
      expect(err).toMatchObject({ fleet: 'web', expected: 0, found: 1 });
      expect((await store.read('web')).sections.status).toEqual({ a: 1 });
    });

    it('fences: after a newer owner fences the fleet, the old owner cannot write, even with a fresh read', async () => {
      const r0 = await store.read('web');
      await store.write(r0, { deployment: { step: 1 } }, { epoch: 3 }, T);
      await store.fence('web', 4);
      const fresh = await store.read('web');
      expect(fresh.epoch).toBe(4);
      const err = await store.write(fresh, { deployment: { step: 2 } }, { epoch: 3 }, T).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FencedOut);
      expect((err as Error).message).toContain('fleet web');
      await expect(store.fence('web', 3)).rejects.toBeInstanceOf(FencedOut);
      await expect(store.delete(fresh, { epoch: 3 })).rejects.toBeInstanceOf(FencedOut);
      expect((await store.read('web')).sections.deployment).toEqual({ step: 1 });
      // The new owner writes; an intake fact goes in without an epoch and keeps the owner's.
      const mine = await store.write(fresh, { deployment: { step: 2 } }, { epoch: 4 }, T);
      const withFact = await store.write(mine, { intent: { undoRequestedAt: 'now' } }, 'intake', T);
      expect(withFact.epoch).toBe(4);
      expect(await store.read('web')).toEqual(withFact);
    });

    it('fences a fleet with no record, so a stale owner cannot create one', async () => {
      await store.fence('new-fleet', 2);
      const r = await store.read('new-fleet');
      expect(r.epoch).toBe(2);
      await expect(store.write(emptyRecord('new-fleet'), { status: {} }, { epoch: 1 }, T)).rejects.toBeInstanceOf(FencedOut);
    });

    it('updateRecord retries a VersionConflict with a fresh read', async () => {
      const r0 = await store.read('web');
      const result = await updateRecord(store, 'web', 'intake', () => T, (r) => {
        return { bakes: { n: ((r.sections.bakes as { n?: number } | undefined)?.n ?? 0) + 1 } };
      });
      expect(result.sections.bakes).toEqual({ n: 1 });
      // A concurrent writer between read and write: the change is redone on the new record.
      const racing = await store.read('web');
      await store.write(racing, { bakes: { n: 10 } }, 'intake', T);
      const after = await updateRecord(store, 'web', 'intake', () => T, (r) => ({ bakes: { n: (r.sections.bakes as { n: number }).n + 1 } }));
      expect(after.sections.bakes).toEqual({ n: 11 });
      expect(r0.version).toBe(0);
    });

    it('deletes a record, version-checked', async () => {
      const r = await store.write(await store.read('gone'), { status: {} }, { epoch: 1 }, T);
      await expect(store.delete(emptyRecord('gone'), { epoch: 1 })).rejects.toBeInstanceOf(VersionConflict);
      await store.delete(r, { epoch: 1 });
      expect((await store.read('gone')).version).toBe(0);
      expect(await store.list()).not.toContain('gone');
    });

    it('gives a lifecycle action to exactly one holder, completes it once, and lets a stale claim be taken over', async () => {
      const key = { group: 'web-blue', instance: 'i-1', transition: 'autoscaling:EC2_INSTANCE_LAUNCHING' };
      const a = await store.claimLifecycleAction(key, { holder: 'a', nowMs: T, staleAfterMs: 60_000 });
      const b = await store.claimLifecycleAction(key, { holder: 'b', nowMs: T + 1000, staleAfterMs: 60_000 });
      expect(a.claimed).toBe(true);
      expect(b).toMatchObject({ claimed: false, claim: { holder: 'a' } });
      // a dies; after the stale time b takes over, and a (back from a pause) can no longer complete it.
      const b2 = await store.claimLifecycleAction(key, { holder: 'b', nowMs: T + 61_000, staleAfterMs: 60_000 });
      expect(b2.claimed).toBe(true);
      expect(await store.completeLifecycleAction(key, 'a', T + 62_000)).toBe(false);
      expect(await store.completeLifecycleAction(key, 'b', T + 62_000)).toBe(true);
      expect(await store.completeLifecycleAction(key, 'b', T + 63_000)).toBe(false);
      const c = await store.claimLifecycleAction(key, { holder: 'c', nowMs: T + 999_000, staleAfterMs: 60_000 });
      expect(c).toMatchObject({ claimed: false, claim: { holder: 'b', completedAtMs: T + 62_000 } });
      await store.claimLifecycleAction({ ...key, group: 'other' }, { holder: 'a', nowMs: T, staleAfterMs: 1 });
      expect((await store.listLifecycleClaims('web-blue')).map((x) => x.holder)).toEqual(['b']);
      expect(await store.listLifecycleClaims()).toHaveLength(2);
      await expect(store.claimLifecycleAction({ ...key, group: 'a#b' }, { holder: 'a', nowMs: T, staleAfterMs: 1 })).rejects.toThrow(/group "a#b"/);
    });

    it('remembers a message key until its TTL, with the value it was confirmed with', async () => {
      expect(await store.claimMessage('m-1', T, 60_000)).toEqual({ fresh: true });
      expect(await store.claimMessage('m-1', T + 1, 60_000)).toEqual({ fresh: false });
      await store.confirmMessage('m-1', 'msg-abc');
      expect(await store.claimMessage('m-1', T + 2, 60_000)).toEqual({ fresh: false, value: 'msg-abc' });
      expect(await store.claimMessage('m-1', T + 60_000, 60_000)).toEqual({ fresh: true });
      await store.releaseMessage('m-1');
      expect(await store.claimMessage('m-1', T + 60_001, 60_000)).toEqual({ fresh: true });
      expect(await store.claimMessage('x'.repeat(2000), T, 1000)).toEqual({ fresh: true });
      expect(await store.claimMessage('x'.repeat(2000), T, 1000)).toEqual({ fresh: false });
    });

    it('under concurrency: one claimer of ten wins, and ten concurrent read-modify-writes all land', async () => {
      const key = { group: 'g', instance: 'i-9', transition: 'autoscaling:EC2_INSTANCE_TERMINATING' };
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.claimLifecycleAction(key, { holder: `r${i}`, nowMs: T, staleAfterMs: 60_000 })));
      expect(results.filter((r) => r.claimed)).toHaveLength(1);
      const completions = await Promise.all(Array.from({ length: 10 }, (_, i) => store.completeLifecycleAction(key, `r${i}`, T)));
      expect(completions.filter(Boolean)).toHaveLength(1);
      await Promise.all(Array.from({ length: 10 }, () => updateRecord(store, 'counter', 'intake', () => T, (r) => ({ bakes: ((r.sections.bakes as number | undefined) ?? 0) + 1 }), 50)));
      expect((await store.read('counter')).sections.bakes).toBe(10);
    });

    it('refuses a name that is not a fleet name', async () => {
      await expect(store.read('../etc')).rejects.toThrow(/not a fleet name/);
    });
  });
}
