import { Command, Option } from 'commander';
import { dropDuplicateFleets, loadManifestFile } from '../manifest';
import type { DesiredFleet } from '../model/fleet';
import { ManifestError, formatProblem } from '../util/errors';
import { commandContext, parseDurationFlag, parseOutputFlag, UsageError, writeOut, type CommandContext } from './cli-support';
import type { FleetReconciler } from '../controllers/fleet/reconciler';
import { hasChanges, runFleets, type FleetRunReport, type RunOptions } from './run-fleets';
import { lastApplied, rememberApplied } from './state-dir';
import { renderPlanTable } from './render-plan';
import { SIGNAL_EXIT_CODES, stoppedLine, watchInterrupts, type StopSignal } from './interrupt';
import { openCliState, sharedState } from './cli-state';

interface PlanApplyFlags {
  file?: string[];
  output?: string;
  wait?: boolean;
  timeout: string;
  fresh?: boolean;
  detailedExitcode?: boolean;
  allowScaleToZero?: boolean;
  prune?: boolean;
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
    .option('--detailed-exitcode', 'exit 0 when there is nothing to do, 2 when apply would change something (as terraform plan does)')
    .addHelpText(
      'after',
      `
plan runs the same decision as apply (one code path): it shows the steps apply would take next and the
deployment it would start or continue, or why none (e.g. a baked AMI newer than the manifest serves).
Each step has a kind, the resource it touches and the reason. JSON output, one object per fleet:
  {"fleet": NAME, "steps": [{"kind","resource","reason"}], "calls": {"read": N, "mutating": N},
   "deployment": {"action": "none|rollout|bake|recoverSwap|continue|blocked", "reason"}, "changes": BOOL}

Exit codes: 0 planned (even if steps remain), 1 observing failed, 2 bad manifest or flags.
With --detailed-exitcode: 0 no changes, 1 error (observing failed, bad manifest or flags),
2 changes (a step to apply, or a deployment to start or continue).

Examples:
  $ drover plan --sim --detailed-exitcode || echo "exit $?: changes pending or error"
  $ drover plan -f manifests/examples/magento-marketplace.yaml --sim
  $ drover plan --sim -o json | jq '.steps | length'`,
    )
    .action((flags: PlanApplyFlags, cmd: Command) => runPlanOrApply(cmd, flags, false));

  program
    .command('apply')
    .description("make AWS match the manifest: create, repair drift, and remove the parts of a fleet its manifest dropped (alarms, policies, storage); a whole fleet goes only with spec.deletion: true, --prune or 'drover delete fleet'")
    .addOption(fileOpt())
    .addOption(outOpt())
    .option('--wait', 'keep reconciling until the fleet is converged (in the simulated account, virtual time advances)')
    .option('--timeout <duration>', 'give up waiting after this long (virtual time with --sim); default: 30m plus the longest deployment the manifest allows')
    .option('--fresh', 'with --sim: start from a new, empty simulated account')
    .option('--allow-scale-to-zero', 'allow a manifest to take a running fleet to 0 instances (as spec.capacity.allowZero: true does)')
    .option('--prune', 'also delete every fleet drover owns in the account (found by tag) that the files given do not declare')
    .addHelpText(
      'after',
      `
Resources are matched by the drover:fleet and drover:managed-by tags. Anything without them is never touched,
even when its name is the one the manifest wants: the plan then says the name is taken.
A fleet missing from the files given is left alone, unless --prune: then every fleet drover owns in the
account (by tag) that the files do not declare is deleted. A manifest that would take a running fleet to 0 instances
is refused unless it sets spec.capacity.allowZero: true or --allow-scale-to-zero is given. The same fleet
name twice (in two files or two documents) is refused, naming both places.

Exit codes: 0 applied (and converged, with --wait), 1 a step failed or --wait timed out, 2 bad manifest or flags.

Examples:
  $ drover apply -f manifests/examples/magento-marketplace.yaml --sim --wait
  $ drover apply -f fleet.yaml --wait --timeout 30m -o json`,
    )
    .action((flags: PlanApplyFlags, cmd: Command) => runPlanOrApply(cmd, flags, true));
}

