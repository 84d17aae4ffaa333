/**
 * `drover delete fleet NAME`: show every resource drover owns for the fleet with why it goes,
 * confirm (a TTY asks; anything else needs --yes), then delete in reverse dependency order
 * until nothing tagged for the fleet is left. Safe to run again after a crash or a failure.
 * `-o name` prints `fleet/NAME` once it is gone (kubectl delete -o name); `-o json|yaml` the outcome.
 */
import { Command, Option } from 'commander';
import { createInterface } from 'node:readline/promises';
import { markDeleted } from '../controllers/fleet/deleted-status';
import type { PlanStep } from '../model/plan';
import { FileStatusStore } from '../status/status-store';
import { FLEET_STATUS_API_VERSION } from '../model/fleet-status';
import { commandContext, dataText, didYouMean, outputOption, parseDurationFlag, parseOutputFlag, UsageError, writeOut } from './cli-support';
import { loadFleetsOrExit } from './cmd-apply';
import { deleteFleet, type DeleteReport } from './delete-fleet';
import { table } from './render-plan';
import { openRuntime } from './runtime';
import { openCliState } from './cli-state';

interface DeleteFlags {
  file?: string[];
  yes?: boolean;
  images?: boolean;
  timeout: string;
  output?: string;
}

/** table: the report as text; json/yaml: a FleetDeletion object; name: `fleet/NAME` once nothing of it is left (kubectl delete -o name). */
const DELETE_OUTPUTS = ['table', 'json', 'yaml', 'name'];

export function registerDeleteCommand(program: Command): void {
  const del = program.command('delete').description('delete resources drover owns');
  del
    .command('fleet')
    .description("delete every AWS resource drover owns for a fleet (found by its tags), in reverse dependency order")
    .argument('<name>', 'the fleet (metadata.name)')
    .addOption(new Option('-f, --file <file...>', 'manifest file(s) declaring the fleet; defaults to the files last applied with this state directory'))
    .option('--yes', 'do not ask for confirmation (required when stdin is not a terminal)')
    .option('--images', "also deregister the fleet's baked images and delete their snapshots, last (kept without it)")
    .option('--timeout <duration>', 'give up after this long (virtual time with --sim); run it again to carry on', '30m')
    .addOption(outputOption(DELETE_OUTPUTS, 'output format: table (the report), json, yaml (a FleetDeletion: result, steps applied, what is kept), name (fleet/NAME once it is gone, for scripts; the report goes to stderr)'))
    .addHelpText(
      'after',
      `
Order: lifecycle hooks, then each group scaled to 0 (instances deregistered from the load balancer,
connection draining honoured) and deleted once empty; the launch template, alarms and policies; the
load balancer; the mount targets, then the file system, then its security group; and last, with
--images, the fleet's baked images and their snapshots (without it they are kept, and the plan says
how many). Only resources tagged drover:fleet=NAME and drover:managed-by=drover are touched.
Running it again after a crash or a failure carries on; against a fleet already gone it changes
nothing. A manifest with spec.deletion: true deletes the same way but always keeps the images.

With -o name, stdout holds only fleet/NAME, printed when nothing drover owns for the fleet is left
(deleted now or before); a failure prints nothing there. -o json|yaml prints the outcome either way.

Exit codes: 0 deleted (or nothing left), 1 a step failed or timed out, 2 bad arguments, cancelled.

Examples:
  $ drover delete fleet magento-marketplace -f manifests/examples/magento-marketplace.yaml
  $ drover delete fleet magento-marketplace --sim --yes
  $ drover delete fleet magento-marketplace --sim --yes --images
  $ drover delete fleet magento-marketplace --yes -o name`,
    )
    .action((name: string, flags: DeleteFlags, cmd: Command) => runDelete(cmd, name, flags));
}

async function askOnTty(fleet: string, steps: PlanStep[]): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`delete fleet ${fleet} (${steps.length} step(s) first)? type the fleet name to confirm: `);
    return answer.trim() === fleet;
  } finally {
    rl.close();
  }
}

