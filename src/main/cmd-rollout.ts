import { Command, Option } from 'commander';
import type { FleetStatus } from '../model/fleet-status';
import { commandContext, fleetNotFound, UsageError, writeOut, type CommandContext } from './cli-support';
import { statusSource } from './cmd-get';
import { rolloutHistory, rolloutStatus, ROLLOUT_OUTPUTS, type HistoryFlags, type StatusFlags } from './rollout-read';
import { registerControlCommands } from './rollout-control-commands';

/** The deployment machines (xstate) and the apply path (the SDK) load only for `diagram` and `undo`. */
const MACHINES = {
  swap: async () => (await import('../deploy/machines/swap.machine')).swapMachine,
  bake: async () => (await import('../deploy/machines/bake.machine')).bakeMachine,
  rolling: async () => (await import('../deploy/machines/rolling.machine')).rollingMachine,
  canary: async () => (await import('../deploy/machines/canary.machine')).canaryMachine,
};

export function registerRolloutCommands(program: Command): void {
  const rollout = program.command('rollout').description('watch, inspect and control deployments: status, history, pause, resume, promote, abort, retry, undo');

  rollout
    .command('status')
    .description('show the progress of the fleet\'s current or last deployment; exit 0 when it succeeded, 1 when it failed or rolled back')
    .argument('[fleet]', 'fleet name (or select fleets with -l)')
    .addOption(new Option('-o, --output <format>', `output format: ${ROLLOUT_OUTPUTS.join(', ')} (json and yaml: a DeploymentList, as get deployments prints)`).default('table'))
    .option('-l, --selector <selector>', 'the fleets whose labels match, e.g. team=shop (instead of a name); exit 0 only when all succeeded')
    .option('-w, --watch', 'print a line per change until the deployment ends')
    .option('--interval <duration>', 'how often --watch polls', '2s')
    .option('--timeout <duration>', 'with --watch, give up after this long (exit 1)', '2h')
    .option('--server <url>', 'read from the drover daemon at this URL (default $DROVER_SERVER)')
    .addHelpText('after', `\nLike kubectl rollout status. Exit codes: 0 succeeded (or nothing deployed), 1 failed, rolled back, timed out or not found, 2 bad flags.\n\nExamples:\n  $ drover rollout status magento-marketplace --sim\n  $ drover rollout status magento-marketplace --watch --server http://127.0.0.1:7390\n  $ drover rollout status -l team=shop -o json --sim`)
    .action((fleet: string | undefined, flags: StatusFlags, cmd: Command) => rolloutStatus(cmd, fleet, flags));

  rollout
    .command('history')
    .description('list the fleet\'s deployments: generation, AMI, commit, time, result')
    .argument('[fleet]', 'fleet name (or select fleets with -l)')
    .addOption(new Option('-o, --output <format>', `output format: ${ROLLOUT_OUTPUTS.join(', ')} (json and yaml: a DeploymentList)`).default('table'))
    .option('-l, --selector <selector>', 'the fleets whose labels match, e.g. team=shop (instead of a name)')
    .option('--svg <file>', 'also write a timeline picture of a deployment (capacity of blue and green over time, phases shaded)')
    .option('--revision <id>', 'with --svg: which deployment (default: the latest swap)')
    .option('--server <url>', 'read from the drover daemon at this URL (default $DROVER_SERVER)')
    .addHelpText('after', `\nExamples:\n  $ drover rollout history magento-marketplace --sim\n  $ drover rollout history magento-marketplace --sim --svg swap.svg\n  $ drover rollout history magento-marketplace --sim -o yaml`)
    .action((fleet: string | undefined, flags: HistoryFlags, cmd: Command) => rolloutHistory(cmd, fleet, flags));

  rollout
    .command('undo')
    .description('roll the running deployment back (blue returns to full capacity and serves before green is removed), or with --to-revision deploy an earlier successful revision\'s image')
    .argument('<fleet>', 'fleet name')
    .option('--to-revision <n>', 'deploy the image of this successful revision (rollout history\'s REVISION) through the fleet\'s strategy')
    .option('--wait', 'drive the rollback to its end here (with --sim, in virtual time); otherwise the daemon or the next apply carries it out')
    .addHelpText('after', `\nUndo is possible until the previous group is deleted (deploy.keepPrevious after the swap).\n\nExamples:\n  $ drover rollout undo magento-marketplace --sim --wait\n  $ drover rollout undo magento-marketplace --to-revision 2 --sim`)
    .action((fleet: string, flags: { wait?: boolean; toRevision?: string }, cmd: Command) => rolloutUndo(cmd, fleet, flags));

  registerControlCommands(rollout);

  rollout
    .command('diagram')
    .description('print a deployment machine as a Mermaid state diagram (paste into any Mermaid renderer)')
    .addOption(new Option('--kind <kind>', 'which machine').choices(Object.keys(MACHINES)).default('swap'))
    .option('--full', 'include every sub-state (step, wait, retry), not only the phases')
    .addHelpText('after', `\nExample:\n  $ drover rollout diagram --kind swap > docs/swap.mmd`)
    .action(async (flags: { kind: keyof typeof MACHINES; full?: boolean }) => {
      const { deploymentDiagram } = await import('../deploy/machines/phase');
      writeOut(deploymentDiagram(await MACHINES[flags.kind](), flags.full ? 'full' : 'phases'));
    });
}

