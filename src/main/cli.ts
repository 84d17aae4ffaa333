import { Command, CommanderError, Option } from 'commander';
import { registerApplyCommands } from './cmd-apply';
import { registerSimCommands } from './cmd-sim';
import { registerGetCommands } from './cmd-get';
import { registerCompletionCommand } from './cmd-completion';
import { registerValidateCommand } from './cmd-validate';
import { registerIamPolicyCommand } from './cmd-iam-policy';
import { registerDaemonCommand } from './cmd-daemon';
import { registerWebhookRelayCommand } from './cmd-webhook-relay';
import { registerRolloutCommands } from './cmd-rollout';
import { registerBakeCommand } from './cmd-bake';
import { registerDemoCommand } from './cmd-demo';
import { registerDeleteCommand } from './cmd-delete';
import { UsageError } from './cli-support';

const VERSION = '0.1.0';

export function buildProgram(): Command {
  const program = new Command('drover')
    .description(
      'Keep an AWS web fleet exactly as a Fleet manifest says; ship code by baking an AMI and swapping blue/green.\n\n' +
        'Add --sim to any command to use the built-in simulated AWS account (no AWS account needed);\n' +
        'its state, virtual clock included, lives in the state directory.',
    )
    .version(VERSION)
    .addOption(new Option('--sim', 'use the simulated AWS account saved in the state directory'))
    .addOption(new Option('--state-dir <dir>', 'state directory (default ./.drover, or $DROVER_STATE_DIR)'))
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
  registerValidateCommand(program);
  registerApplyCommands(program);
  registerSimCommands(program);
  registerGetCommands(program);
  registerIamPolicyCommand(program);
  registerDaemonCommand(program);
  registerWebhookRelayCommand(program);
  registerRolloutCommands(program);
  registerBakeCommand(program);
  registerDemoCommand(program);
  registerDeleteCommand(program);
  registerCompletionCommand(program);
  return program;
}

/** Entry point for bin/drover.js. Usage errors exit 2, as kubectl does. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  for (const cmd of program.commands) exitOverrideDeep(cmd);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) {
        process.exitCode = 0;
        return;
      }
      process.exitCode = 2;
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

function exitOverrideDeep(cmd: Command): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) exitOverrideDeep(sub);
}
