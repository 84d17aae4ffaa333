import * as path from 'node:path';
import { parseMessage } from '../controllers/intake/parsers/parse-message';
import { fleetRoutes, routeEvent } from '../controllers/intake/route';
import { loadManifestFile } from '../manifest';
import { intakeFleets, intakeMix, MIX, type MixKind } from './intake-messages';
import { MANIFEST_REPO } from './intake-throughput';

const base = loadManifestFile(path.join(__dirname, '../../manifests/examples/magento-marketplace.yaml'))[0];
const fleets = intakeFleets(base, 4);
const routes = fleetRoutes(fleets);

/** What each kind of message must become: a parse failure, or a route action. */
const EXPECTED: Record<MixKind, string> = {
  merge: 'bake',
  'merge-duplicate': 'bake',
  'merge-other-branch': 'ignore',
  'merge-opened': 'record',
  push: 'bake',
  'push-other-branch': 'ignore',
  'push-unknown-repo': 'ignore',
  'lifecycle-eventbridge': 'lifecycle',
  'lifecycle-notification': 'lifecycle',
  'lifecycle-test': 'record',
  'alarm-eventbridge': 'alarm',
  'alarm-sns': 'alarm',
  poison: 'rejected',
};

function outcome(body: string, headers: Record<string, string>, i: number): string {
  const parsed = parseMessage(body, { messageId: `m-${i}`, headers, sentTimestampMs: Date.UTC(2026, 0, 1) });
  if (!parsed.ok) return parsed.ignored ? 'ignored' : 'rejected';
  return routeEvent(parsed.event, routes, MANIFEST_REPO).action;
}

describe('the intake benchmark message mix', () => {
  const messages = intakeMix(fleets.map((f) => f.name), 1000, 5);

  it('has the requested size and proportions', () => {
    expect(messages).toHaveLength(1000);
    for (const kind of Object.keys(MIX) as MixKind[]) {
      expect(messages.filter((m) => m.kind === kind)).toHaveLength(Math.round(MIX[kind] * 1000));
    }
  });

  it('every message parses and routes as its kind says', () => {
    const wrong = messages.map((m, i) => ({ kind: m.kind, got: outcome(m.body, m.attributes, i) })).filter((r) => r.got !== EXPECTED[r.kind]);
    expect(wrong).toEqual([]);
  });

  it('bakes route to the one fleet whose repository the event names', () => {
    const push = messages.find((m) => m.kind === 'push')!;
    const parsed = parseMessage(push.body, { messageId: 'p', headers: push.attributes });
    if (!parsed.ok) throw new Error(parsed.reason);
    const decision = routeEvent(parsed.event, routes, MANIFEST_REPO);
    expect(decision.fleetKeys).toHaveLength(1);
    expect(JSON.parse(push.body).project.path_with_namespace).toBe(`shop/${decision.fleetKeys[0]}`);
  });

  it('duplicates repeat an earlier merge body exactly, and the mix is deterministic per seed', () => {
    const merges = new Set(messages.filter((m) => m.kind === 'merge').map((m) => m.body));
    const dups = messages.filter((m) => m.kind === 'merge-duplicate');
    expect(dups.filter((d) => merges.has(d.body)).length).toBeGreaterThan(dups.length * 0.9);
    expect(intakeMix(fleets.map((f) => f.name), 1000, 5)).toEqual(messages);
    expect(intakeMix(fleets.map((f) => f.name), 1000, 6)).not.toEqual(messages);
  });
});
