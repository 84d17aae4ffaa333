import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ControlInbox, controlFact, markApplied, pendingControls, withControl, type ControlFact } from './controls';
import { emptyMemory } from './fleet-memory';

const req = (kind: ControlFact['kind'], at: string, deployment = 'swap-1') => ({ fleet: 'shop', kind, args: {}, deployment, requestedAt: at, by: 'ops@host' });

describe('rollout control facts', () => {
  it('the same request twice in a row is one fact; pause, resume, pause again are three', () => {
    let memory = emptyMemory('shop');
    const first = controlFact([], req('pause', '2026-01-01T00:00:00Z'));
    expect(first.existing).toBe(false);
    memory = withControl(memory, first.fact).memory;
    const repeat = controlFact(memory.controls!, req('pause', '2026-01-01T00:00:05Z'));
    expect(repeat).toEqual({ fact: first.fact, existing: true });
    expect(withControl(memory, { ...first.fact, id: 'pause-other' })).toMatchObject({ added: false });
    const resume = controlFact(memory.controls!, req('resume', '2026-01-01T00:01:00Z'));
    memory = withControl(memory, resume.fact).memory;
    const again = controlFact(memory.controls!, req('pause', '2026-01-01T00:02:00Z'));
    expect(again.existing).toBe(false);
    expect(again.fact.id).not.toBe(first.fact.id);
    memory = withControl(memory, again.fact).memory;
    expect(memory.controls!.map((c) => c.kind)).toEqual(['pause', 'resume', 'pause']);
    // A pause for another deployment is another request.
    expect(controlFact(memory.controls!, req('pause', '2026-01-01T00:03:00Z', 'swap-2')).existing).toBe(false);
  });

  it('pending facts are the ones not applied, oldest first', () => {
    const a = controlFact([], req('pause', '2026-01-01T00:00:00Z')).fact;
    const b = controlFact([a], req('resume', '2026-01-01T00:01:00Z')).fact;
    let memory = withControl(withControl(emptyMemory('shop'), b).memory, a).memory;
    expect(pendingControls(memory).map((f) => f.kind)).toEqual(['pause', 'resume']);
    memory = markApplied(memory, a.id, '2026-01-01T00:00:10Z', 'held');
    expect(pendingControls(memory).map((f) => f.kind)).toEqual(['resume']);
    expect(memory.controls!.find((f) => f.id === a.id)).toMatchObject({ appliedAt: '2026-01-01T00:00:10Z', outcome: 'held' });
  });

  it('the inbox hands whole facts over, per fleet, and skips what is not a fact', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-inbox-'));
    try {
      const inbox = new ControlInbox(dir);
      expect(inbox.list()).toEqual([]);
      const fact = controlFact([], req('abort', '2026-01-01T00:00:00Z')).fact;
      const file = inbox.put(fact);
      inbox.put({ ...fact, id: 'pause-x', fleet: 'blog' });
      fs.writeFileSync(path.join(dir, 'inbox', 'junk.json'), '{"nope": 1}');
      fs.writeFileSync(path.join(dir, 'inbox', 'half.json.1.tmp'), '{');
      expect(inbox.list('shop')).toEqual([{ file, fact }]);
      expect(inbox.fleets().sort()).toEqual(['blog', 'shop']);
      inbox.remove(file);
      expect(inbox.list('shop')).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
