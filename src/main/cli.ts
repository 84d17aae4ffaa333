import { Command, CommanderError, Option } from 'commander';
import { invokedCommand, registerCommands, type CommandEntry } from './lazy-commands';
import { UsageError } from './cli-support';
import { runInvocation, StateDirInUse } from './state-lock';

const VERSION = '0.1.0';

/**
 * Every top-level command, one line each: name, its line in `drover --help`, description, and
 * the module that registers it (loaded only when the command runs; see lazy-commands.ts).
 * To add a command, add its line here; test/cli-startup.test.ts fails if `term` or `description`
 * differ from what the module registers.
 */
const COMMANDS: CommandEntry[] = [
  { name: 'validate', term: 'validate [options] <file...>', description: 'check Fleet manifests without touching AWS; every problem is printed as FILE:LINE:COL: message', load: async () => (await import('./cmd-validate')).registerValidateCommand },
  { name: 'plan', term: 'plan [options]', description: 'show the steps that would make AWS match the manifest, without changing anything', load: async () => (await import('./cmd-apply')).registerApplyCommands },
  { name: 'apply', term: 'apply [options]', description: "make AWS match the manifest: create, repair drift, and remove the parts of a fleet its manifest dropped (alarms, policies, storage); a whole fleet goes only with spec.deletion: true, --prune or 'drover delete fleet'", load: async () => (await import('./cmd-apply')).registerApplyCommands },
  { name: 'sim', term: 'sim', description: 'drive the simulated AWS account in the state directory: call APIs, move virtual time, inject faults', load: async () => (await import('./cmd-sim')).registerSimCommands },
  { name: 'get', term: 'get', description: 'list fleets, instances or deployments', load: async () => (await import('./cmd-get')).registerGetCommands },
  { name: 'describe', term: 'describe', description: 'show everything about one fleet', load: async () => (await import('./cmd-get')).registerGetCommands },
  { name: 'events', term: 'events [options] [fleet]', description: 'what happened to the fleets, oldest first; repeats folded into a count', load: async () => (await import('./cmd-get')).registerGetCommands },
  { name: 'iam-policy', term: 'iam-policy [options]', description: 'print least-privilege IAM policies for the daemon and for the webhook relay, as JSON', load: async () => (await import('./cmd-iam-policy')).registerIamPolicyCommand },
  { name: 'daemon', term: 'daemon [options]', description: 'run the controller: keep every fleet in a manifest directory converged, reacting to queued events', load: async () => (await import('./cmd-daemon')).registerDaemonCommand },
  { name: 'webhook-relay', term: 'webhook-relay [options]', description: 'receive GitLab webhooks (X-Gitlab-Token checked) and put merge and push events on the event queue', load: async () => (await import('./cmd-webhook-relay')).registerWebhookRelayCommand },
  { name: 'dashboard', term: 'dashboard [options]', description: 'serve the read-only web dashboard (fleets, the running deployment, events) from a state directory, no daemon needed', load: async () => (await import('./cmd-dashboard')).registerDashboardCommand },
  { name: 'rollout', term: 'rollout', description: 'watch, inspect and control deployments: status, history, pause, resume, promote, abort, retry, undo', load: async () => (await import('./cmd-rollout')).registerRolloutCommands },
  { name: 'bake', term: 'bake [options] <fleet>', description: "bake an AMI from a commit with the fleet's bake recipe, then roll it out (what a GitLab merge triggers)", load: async () => (await import('./cmd-bake')).registerBakeCommand },
  { name: 'demo', term: 'demo [options]', description: 'play the whole story on the simulated account: converge, merge -> bake -> blue/green, scale out and in, a bad commit rolled back', load: async () => (await import('./cmd-demo')).registerDemoCommand },
  { name: 'delete', term: 'delete', description: 'delete resources drover owns', load: async () => (await import('./cmd-delete')).registerDeleteCommand },
  { name: 'state', term: 'state', description: 'set up where fleet state lives: a state directory, or a DynamoDB table shared by replicas', load: async () => (await import('./cmd-state')).registerStateCommands },
  { name: 'completion', term: 'completion <shell>', description: 'print a shell completion script (bash, zsh or fish)', load: async () => (await import('./cmd-completion')).registerCompletionCommand, needsAll: true },
];

/**
 * The program with the command `argv` invokes loaded for real and the others as help-only
 * stubs; without `argv`, every command loaded (tests, completion).
 */
export async function buildProgram(argv?: string[]): Promise<Command> {
  const program = new Command('drover')
    .description(
      'Keep an AWS web fleet exactly as a Fleet manifest says; ship code by baking an AMI and swapping blue/green.\n\n' +
        'Add --sim to any command to use the built-in simulated AWS account (no AWS account needed);\n' +
        'its state, virtual clock included, lives in the state directory.',
    )
    .version(VERSION)
    .addOption(new Option('--sim', 'use the simulated AWS account saved in the state directory'))
    .addOption(new Option('--state-dir <dir>', 'state directory (default ./.drover, or $DROVER_STATE_DIR)'))
    .addOption(new Option('--state <url>', "where fleet state lives: dynamodb://TABLE[?region=R] (shared by replicas; create it with 'drover state init') or a directory (default: the state directory, or $DROVER_STATE)"))
    .addOption(new Option('--log-level <level>', 'log level').choices(['debug', 'info', 'warn', 'error']).default('warn'))
    .addOption(new Option('--log-format <format>', 'log format (default: pretty on a TTY, else json)').choices(['json', 'pretty']))
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  $ drover validate manifests/examples/*.yaml
  $ drover apply -f manifests/examples/magento-marketplace.yaml --sim --wait
  $ drover sim advance 30m && drover plan --sim
  $ drover sim call ElasticLoadBalancing DescribeInstanceHealth '{"LoadBalancerName":"magento-marketplace"}'`,
    );
  await registerCommands(program, COMMANDS, argv && invokedCommand(argv), argv === undefined);
  return program;
}

/** Entry point for bin/drover.js. Usage errors exit 2, as kubectl does. */
export async function main(argv: string[]): Promise<void> {
  const program = await buildProgram(argv);
  program.exitOverride();
  for (const cmd of program.commands) exitOverrideDeep(cmd);
  try {
    // One invocation: the state directory's lock, if the command takes it, is released when it ends.
    await runInvocation(commandLine(argv), () => program.parseAsync(argv));
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) {
        process.exitCode = 0;
        return;
      }
      process.exitCode = 2;
      return;
    }
    // A missing state table: one line naming 'drover state init', whichever command met it.
    if (err instanceof StateDirInUse || (err as { code?: string } | undefined)?.code === 'StateTableMissing') {
      process.stderr.write(`drover: ${(err as Error).message}\n`);
      process.exitCode = 1;
      return;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`drover: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}

/** `drover daemon`, `drover sim call`: what a lock holder is shown as. */
function commandLine(argv: string[]): string {
  const name = invokedCommand(argv);
  if (!name) return 'drover';
  const rest = argv.slice(argv.indexOf(name) + 1);
  const sub = ['sim', 'rollout', 'delete'].includes(name) ? rest.find((a) => !a.startsWith('-')) : undefined;
  return ['drover', name, sub].filter(Boolean).join(' ');
}

function exitOverrideDeep(cmd: Command): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) exitOverrideDeep(sub);
}
