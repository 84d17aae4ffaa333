import { Command, Option } from 'commander';
import { loadManifestFile } from '../manifest';
import type { DesiredFleet } from '../model/fleet';
import { ManifestError, formatProblem } from '../util/errors';
import { commandContext, parseDurationFlag, parseOutputFlag, UsageError, writeOut, type CommandContext } from './cli-support';
import type { FleetController } from '../controller/fleet-controller';
import { runFleets, type FleetRunReport, type RunOptions } from './run-fleets';
import { lastApplied, rememberApplied } from './state-dir';
import { renderPlanTable } from './render-plan';
import { SIGNAL_EXIT_CODES, stoppedLine, watchInterrupts, type StopSignal } from './interrupt';

interface PlanApplyFlags {
  file?: string[];
  output?: string;
  wait?: boolean;
  timeout: string;
  fresh?: boolean;
}

export function registerApplyCommands(program: Command): void {
  const fileOpt = () =>
    new Option('-f, --file <file...>', 'Fleet manifest file(s); defaults to the files last applied with this state directory');
  const outOpt = () => new Option('-o, --output <format>', 'table or json').default('table');

  program
    .command('plan')
    .description('show the steps that would make AWS match the manifest, without changing anything')
    .addOption(fileOpt())
    .addOption(outOpt())
    .addHelpText(
      'after',
      `
Each step has a kind, the resource it touches and the reason. JSON output, one object per fleet:
  {"fleet": NAME, "steps": [{"kind","resource","reason"}], "calls": {"read": N, "mutating": N}}

Exit codes: 0 planned (even if steps remain), 1 observing failed, 2 bad manifest or flags.

Examples:
  $ drover plan -f manifests/examples/magento-marketplace.yaml --sim
  $ drover plan --sim -o json | jq '.steps | length'`,
    )
    .action((flags: PlanApplyFlags, cmd: Command) => runPlanOrApply(cmd, flags, false));

  program
    .command('apply')
    .description('make AWS match the manifest: create, repair drift, delete what drover owns but the manifest dropped')
    .addOption(fileOpt())
    .addOption(outOpt())
    .option('--wait', 'keep reconciling until the fleet is converged (in the simulated account, virtual time advances)')
    .option('--timeout <duration>', 'give up waiting after this long (virtual time with --sim); default: 30m plus the longest deployment the manifest allows')
    .option('--fresh', 'with --sim: start from a new, empty simulated account')
    .addHelpText(
      'after',
      `
Resources are matched by the drover:fleet and drover:managed-by tags. Anything without them is never touched,
even when its name is the one the manifest wants: the plan then says the name is taken.

Exit codes: 0 applied (and converged, with --wait), 1 a step failed or --wait timed out, 2 bad manifest or flags.

Examples:
  $ drover apply -f manifests/examples/magento-marketplace.yaml --sim --wait
  $ drover apply -f fleet.yaml --wait --timeout 30m -o json`,
    )
    .action((flags: PlanApplyFlags, cmd: Command) => runPlanOrApply(cmd, flags, true));
}

async function runPlanOrApply(cmd: Command, flags: PlanApplyFlags, apply: boolean): Promise<void> {
  const ctx = commandContext(cmd);
  const output = parseOutputFlag(flags.output, ['table', 'json']);
  const timeoutSeconds = flags.timeout === undefined ? undefined : parseDurationFlag('--timeout', flags.timeout);
  if (flags.fresh && !ctx.global.sim) throw new UsageError('--fresh only applies with --sim');
  const fleets = loadFleetsOrExit(ctx, flags.file);
  if (!fleets) return;
  await runAndReport(ctx, fleets, { apply, wait: apply && !!flags.wait, timeoutSeconds, fresh: !!flags.fresh, output, files: flags.file });
}

/** The fleets in `files`, else in the files last applied; prints problems and sets exit code 2 when invalid. */
export function loadFleetsOrExit(ctx: CommandContext, files?: string[]): DesiredFleet[] | undefined {
  const chosen = files ?? lastApplied(ctx.stateDir);
  if (!chosen?.length) {
    throw new UsageError(`no manifest given: pass -f FILE (nothing has been applied with state directory ${ctx.stateDir})`);
  }
  const fleets = loadFleets(chosen);
  if (!fleets) process.exitCode = 2;
  return fleets;
}