function renderPlan(fleet: string, steps: PlanStep[], notes: string[]): string {
  const kept = notes.map((n) => `  ${n}`);
  if (!steps.length) return [`fleet ${fleet}: nothing to delete yet (waiting on AWS)`, ...kept].join('\n');
  const rows = steps.map((s, i) => [String(i + 1), s.kind, s.resource, s.reason]);
  return [`fleet ${fleet}: first deletion steps`, ...table([['#', 'KIND', 'RESOURCE', 'REASON'], ...rows]).map((l) => `  ${l}`), ...kept].join('\n');
}

function renderReport(r: DeleteReport): string {
  const calls = [...r.notes, `calls: ${r.calls.read} read, ${r.calls.mutating} mutating`].join('\n  ');
  if (r.cancelled) return `fleet ${r.fleet}: cancelled, nothing deleted`;
  if (r.failed) return `fleet ${r.fleet}: ${r.applied.length} step(s) applied, then failed\n  error: ${r.failed}\n  ${calls}`;
  const left = r.notes.length ? 'nothing tagged for it is left but its baked images' : 'nothing tagged for it is left';
  if (!r.applied.length) return `fleet ${r.fleet}: ${r.notes.length ? left : 'nothing drover owns is left'}; nothing to delete\n  ${calls}`;
  return `fleet ${r.fleet}: deleted (${r.applied.length} step(s)); ${left}\n  ${calls}`;
}

/** The outcome as data, for -o json|yaml. */
function deletionData(r: DeleteReport): unknown {
  const result = r.cancelled ? 'Cancelled' : r.failed ? 'Failed' : r.applied.length ? 'Deleted' : 'NothingToDelete';
  return {
    apiVersion: FLEET_STATUS_API_VERSION,
    kind: 'FleetDeletion',
    fleet: r.fleet,
    result,
    gone: r.gone,
    ...(r.failed ? { error: r.failed } : {}),
    applied: r.applied.map((s) => ({ kind: s.kind, resource: s.resource, reason: s.reason })),
    kept: r.notes,
    calls: r.calls,
  };
}

async function printReport(report: DeleteReport, output: string): Promise<void> {
  if (output === 'json' || output === 'yaml') return void process.stdout.write(await dataText(output, deletionData(report)));
  if (output !== 'name') return writeOut(renderReport(report));
  process.stderr.write(`${renderReport(report)}\n`);
  if (report.gone) writeOut(`fleet/${report.fleet}`);
}

async function runDelete(cmd: Command, name: string, flags: DeleteFlags): Promise<void> {
  const output = parseOutputFlag(flags.output, DELETE_OUTPUTS);
  const ctx = commandContext(cmd);
  const timeoutSeconds = parseDurationFlag('--timeout', flags.timeout);
  const interactive = !flags.yes && !!process.stdin.isTTY;
  if (!flags.yes && !interactive) throw new UsageError(`deleting fleet ${name}: stdin is not a terminal, so nothing can confirm; pass --yes`);
  const fleets = loadFleetsOrExit(ctx, flags.file);
  if (!fleets) return;
  const fleet = fleets.find((f) => f.name === name);
  const names = fleets.map((f) => f.name);
  if (!fleet) throw new UsageError(`deleting fleet ${name}: no manifest given declares it${didYouMean(name, names)} (found: ${names.join(', ') || 'none'}); pass -f FILE`);
  const rt = openRuntime({ sim: !!ctx.global.sim, stateDir: ctx.stateDir, region: fleet.region, logger: ctx.logger });
  try {
    const report = await deleteFleet(fleet, rt, {
      logger: ctx.logger,
      timeoutSeconds,
      images: !!flags.images,
      progress: (line) => process.stderr.write(`${line}\n`),
      confirm: async (steps, notes) => {
        process.stderr.write(`${renderPlan(name, steps, notes)}\n`);
        return interactive ? askOnTty(name, steps) : true;
      },
    });
    if (report.gone && report.applied.length) await markDeleted(new FileStatusStore(openCliState(ctx).store), name, rt.clock.now());
    await printReport(report, output);
    process.exitCode = report.cancelled ? 2 : report.failed ? 1 : 0;
  } finally {
    rt.save();
  }
}