async function readFleet(ctx: CommandContext, fleet: string): Promise<{ status?: FleetStatus; names: string[] }> {
  const list = (await statusSource(ctx, {}).read()).list;
  return { status: list.items.find((f) => f.name === fleet), names: list.items.map((f) => f.name) };
}

function notFound(fleet: string, known: string[]): void {
  process.stderr.write(`Error: ${fleetNotFound(fleet, known)}\n`);
  process.exitCode = 1;
}

async function rolloutUndo(cmd: Command, fleet: string, flags: { wait?: boolean; toRevision?: string }): Promise<void> {
  const { requestControl } = await import('./rollout-control');
  if (flags.toRevision !== undefined) {
    if (flags.wait) throw new UsageError('--to-revision starts a new deployment: follow it with \'drover rollout status --watch\' or \'drover apply --wait\', not --wait');
    if (!/^\d+$/.test(flags.toRevision)) throw new UsageError(`--to-revision: "${flags.toRevision}" is not a revision number (see 'drover rollout history ${fleet}')`);
    return requestControl(cmd, 'undo', fleet, { toRevision: Number(flags.toRevision) });
  }
  const ctx = commandContext(cmd);
  const { recordSnapshotStore } = await import('../deploy/record-snapshot-store');
  const { openCliState } = await import('./cli-state');
  const { soloFence } = await import('../state/store-of');
  const record = await recordSnapshotStore(openCliState(ctx).store, soloFence(), Date.now).load(fleet);
  if (!record || 'corrupt' in record || record.kind === 'bake') {
    const { status, names } = await readFleet(ctx, fleet);
    if (!status) return notFound(fleet, names);
    const last = status?.history.find((d) => d.kind !== 'bake');
    const hint = last ? ` To go back to an earlier image: 'drover rollout undo ${fleet} --to-revision N' (N from 'drover rollout history ${fleet}')${last.fromAmi ? `, or pin the previous AMI (${last.fromAmi}) in the manifest and apply` : ''}.` : '';
    process.stderr.write(`Error: fleet "${fleet}" has no swap in progress to undo${last ? ` (the last one, ${last.id}, ended ${last.result})` : ''}.${hint}\n`);
    process.exitCode = 1;
    return;
  }
  // A fact on the fleet (rollout-control.ts): the daemon, or the apply below, acts on it.
  await requestControl(cmd, 'undo', fleet);
  if (!flags.wait || process.exitCode) return;
  const { loadFleetsOrExit, runAndReport } = await import('./cmd-apply');
  const fleets = loadFleetsOrExit(ctx);
  const target = fleets?.filter((f) => f.name === fleet);
  if (!target?.length) return notFound(fleet, (fleets ?? []).map((f) => f.name));
  // The manifest still names the undone AMI, so the plan keeps asking for it; that is expected here.
  await runAndReport(ctx, target, { apply: true, wait: true, okResults: ['RolledBack'], failOnBlocked: false });
  if (process.exitCode === 0) process.stderr.write(`rolled back; the manifest still names the undone AMI: pin the previous one to stop drover reporting it as blocked\n`);
}
