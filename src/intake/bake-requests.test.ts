import fc from 'fast-check';
import { BakeRegister, emptyBakeRegister, finishBake, fleetBakes, requestBake, startBake } from './bake-requests';

const sha = (n: number) => n.toString(16).padStart(40, '0');
const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString();

function seeded(random: number) {
  let s = random >>> 0 || 1;
  return () => ((s = (s * 1103515245 + 12345) >>> 0) % 1_000_000) / 1_000_000;
}

describe('bake request register', () => {
  it('a storm of 50 mixed-order merges with duplicates leaves exactly one bake pending: the newest', () => {
    let reg = requestBake(emptyBakeRegister(), 'shop', { commit: sha(1000), at: at(0), messageId: 'first' }).register;
    reg = startBake(reg, 'shop').register;
    const rnd = seeded(42);
    const merges = Array.from({ length: 30 }, (_, i) => ({ commit: sha(i + 1), at: at(i + 1), messageId: `m-${i + 1}` }));
    const storm = [...merges, ...merges.slice(0, 20)].sort(() => rnd() - 0.5);
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
    expect(JSON.parse(JSON.stringify(reg))).toEqual(reg);
  });

  it('keeps the newest pending commit whatever the arrival order (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ commit: fc.nat(20), minute: fc.nat(59), dup: fc.boolean() }), { minLength: 1, maxLength: 40 }), (events) => {
        let reg: BakeRegister = emptyBakeRegister();
        events.forEach((e, i) => {
          reg = requestBake(reg, 'f', { commit: sha(e.commit), at: at(e.minute), messageId: e.dup ? 'same' : `m${i}` }).register;
        });
        // A simple model: each commit and each message id counts once; the newest time wins, later arrival breaks ties.
        const seenCommits = new Set<number>();
        let sameSeen = false;
        let best: { commit: number; minute: number } | undefined;
        for (const e of events) {
          if ((e.dup && sameSeen) || seenCommits.has(e.commit)) continue;
          sameSeen ||= e.dup;
          seenCommits.add(e.commit);
          if (!best || e.minute >= best.minute) best = e;
        }
        return fleetBakes(reg, 'f').pending?.commit === sha(best!.commit);
      }),
    );
  });

  it('ignores duplicates by commit and by message id', () => {
    let r = requestBake(emptyBakeRegister(), 'shop', { commit: sha(1), at: at(1), messageId: 'a' });
    r = requestBake(r.register, 'shop', { commit: sha(1), at: at(2), messageId: 'b' });
    expect(r.outcome).toBe('duplicate');
    r = requestBake(r.register, 'shop', { commit: sha(2), at: at(3), messageId: 'a' });
    expect(r.outcome).toBe('duplicate');
    expect(fleetBakes(r.register, 'shop').pending?.commit).toBe(sha(1));
  });

  it('never requests a commit older than the deployed one, nor the deployed one itself', () => {
    const deployed = { commit: sha(5), at: at(10) };
    expect(requestBake(emptyBakeRegister(), 'shop', { commit: sha(4), at: at(9) }, deployed)).toMatchObject({ outcome: 'older-than-deployed' });
    expect(requestBake(emptyBakeRegister(), 'shop', { commit: sha(5), at: at(11) }, deployed)).toMatchObject({ outcome: 'already-deployed' });
    const ok = requestBake(emptyBakeRegister(), 'shop', { commit: sha(6), at: at(11) }, deployed);
    expect(ok.outcome).toBe('queued');
    expect(fleetBakes(ok.register, 'shop').pending?.commit).toBe(sha(6));
  });

  it('refuses a commit older than the one baking, and hands out the pending one when the bake ends', () => {
    let reg = requestBake(emptyBakeRegister(), 'shop', { commit: sha(1), at: at(5) }).register;
    reg = startBake(reg, 'shop').register;
    expect(requestBake(reg, 'shop', { commit: sha(0), at: at(4) }).outcome).toBe('older-than-in-flight');
    reg = requestBake(reg, 'shop', { commit: sha(2), at: at(6) }).register;
    expect(startBake(reg, 'shop').started).toBeUndefined();
    expect(finishBake(reg, 'shop', sha(9))).toBe(reg);
    reg = finishBake(reg, 'shop', sha(1));
    const next = startBake(reg, 'shop');
    expect(next.started?.commit).toBe(sha(2));
    expect(fleetBakes(next.register, 'shop')).toMatchObject({ inFlight: { commit: sha(2) } });
    expect(fleetBakes(next.register, 'shop').pending).toBeUndefined();
  });

  it('keeps fleets independent and breaks equal times by arrival order', () => {
    let reg = requestBake(emptyBakeRegister(), 'a', { commit: sha(1), at: at(1) }).register;
    reg = requestBake(reg, 'b', { commit: sha(2), at: at(1) }).register;
    reg = requestBake(reg, 'a', { commit: sha(3), at: at(1) }).register;
    expect(fleetBakes(reg, 'a').pending?.commit).toBe(sha(3));
    expect(fleetBakes(reg, 'b').pending?.commit).toBe(sha(2));
  });
});
