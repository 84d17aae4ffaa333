/**
 * A rollout control over its targets: one fleet by name, or every fleet whose labels `-l`
 * selects (as `kubectl rollout pause -l app=web` does). Each fleet's result is printed: by default
 * a line each, `-o json|yaml` the facts as a RolloutControlList, `-o name` `fleet/NAME` per fleet
 * acted on. Exit 1 when no fleet matches, or when any fleet had nothing to act on (the others
 * are still recorded); 2 for bad flags.
 */
import type { Command } from 'commander';
import type { ControlArgs, ControlKind } from '../controllers/fleet/controls';
import { FLEET_STATUS_API_VERSION } from '../model/fleet-status';
import { matchesSelector } from '../status/label-selector';
import { FileStatusStore } from '../status/status-store';
import { dataText, noFleetMatches, parseOutputFlag, parseSelectorFlag, UsageError, writeOut } from './cli-support';
import { controlRequest, controlWhere, type ControlResult, type ControlWhere } from './rollout-control';

export const CONTROL_OUTPUTS = ['table', 'json', 'yaml', 'name'];

export interface ControlFlags {
  selector?: string;
  output?: string;
}

/** A check before the request for one fleet (undo: is there a swap to undo?); a message means nothing to do. */
export type Precheck = (where: ControlWhere, fleet: string) => Promise<string | undefined>;

/** The fleets `-l` selects, sorted; a message when none does. */
async function selectedNames(where: ControlWhere, text: string): Promise<string[] | string> {
  const selector = parseSelectorFlag(text)!;
  const all = await new FileStatusStore(where.shared ?? where.stateDir).list();
  const names = all.filter((f) => matchesSelector(f.spec.labels, selector)).map((f) => f.name).sort();
  return names.length ? names : noFleetMatches(text, all.map((f) => f.spec.labels));
}

function listOf(results: ControlResult[]): unknown {
  const items = results.flatMap((r) => {
    if (!r.ok) return [];
    const { kind, ...fact } = r.fact;
    return [{ ...fact, control: kind, recorded: r.recorded }];
  });
  return { apiVersion: FLEET_STATUS_API_VERSION, kind: 'RolloutControlList', items };
}

async function print(results: ControlResult[], output: string, many: boolean): Promise<void> {
  for (const r of results) if (!r.ok) process.stderr.write(`Error: ${many ? `${r.fleet}: ` : ''}${r.message}\n`);
  const ok = results.filter((r) => r.ok);
  if (output === 'json' || output === 'yaml') return void process.stdout.write(await dataText(output, listOf(results)));
  if (output === 'name') return ok.forEach((r) => writeOut(`fleet/${r.fleet}`));
  for (const r of ok) writeOut(many ? `${r.fleet}: ${r.message}` : r.message);
}

/** Validate the flags, request `kind` for each target fleet, print the results; returns them. */
export async function runControl(cmd: Command, kind: ControlKind, fleet: string | undefined, flags: ControlFlags, args: ControlArgs = {}, precheck?: Precheck): Promise<ControlResult[]> {
  const output = parseOutputFlag(flags.output, CONTROL_OUTPUTS);
  if (fleet !== undefined && flags.selector !== undefined) throw new UsageError(`a fleet name ("${fleet}") and -l cannot be used together`);
  if (fleet === undefined && flags.selector === undefined) throw new UsageError(`rollout ${kind}: name a fleet, or select fleets with -l`);
  if (flags.selector !== undefined) parseSelectorFlag(flags.selector);
  const where = controlWhere(cmd);
  const names = fleet !== undefined ? [fleet] : await selectedNames(where, flags.selector!);
  if (typeof names === 'string') {
    process.stderr.write(`Error: ${names}\n`);
    process.exitCode = 1;
    return [];
  }
  const results: ControlResult[] = [];
  for (const name of names) {
    const why = precheck ? await precheck(where, name) : undefined;
    results.push(why ? { fleet: name, ok: false, message: why } : await controlRequest(where, kind, name, args));
  }
  await print(results, output, fleet === undefined);
  if (results.some((r) => !r.ok)) process.exitCode = 1;
  return results;
}