async function runPlanOrApply(cmd: Command, flags: PlanApplyFlags, apply: boolean): Promise<void> {
  if (apply || !flags.detailedExitcode) return planOrApply(cmd, flags, apply);
  // --detailed-exitcode keeps 2 for "changes", so every error, a bad manifest or flag too, exits 1.
  changesFound = false;
  try {
    await planOrApply(cmd, flags, apply);
    if (process.exitCode === 2 && !changesFound) process.exitCode = 1;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`drover: ${err.message}\n`);
    process.exitCode = 1;
  }
}

let changesFound = false;

async function planOrApply(cmd: Command, flags: PlanApplyFlags, apply: boolean): Promise<void> {
  const ctx = commandContext(cmd);
  const output = parseOutputFlag(flags.output, ['table', 'json']);
  const timeoutSeconds = flags.timeout === undefined ? undefined : parseDurationFlag('--timeout', flags.timeout);
  if (flags.fresh && !ctx.global.sim) throw new UsageError('--fresh only applies with --sim');
  const loaded = loadFleetsOrExit(ctx, flags.file);
  if (!loaded) return;
  const fleets = flags.allowScaleToZero ? loaded.map((f) => ({ ...f, capacity: { ...f.capacity, allowZero: true } })) : loaded;
  await runAndReport(ctx, fleets, { apply, prune: apply && !!flags.prune, wait: apply && !!flags.wait, timeoutSeconds, fresh: !!flags.fresh, output, files: flags.file, detailedExitcode: !apply && !!flags.detailedExitcode });
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
  before?: (reconciler: FleetReconciler) => void | Promise<void>;
  okResults?: string[];
  failOnBlocked?: boolean;
  /** plan: exit 2 when there are changes (terraform's -detailed-exitcode). */
  detailedExitcode?: boolean;
  prune?: boolean;
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
  const failed = reports.some((r) => r.failed);
  changesFound = !failed && !!opts.detailedExitcode && reports.some(hasChanges);
  process.exitCode = failed ? 1 : changesFound ? 2 : 0;
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
    prune: !!opts.prune,
    progress: (line) => process.stderr.write(`${line}\n`),
    ...(opts.before ? { before: opts.before } : {}),
    ...(opts.okResults ? { okResults: opts.okResults } : {}),
    ...(opts.failOnBlocked !== undefined ? { failOnBlocked: opts.failOnBlocked } : {}),
    // `--state dynamodb://T`: fleet records go to the shared table (the simulated world stays in the state directory).
    ...(sharedState(ctx) ? { state: openCliState(ctx).store } : {}),
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
  // The same fleet twice is ambiguous: refused like `validate` does, naming every location.
  const dups = dropDuplicateFleets(fleets);
  for (const p of dups.problems) process.stderr.write(`${formatProblem(p)}\n`);
  return bad || dups.problems.length ? undefined : fleets;
}

function printReports(reports: FleetRunReport[], output: string, apply: boolean): void {
  if (output === 'json') {
    const objs = reports.map((r) => ({
      fleet: r.fleet,
      steps: r.steps.map((s) => ({ kind: s.kind, resource: s.resource, reason: s.reason })),
      calls: r.calls,
      ...(r.failed ? { error: r.failed } : {}),
      ...(apply ? { ready: r.ready, pending: r.pending.map((s) => s.kind) } : {}),
      ...(!apply && r.decision ? { deployment: { action: r.decision.action, reason: r.decision.reason ?? null }, changes: hasChanges(r) } : {}),
    }));
    writeOut(JSON.stringify(objs.length === 1 ? objs[0] : objs, null, 2));
    return;
  }
  writeOut(reports.map((r) => renderPlanTable(r, apply)).join('\n'));
}
