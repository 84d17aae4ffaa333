/**
 * `drover rollout status|history`: one fleet by name, or the fleets `-l` selects; tables by
 * default, `-o json|yaml` in the shapes `get deployments` uses (a DeploymentList).
 */
import * as fs from 'node:fs';
import type { Command } from 'commander';
import { FLEET_STATUS_API_VERSION, type DeploymentStatus, type FleetStatus } from '../model/fleet-status';
import { renderRolloutHistory, renderRolloutStatus, renderTimelineSvg, rolloutExitCode } from '../status';
import { revisionOf } from '../status/rollout-history';
import { selectFleets } from '../status/select';
import {
  commandContext, dataText, fleetNotFound, noFleetMatches, parseDurationFlag, parseOutputFlag, parseSelectorFlag, UsageError, writeOut, type CommandContext,
} from './cli-support';
import { selected, statusSource } from './cmd-get';
import { sleepUnlessAborted, withInterrupt } from './watch-loop';

export const ROLLOUT_OUTPUTS = ['table', 'json', 'yaml'];

export interface RolloutReadFlags {
  output?: string;
  selector?: string;
  server?: string;
}

export interface StatusFlags extends RolloutReadFlags {
  watch?: boolean;
  interval: string;
  timeout: string;
}

export interface HistoryFlags extends RolloutReadFlags {
  svg?: string;
  revision?: string;
}

function deploymentList(items: Array<{ fleet: string; revision?: number } & DeploymentStatus>): unknown {
  return { apiVersion: FLEET_STATUS_API_VERSION, kind: 'DeploymentList', items };
}

/** Checks the name/-l combination before anything is read. */
function checkTarget(fleet: string | undefined, flags: RolloutReadFlags): void {
  if (fleet !== undefined && flags.selector !== undefined) throw new UsageError(`a fleet name ("${fleet}") and -l cannot be used together`);
  if (fleet === undefined && flags.selector === undefined) throw new UsageError('name a fleet, or select fleets with -l');
}

/** The fleets to show; undefined (after saying so, exit 1) when the named fleet does not exist. */
async function readTargets(ctx: CommandContext, fleet: string | undefined, flags: RolloutReadFlags): Promise<FleetStatus[] | undefined> {
  const all = (await statusSource(ctx, { server: flags.server }).read()).list;
  const list = selected(all, parseSelectorFlag(flags.selector));
  if (fleet === undefined) {
    // A script waiting on `rollout status -l` must not read a typo as success: no match is an error.
    if (list.items.length) return selectFleets(list);
    process.stderr.write(`Error: ${noFleetMatches(flags.selector!, all.items.map((f) => f.spec.labels))}\n`);
    process.exitCode = 1;
    return undefined;
  }
  const found = list.items.find((f) => f.name === fleet);
  if (found) return [found];
  process.stderr.write(`Error: ${fleetNotFound(fleet, list.items.map((f) => f.name))}\n`);
  process.exitCode = 1;
  return undefined;
}

function statusLine(f: FleetStatus): string {
  const d = f.deployment;
  if (!d) return `fleet "${f.name}" has no deployment yet; it serves ${f.ami ?? 'nothing'}\n`;
  return renderRolloutStatus(d, { now: new Date(Math.max(Date.now(), Date.parse(f.updatedAt))), fleet: f.name });
}

async function statusFrame(fleets: FleetStatus[], output: string): Promise<string> {
  if (output === 'table') return fleets.map(statusLine).join('');
  return dataText(output as 'json' | 'yaml', deploymentList(fleets.flatMap((f) => (f.deployment ? [{ fleet: f.name, ...f.deployment }] : []))));
}

/** 0 when every selected deployment succeeded (or none ran), 1 when any failed, undefined while any runs. */
function combinedExitCode(fleets: FleetStatus[]): 0 | 1 | undefined {
  const codes = fleets.map((f) => (f.deployment ? rolloutExitCode(f.deployment) : 0));
  if (codes.includes(undefined)) return undefined;
  return codes.includes(1) ? 1 : 0;
}

export async function rolloutStatus(cmd: Command, fleet: string | undefined, flags: StatusFlags): Promise<void> {
  const output = parseOutputFlag(flags.output, ROLLOUT_OUTPUTS);
  checkTarget(fleet, flags);
  const ctx = commandContext(cmd);
  const intervalMs = parseDurationFlag('--interval', flags.interval) * 1000;
  const timeoutMs = parseDurationFlag('--timeout', flags.timeout) * 1000;
  const started = Date.now();
  let last = '';
  await withInterrupt(async (signal) => {
    for (;;) {
      const fleets = await readTargets(ctx, fleet, flags);
      if (!fleets) return;
      const text = await statusFrame(fleets, output);
      if (text !== last) process.stdout.write(text);
      last = text;
      const code = combinedExitCode(fleets);
      if (code !== undefined || !flags.watch) {
        process.exitCode = code ?? 0;
        return;
      }
      if (Date.now() - started > timeoutMs) {
        process.stderr.write(`Error: timed out after ${flags.timeout} waiting for the deployment of ${fleet ? `fleet "${fleet}"` : `the fleets selected by ${flags.selector}`}\n`);
        process.exitCode = 1;
        return;
      }
      await sleepUnlessAborted(intervalMs, signal);
      if (signal.aborted) return;
    }
  });
}

async function historyText(fleets: FleetStatus[], output: string, named: boolean): Promise<string> {
  if (output !== 'table') {
    const items = fleets.flatMap((f) => {
      const revision = revisionOf(f.history);
      return f.history.map((d) => ({ fleet: f.name, ...d, ...(revision(d) !== undefined ? { revision: revision(d) } : {}) }));
    });
    return dataText(output as 'json' | 'yaml', deploymentList(items));
  }
  if (named) return renderRolloutHistory(fleets[0].history).trimEnd() || `fleet "${fleets[0].name}" has no deployments yet`;
  return fleets.map((f) => `FLEET ${f.name}\n${renderRolloutHistory(f.history)}`).join('\n').trimEnd();
}

export async function rolloutHistory(cmd: Command, fleet: string | undefined, flags: HistoryFlags): Promise<void> {
  const output = parseOutputFlag(flags.output, ROLLOUT_OUTPUTS);
  checkTarget(fleet, flags);
  if (flags.svg && fleet === undefined) throw new UsageError('--svg draws one fleet: name it instead of -l');
  const fleets = await readTargets(commandContext(cmd), fleet, flags);
  if (!fleets) return;
  writeOut(await historyText(fleets, output, fleet !== undefined));
  if (!flags.svg) return;
  const status = fleets[0];
  const pick = (d: DeploymentStatus) => (flags.revision ? d.id === flags.revision : d.kind !== 'bake');
  const deployment = status.history.find(pick);
  if (!deployment) throw new UsageError(flags.revision ? `--revision: no deployment "${flags.revision}" in fleet ${status.name}'s history` : `fleet ${status.name} has no swap to draw yet`);
  fs.writeFileSync(flags.svg, renderTimelineSvg(deployment, { events: status.events }));
  process.stderr.write(`wrote ${flags.svg} (deployment ${deployment.id})\n`);
}