export interface RunAndReportOptions {
  apply: boolean;
  wait: boolean;
  timeoutSeconds?: number;
  fresh?: boolean;
  output?: string;
  /** Remember these as the last applied files. */
  files?: string[];
  /** Before the first pass (e.g. request a bake). */
  before?: (controller: FleetController) => void;
  okResults?: string[];
  failOnBlocked?: boolean;
}

/** Run plan/apply over `fleets`, print the reports, and set the exit code. */
export async function runAndReport(ctx: CommandContext, fleets: DesiredFleet[], opts: RunAndReportOptions): Promise<void> {
  const interrupt = opts.wait ? watchInterrupts() : undefined;
  let reports: FleetRunReport[];
  try {
    reports = await runFleets(fleets, {
      ...runOptions(ctx, opts),
      ...(interrupt ? { interrupt } : {}),
    });
  } finally {
    interrupt?.dispose();
  }
  if (interrupt?.signal) {
    reportInterrupted(ctx, reports, interrupt.signal, opts.files);
    return;
  }
  if (opts.apply && opts.files) rememberApplied(ctx.stateDir, opts.files);
  printReports(reports, opts.output ?? 'table', opts.apply);
  process.exitCode = reports.some((r) => r.failed) ? 1 : 0;
}

/** Ctrl-C or SIGTERM: everything is saved; one line says where each fleet is and how to resume. */
function reportInterrupted(ctx: CommandContext, reports: FleetRunReport[], signal: StopSignal, files?: string[]): void {
  const g = ctx.global;
  const resume = ['drover apply', ...(files ?? []).map((f) => `-f ${f}`), g.sim ? '--sim' : '', g.stateDir ? `--state-dir ${g.stateDir}` : '', '--wait'].filter(Boolean).join(' ');
  const fleets = reports.map((r) => ({ fleet: r.fleet, deployment: r.deployment, inService: r.inService ?? 0, desired: r.desired ?? 0 }));
  process.stderr.write(`${stoppedLine(signal, fleets, resume)}\n`);
  process.exitCode = SIGNAL_EXIT_CODES[signal];
}

function runOptions(ctx: CommandContext, opts: RunAndReportOptions): RunOptions {
  return {
    ...ctx,
    apply: opts.apply,
    wait: opts.wait,
    timeoutSeconds: opts.timeoutSeconds,
    fresh: !!opts.fresh,
    progress: (line) => process.stderr.write(`${line}\n`),
    ...(opts.before ? { before: opts.before } : {}),
    ...(opts.okResults ? { okResults: opts.okResults } : {}),
    ...(opts.failOnBlocked !== undefined ? { failOnBlocked: opts.failOnBlocked } : {}),
  };
}

function loadFleets(files: string[]): DesiredFleet[] | undefined {
  const fleets: DesiredFleet[] = [];
  let bad = false;
  for (const file of files) {
    try {
      fleets.push(...loadManifestFile(file));
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      for (const p of err.problems) process.stderr.write(`${formatProblem(p)}\n`);
      bad = true;
    }
  }
  return bad ? undefined : fleets;
}

function printReports(reports: FleetRunReport[], output: string, apply: boolean): void {
  if (output === 'json') {
    const objs = reports.map((r) => ({
      fleet: r.fleet,
      steps: r.steps.map((s) => ({ kind: s.kind, resource: s.resource, reason: s.reason })),
      calls: r.calls,
      ...(r.failed ? { error: r.failed } : {}),
      ...(apply ? { ready: r.ready, pending: r.pending.map((s) => s.kind) } : {}),
    }));
    writeOut(JSON.stringify(objs.length === 1 ? objs[0] : objs, null, 2));
    return;
  }
  writeOut(reports.map((r) => renderPlanTable(r, apply)).join('\n'));
}
