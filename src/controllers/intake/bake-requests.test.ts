import fc from 'fast-check';
import { BakeRegister, emptyBakeRegister, finishBake, fleetBakes, requestBake, startBake } from './bake-requests';

const sha = (n: number) => n.toString(16).padStart(40, '0');
const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString();

function seeded(random: number) {
  let s = random >>> 0 || 1;
  return () => ((s = (s * 1103515245 + 12345) >>> 0) % 1_000_000) / 1_000_000;
}

describe('bake request register', () => {
  it('a storm of 50 merges with duplicates while one bakes leaves exactly one pending: the last new head received', () => {
    let reg = requestBake(emptyBakeRegister(), 'shop', { commit: sha(1000), at: at(0), messageId: 'first' }).register;
    reg = startBake(reg, 'shop').register;
    const rnd = seeded(42);
    // Event times are shuffled against the order received: they must not matter.
    const merges = Array.from({ length: 30 }, (_, i) => ({ commit: sha(i + 1), at: at(Math.floor(rnd() * 59)), messageId: `m-${i + 1}` }));
    const storm = [...merges, ...merges.slice(0, 20)];
    expect(storm).toHaveLength(50);
    const outcomes: string[] = [];
    for (const m of storm) {
      const r = requestBake(reg, 'shop', m);
      reg = r.register;
      outcomes.push(r.outcome);
    }
    const q = fleetBakes(reg, 'shop');
    expect(q.inFlight?.commit).toBe(sha(1000));
    expect(q.pending?.commit).toBe(sha(30));
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(20);
    expect(outcomes.filter((o) => o === 'replaced')).toHaveLength(29);
    expect(JSON.parse(JSON.stringify(reg))).toEqual(reg);
  });

  it('keeps the last new commit received pending, whatever the event times (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ commit: fc.nat(20), minute: fc.nat(59), dup: fc.boolean() }), { minLength: 1, maxLength: 40 }), (events) => {
        let reg: BakeRegister = emptyBakeRegister();
        events.forEach((e, i) => {
          reg = requestBake(reg, 'f', { commit: sha(e.commit), at: at(e.minute), messageId: e.dup ? 'same' : `m${i}` }).register;
        });
        // A simple model: a message id is seen once; each commit counts once; the last one counted wins.
        const seenCommits = new Set<number>();
        let sameSeen = false;
        let last: number | undefined;
        for (const e of events) {
          if (e.dup && sameSeen) continue;
          sameSeen ||= e.dup;
          if (seenCommits.has(e.commit)) continue;
          seenCommits.add(e.commit);
          last = e.commit;
        }
        return fleetBakes(reg, 'f').pending?.commit === sha(last!);
      }),
    );
  });

  it('a push whose head carries an OLDER timestamp than the commit baking is still queued (timestamps lie)', () => {
    let reg = requestBake(emptyBakeRegister(), 'shop', { commit: sha(1), at: at(50) }).register;
    reg = startBake(reg, 'shop').register;
    const r = requestBake(reg, 'shop', { commit: sha(2), at: at(5), before: sha(1) });
    expect(r.outcome).toBe('queued');
    expect(r.reason).toContain('which is baking');
    expect(fleetBakes(r.register, 'shop').pending?.commit).toBe(sha(2));
  });

  it('follows the push chain: a late event for a commit a push moved past is superseded, and drops a stale pending', () => {
    // Pushes 1→2 and 2→3 arrive first, then the (late) merge event for commit 2.
    let reg = requestBake(emptyBakeRegister(), 'shop', { commit: sha(2), at: at(1), before: sha(1) }).register;
    reg = startBake(reg, 'shop').register;
    reg = requestBake(reg, 'shop', { commit: sha(3), at: at(2), before: sha(2) }).register;
    const late = requestBake(reg, 'shop', { commit: sha(2), at: at(3), messageId: 'late-merge' });
    expect(late.outcome).toBe('superseded');
    expect(fleetBakes(late.register, 'shop').pending?.commit).toBe(sha(3));
    // Merge events for 5 then (late) 4 put 4 pending; the push 4→5 says 5 is the head again.
    let r = requestBake(emptyBakeRegister(), 'b', { commit: sha(9), at: at(0) });
    r = { ...r, register: startBake(r.register, 'b').register };
    r = requestBake(r.register, 'b', { commit: sha(5), at: at(1) });
    r = requestBake(r.register, 'b', { commit: sha(4), at: at(2) });
    expect(fleetBakes(r.register, 'b').pending?.commit).toBe(sha(4));
    r = requestBake(r.register, 'b', { commit: sha(5), at: at(3), before: sha(4) });
    expect(r.outcome).toBe('replaced');
    expect(r.reason).toContain('a push moved the branch from it');
    expect(fleetBakes(r.register, 'b').pending?.commit).toBe(sha(5));
  });

  it('ignores duplicates by commit and by message id', () => {
    let r = requestBake(emptyBakeRegister(), 'shop', { commit: sha(1), at: at(1), messageId: 'a' });
    r = requestBake(r.register, 'shop', { commit: sha(1), at: at(2), messageId: 'b' });
    expect(r.outcome).toBe('duplicate');
    r = requestBake(r.register, 'shop', { commit: sha(2), at: at(3), messageId: 'a' });
    expect(r.outcome).toBe('duplicate');
    expect(fleetBakes(r.register, 'shop').pending?.commit).toBe(sha(1));
  });

  it('never requests the deployed commit again', () => {
    const deployed = { commit: sha(5), at: at(10) };
    expect(requestBake(emptyBakeRegister(), 'shop', { commit: sha(5), at: at(11) }, deployed)).toMatchObject({ outcome: 'already-deployed' });
    const ok = requestBake(emptyBakeRegister(), 'shop', { commit: sha(4), at: at(9) }, deployed);
    expect(ok.outcome).toBe('queued');
    expect(fleetBakes(ok.register, 'shop').pending?.commit).toBe(sha(4));
  });

  it('coalesces heads that arrive while a bake runs, and hands out the pending one when the bake ends', () => {
    let reg = requestBake(emptyBakeRegister(), 'shop', { commit: sha(1), at: at(5) }).register;
    reg = startBake(reg, 'shop').register;
    expect(requestBake(reg, 'shop', { commit: sha(0), at: at(4) }).outcome).toBe('queued');
    reg = requestBake(reg, 'shop', { commit: sha(0), at: at(4) }).register;
    const replaced = requestBake(reg, 'shop', { commit: sha(2), at: at(1) });
    expect(replaced.outcome).toBe('replaced');
    reg = replaced.register;
    expect(startBake(reg, 'shop').started).toBeUndefined();
    expect(finishBake(reg, 'shop', sha(9))).toBe(reg);
    reg = finishBake(reg, 'shop', sha(1));
    const next = startBake(reg, 'shop');
    expect(next.started?.commit).toBe(sha(2));
    expect(fleetBakes(next.register, 'shop')).toMatchObject({ inFlight: { commit: sha(2) } });
    expect(fleetBakes(next.register, 'shop').pending).toBeUndefined();
  });

  it('keeps fleets independent', () => {
    let reg = requestBake(emptyBakeRegister(), 'a', { commit: sha(1), at: at(1) }).register;
    reg = requestBake(reg, 'b', { commit: sha(2), at: at(1) }).register;
    reg = requestBake(reg, 'a', { commit: sha(3), at: at(1) }).register;
    expect(fleetBakes(reg, 'a').pending?.commit).toBe(sha(3));
    expect(fleetBakes(reg, 'b').pending?.commit).toBe(sha(2));
  });
});
