import { Command, Option } from 'commander';
import { FileStatusStore } from '../status/status-store';
import { commandContext, fleetNotFound, outputOption, UsageError, writeOut } from './cli-support';
import { rolloutHistory, rolloutStatus, ROLLOUT_OUTPUTS, type HistoryFlags, type StatusFlags } from './rollout-read';
import { addControlTargetOptions, registerControlCommands } from './rollout-control-commands';
import type { ControlFlags } from './rollout-control-run';
import type { ControlWhere } from './rollout-control';

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
    .addOption(outputOption(ROLLOUT_OUTPUTS, `output format: ${ROLLOUT_OUTPUTS.join(', ')} (json and yaml: a DeploymentList, as get deployments prints)`))
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
    .addOption(outputOption(ROLLOUT_OUTPUTS, `output format: ${ROLLOUT_OUTPUTS.join(', ')} (json and yaml: a DeploymentList)`))
    .option('-l, --selector <selector>', 'the fleets whose labels match, e.g. team=shop (instead of a name)')
    .option('--svg <file>', 'also write a timeline picture of a deployment (capacity of blue and green over time, phases shaded)')
    .option('--revision <id>', 'with --svg: which deployment (default: the latest swap)')
    .option('--server <url>', 'read from the drover daemon at this URL (default $DROVER_SERVER)')
    .addHelpText('after', `\nExamples:\n  $ drover rollout history magento-marketplace --sim\n  $ drover rollout history magento-marketplace --sim --svg swap.svg\n  $ drover rollout history magento-marketplace --sim -o yaml`)
    .action((fleet: string | undefined, flags: HistoryFlags, cmd: Command) => rolloutHistory(cmd, fleet, flags));

  addControlTargetOptions(
    rollout
      .command('undo')
      .description('roll the running deployment back (blue returns to full capacity and serves before green is removed), or with --to-revision deploy an earlier successful revision\'s image')
      .argument('[fleet]', 'fleet name (or select fleets with -l)'),
  )
    .option('--to-revision <n>', 'deploy the image of this successful revision (rollout history\'s REVISION) through the fleet\'s strategy')
    .option('--wait', 'drive the rollback to its end here (with --sim, in virtual time); otherwise the daemon or the next apply carries it out')
    .addHelpText('after', `\nUndo is possible until the previous group is deleted (deploy.keepPrevious after the swap).\n\nExamples:\n  $ drover rollout undo magento-marketplace --sim --wait\n  $ drover rollout undo magento-marketplace --to-revision 2 --sim\n  $ drover rollout undo -l team=shop -o json`)
    .action((fleet: string | undefined, flags: UndoFlags, cmd: Command) => rolloutUndo(cmd, fleet, flags));

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

interface UndoFlags extends ControlFlags {
  wait?: boolean;
  toRevision?: string;
}

function notFound(fleet: string, known: string[]): void {
  process.stderr.write(`Error: ${fleetNotFound(fleet, known)}\n`);
  process.exitCode = 1;
}

/** Undo without --to-revision acts on a swap in progress: say so (with the ways back) when there is none. */
async function swapToUndo(where: ControlWhere, fleet: string): Promise<string | undefined> {
  const { localSnapshotStore, recordSnapshotStore } = await import('../deploy/record-snapshot-store');
  const { soloFence } = await import('../state/store-of');
  const snapshots = where.shared ? recordSnapshotStore(where.shared, soloFence(), Date.now) : localSnapshotStore(where.stateDir, Date.now);
  const record = await snapshots.load(fleet);
  if (record && !('corrupt' in record) && record.kind !== 'bake') return undefined;
  const status = await new FileStatusStore(where.shared ?? where.stateDir).load(fleet);
  if (!status) return undefined; // the request says the fleet is not found
  const last = status.history.find((d) => d.kind !== 'bake');
  const hint = last ? ` To go back to an earlier image: 'drover rollout undo ${fleet} --to-revision N' (N from 'drover rollout history ${fleet}')${last.fromAmi ? `, or pin the previous AMI (${last.fromAmi}) in the manifest and apply` : ''}.` : '';
  return `fleet "${fleet}" has no swap in progress to undo${last ? ` (the last one, ${last.id}, ended ${last.result})` : ''}.${hint}`;
}

async function rolloutUndo(cmd: Command, fleet: string | undefined, flags: UndoFlags): Promise<void> {
  const { runControl } = await import('./rollout-control-run');
  if (flags.wait && fleet === undefined) throw new UsageError('--wait drives one fleet\'s rollback: name it instead of -l');
  if (flags.toRevision !== undefined) {
    if (flags.wait) throw new UsageError('--to-revision starts a new deployment: follow it with \'drover rollout status --watch\' or \'drover apply --wait\', not --wait');
    if (!/^\d+$/.test(flags.toRevision)) throw new UsageError(`--to-revision: "${flags.toRevision}" is not a revision number (see 'drover rollout history ${fleet ?? 'FLEET'}')`);
    await runControl(cmd, 'undo', fleet, flags, { toRevision: Number(flags.toRevision) });
    return;
  }
  // A fact on the fleet (rollout-control.ts): the daemon, or the apply below, acts on it.
  const results = await runControl(cmd, 'undo', fleet, flags, {}, swapToUndo);
  if (!flags.wait || process.exitCode || fleet === undefined || !results.length) return;
  const ctx = commandContext(cmd);
  const { loadFleetsOrExit, runAndReport } = await import('./cmd-apply');
  const fleets = loadFleetsOrExit(ctx);
  const target = fleets?.filter((f) => f.name === fleet);
  if (!target?.length) return notFound(fleet, (fleets ?? []).map((f) => f.name));
  // The manifest still names the undone AMI, so the plan keeps asking for it; that is expected here.
  await runAndReport(ctx, target, { apply: true, wait: true, okResults: ['RolledBack'], failOnBlocked: false });
  if (process.exitCode === 0) process.stderr.write(`rolled back; the manifest still names the undone AMI: pin the previous one to stop drover reporting it as blocked\n`);
}
