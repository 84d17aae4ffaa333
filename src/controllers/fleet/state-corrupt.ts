/**
 * A state file that cannot be read (garbage `fleets/<name>.json`, a truncated deployment
 * record) is named, moved aside to `<file>.corrupt-<time>` so nothing overwrites the evidence,
 * and raised as the fleet condition `StateCorrupt` (in `drover describe fleet` and
 * `drover events`). What it held is rebuilt from the world: the serving group's launch
 * template version says which AMI runs, and the image's tags say which bake made it. The
 * fleet is never silently "deployed back" to the manifest's base AMI.
 */
import { FileSnapshotStore, type SnapshotStore } from '../../deploy/snapshot-store';
import { RecordSnapshotStore } from '../../deploy/record-snapshot-store';
import { quarantineFile } from '../../util/quarantine';
import { imageOrigin, type DeployPortsContext } from '../../deploy/actors';
import type { AwsPort } from '../../aws/port';
import type { DesiredFleet } from '../../model/fleet';
import { appendEvent, type FleetStatus } from '../../model/fleet-status';
import type { ObservedFleet } from '../../model/observed';
import { setCondition } from '../../model/status';
import { activeAmi, activeGroup, desiredAmi } from '../../planner/active-group';
import type { StatusStore } from '../../status/status-store';
import { emptyMemory, type CorruptState, type FleetMemory } from './fleet-memory';

export type { CorruptState };

/** The fleet's memory as the world shows it: a baked image of this fleet serving is kept as deployed. */
export async function rebuildMemoryFromWorld(clients: AwsPort, ctx: DeployPortsContext, fleet: DesiredFleet, observed: ObservedFleet): Promise<{ memory: FleetMemory; note: string }> {
  const memory = emptyMemory(fleet.name);
  const serving = activeAmi(observed, activeGroup(observed, fleet.loadBalancer.name));
  if (!serving || serving === desiredAmi(fleet)) return { memory, note: `the serving AMI ${serving ?? '(none)'} is the manifest's` };
  const origin = await imageOrigin(clients, ctx, serving);
  if (origin?.fleet !== fleet.name || !origin.commit) return { memory, note: `the serving AMI ${serving} is not a bake of this fleet; the manifest's AMI applies` };
  const deployed = { ami: serving, commit: origin.commit, ...(fleet.image.ami ? { pinnedAmi: fleet.image.ami } : {}) };
  return { memory: { ...memory, deployed }, note: `kept the serving AMI ${serving} (baked from commit ${origin.commit}) as deployed` };
}

/** Raise `StateCorrupt` on the fleet's status, with a Warning event; both name the file. False when the fleet has no status yet to raise it on. */
export async function raiseStateCorrupt(statuses: StatusStore, c: CorruptState, rebuilt: string, now: Date): Promise<boolean> {
  const saved = await statuses.update(c.fleet, (prev) => (prev ? withStateCorrupt(prev, c, rebuilt, now) : undefined));
  return saved !== undefined;
}

function withStateCorrupt(prev: FleetStatus, c: CorruptState, rebuilt: string, now: Date): FleetStatus {
  // A store without files keeps no copy: the event carries the start of what the section held.
  const held = c.value !== undefined && c.movedTo.startsWith('(') ? `; it held ${oneLine(c.value)}` : '';
  const message = `${c.file} was unreadable (${oneLine(c.error)}); moved to ${c.movedTo}${held} and rebuilt from the world: ${rebuilt}`;
  const conditions = setCondition(prev.conditions, { type: 'StateCorrupt', status: 'True', reason: 'RebuiltFromWorld', message }, now);
  const event = { at: now.toISOString(), fleet: c.fleet, type: 'Warning' as const, reason: 'StateCorrupt', message };
  return appendEvent({ ...prev, conditions, updatedAt: now.toISOString() }, event);
}

/** Move a corrupt deployment record aside (a store without files just drops it); returns where it went. */
export async function quarantineRecord(snapshots: SnapshotStore, fleet: string, now: Date): Promise<{ file: string; movedTo: string }> {
  if (snapshots instanceof RecordSnapshotStore) return snapshots.quarantine(fleet, now);
  if (snapshots instanceof FileSnapshotStore) {
    const file = snapshots.fileFor(fleet);
    return { file, movedTo: quarantineFile(file, now) };
  }
  await snapshots.delete(fleet);
  return { file: `deployment record of ${fleet}`, movedTo: '(dropped)' };
}

/** A parser's message quotes the file's text: keep it to one short line. */
export function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
}
