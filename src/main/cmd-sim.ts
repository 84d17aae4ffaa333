import { Command, Option } from 'commander';
import { formatDuration } from '../util/clock';
import { commandContext, parseDurationFlag, UsageError, writeOut } from './cli-support';
import { registerSimServeCommand } from './cmd-sim-serve';
import { openSimTarget } from './sim-target';
import { discoverSimServer, SIM_URL_ENV, simServerUrl } from './sim-url';
import { resetSimulatedWorld, SIMULATED_WORLD_DIRS } from './state-dir';

const SERVICES = ['EC2', 'AutoScaling', 'ElasticLoadBalancing', 'ElasticLoadBalancingV2', 'CloudWatch', 'EFS', 'SQS'];

/** `--error-rate` as a fraction in [0, 1]. */
function errorRateFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const rate = Number(value);
  if (value.trim() === '' || !(rate >= 0 && rate <= 1)) throw new UsageError(`--error-rate: "${value}" is not a fraction between 0 and 1 (0.3 = 30 % of requests answer 5xx)`);
  return rate;
}

/** `drover sim …`: drive and poke the simulated AWS account saved in the state directory. */
export function registerSimCommands(program: Command): void {
  const sim = program
    .command('sim')
    .description('drive the simulated AWS account in the state directory: call APIs, move virtual time, inject faults')
    .addHelpText(
      'after',
      `
The simulated account answers the real AWS SDK clients and keeps its state (virtual clock included) in
<state-dir>/sim/account.json, so every command below sees what the previous one left. To share one account
between processes (several daemons), run 'drover sim serve' and set DROVER_SIM_URL to the URL it prints;
every command then acts on the served account.

Examples:
  $ drover sim advance 30m
  $ drover sim call CloudWatch DeleteAlarms '{"AlarmNames":["magento-marketplace-cpu-high"]}'
  $ drover sim fault '*' '*' Throttling --rate 0.3
  $ drover sim load magento-marketplace 250`,
    );

  sim
    .command('call')
    .description('run one modelled AWS operation against the simulated account and print its output as JSON')
    .argument('<service>', `one of ${SERVICES.join(', ')}`)
    .argument('<operation>', 'operation name, e.g. DescribeAutoScalingGroups')
    .argument('[json]', 'the input as JSON (default {})', '{}')
    .addHelpText('after', `\nExample:\n  $ drover sim call AutoScaling UpdateAutoScalingGroup '{"AutoScalingGroupName":"magento-marketplace-v001","MaxSize":12}'`)
    .action(async (service: string, operation: string, json: string, _o: unknown, cmd: Command) => {
      const ctx = commandContext(cmd);
      if (!SERVICES.includes(service)) throw new UsageError(`sim call: unknown service "${service}" (one of ${SERVICES.join(', ')})`);
      let input: unknown;
      try {
        input = JSON.parse(json);
      } catch (err) {
        throw new UsageError(`sim call: parsing the input JSON: ${(err as Error).message}`);
      }
      const account = await openSimTarget(ctx.stateDir);
      try {
        const output = await account.dispatch(service, operation, input);
        writeOut(JSON.stringify(output, null, 2));
      } catch (err) {
        const e = err as { name?: string; message?: string };
        process.stderr.write(`drover: ${service} ${operation} failed: ${e.name ?? 'Error'}: ${e.message ?? String(err)}\n`);
        process.exitCode = 1;
      } finally {
        account.done();
      }
    });

  sim
    .command('advance')
    .description('move the simulated account\'s virtual clock forward; instances boot, health checks run, alarms evaluate')
    .argument('<duration>', 'how far, e.g. 90s, 30m, 2h')
    .action(async (duration: string, _o: unknown, cmd: Command) => {
      const ctx = commandContext(cmd);
      const seconds = parseDurationFlag('duration', duration);
      const account = await openSimTarget(ctx.stateDir);
      const now = await account.advance(seconds * 1000);
      account.done();
      writeOut(`advanced ${formatDuration(seconds)}; virtual time is now ${now.toISOString()}`);
    });

  sim
    .command('fault')
    .description('inject a fault: the next N calls of an operation, or a rate of all of them, fail with an AWS error code')
    .argument('<service>', `one of ${SERVICES.join(', ')}, or * for all`)
    .argument('<operation>', 'operation name, or * for all operations')
    .argument('<code>', 'AWS error code, e.g. Throttling, InsufficientInstanceCapacity, InvalidAMIID.NotFound')
    .addOption(new Option('--times <n>', 'fail the next N calls').conflicts('rate'))
    .addOption(new Option('--rate <r>', 'fail this fraction of calls, 0..1').conflicts('times'))
    .option('--clear', 'remove every injected fault instead')
    .addHelpText('after', `\nExamples:\n  $ drover sim fault EC2 RunInstances InsufficientInstanceCapacity --times 2\n  $ drover sim fault '*' '*' Throttling --rate 0.3\n  $ drover sim fault '*' '*' x --clear`)
    .action(async (service: string, operation: string, code: string, flags: { times?: string; rate?: string; clear?: boolean }, cmd: Command) => {
      const ctx = commandContext(cmd);
      const account = await openSimTarget(ctx.stateDir);
      if (flags.clear) {
        await account.control('clearFaults');
      } else if (flags.rate !== undefined) {
        const rate = Number(flags.rate);
        if (!(rate > 0 && rate <= 1)) throw new UsageError(`--rate: "${flags.rate}" is not a fraction in (0, 1]`);
        for (const s of service === '*' ? SERVICES : [service]) await account.control('failRate', s, operation, code, rate);
      } else {
        const times = flags.times === undefined ? 1 : Number(flags.times);
        if (!Number.isInteger(times) || times < 1) throw new UsageError(`--times: "${flags.times}" is not a positive whole number`);
        if (service === '*' || operation === '*') throw new UsageError('--times needs one service and one operation; use --rate for *');
        await account.control('failNext', service, operation, code, times);
      }
      account.done();
      writeOut(flags.clear ? 'cleared all injected faults' : `injected ${code} on ${service} ${operation}`);
    });

  sim
    .command('load')
    .description('set the traffic on a load balancer, in instance-percent (250 = two and a half instances\' worth of CPU)')
    .argument('<load-balancer>', 'load balancer name')
    .argument('<load>', 'total load, spread over the InService instances')
    .action(async (lb: string, load: string, _o: unknown, cmd: Command) => {
      const ctx = commandContext(cmd);
      const value = Number(load);
      if (!Number.isFinite(value) || value < 0) throw new UsageError(`load: "${load}" is not a non-negative number`);
      const account = await openSimTarget(ctx.stateDir);
      await account.control('setLoad', lb, value);
      account.done();
      writeOut(`load on ${lb} is now ${value}`);
    });

  sim
    .command('break-ami')
    .description('mark an AMI broken: instances launched from it never pass ELB health checks, or with --error-rate pass them but serve 5xx')
    .argument('<ami>', 'image id')
    .option('--error-rate <r>', 'instances pass health checks but answer this fraction of requests with 5xx (CloudWatch shows it); 0 clears')
    .addHelpText('after', `\nExamples:\n  $ drover sim break-ami ami-0a1b2c3d4e5f60002\n  $ drover sim break-ami ami-0a1b2c3d4e5f60002 --error-rate 0.3`)
    .action(async (ami: string, flags: { errorRate?: string }, cmd: Command) => {
      const ctx = commandContext(cmd);
      const errorRate = errorRateFlag(flags.errorRate);
      const account = await openSimTarget(ctx.stateDir);
      await account.control('markAmiBroken', ami, { errorRate });
      account.done();
      if (errorRate === undefined) writeOut(`${ami} is now broken`);
      else writeOut(errorRate ? `${ami} now answers ${Math.round(errorRate * 1000) / 10} % of requests with 5xx (health checks still pass)` : `${ami} no longer serves 5xx`);
    });

  sim
    .command('build-result')
    .description('decide how a bake of a commit ends in the simulated account: success (default) or failure with a message')
    .argument('<commit>', 'commit sha')
    .option('--fail <message>', 'the build fails and prints this message')
    .option('--broken-image', 'the build succeeds, but instances from its AMI never pass health checks')
    .option('--error-rate <r>', 'the build succeeds; instances from its AMI pass health checks but answer this fraction of requests with 5xx')
    .option('--duration <duration>', 'how long the build script runs', '4m')
    .action(async (commit: string, flags: { fail?: string; brokenImage?: boolean; errorRate?: string; duration: string }, cmd: Command) => {
      const ctx = commandContext(cmd);
      const seconds = parseDurationFlag('--duration', flags.duration);
      const errorRate = errorRateFlag(flags.errorRate);
      if (flags.fail !== undefined && flags.brokenImage) throw new UsageError('--fail and --broken-image cannot be used together');
      if (flags.fail !== undefined && errorRate !== undefined) throw new UsageError('--fail and --error-rate cannot be used together');
      const account = await openSimTarget(ctx.stateDir);
      const result = { ok: flags.fail === undefined, durationMs: seconds * 1000, ...(flags.fail ? { message: flags.fail } : {}), ...(flags.brokenImage ? { brokenImage: true } : {}) };
      await account.control('setBuildResult', commit.toLowerCase(), { ...result, ...(errorRate ? { errorRate } : {}) });
      account.done();
      const outcome = flags.fail
        ? `fail: ${flags.fail}`
        : flags.brokenImage
          ? 'succeed with an AMI that never becomes healthy'
          : errorRate
            ? `succeed with an AMI that serves ${Math.round(errorRate * 1000) / 10} % 5xx`
            : 'succeed';
      writeOut(`a bake of ${commit} will ${outcome} after ${formatDuration(seconds)}`);
    });

  sim
    .command('reset')
    .description('reset the whole simulated world: the account and drover\'s memory of it (status, deployments, fleet memory)')
    .addHelpText(
      'after',
      `
Removes ${SIMULATED_WORLD_DIRS.map((d) => `<state-dir>/${d}`).join(', ')}. A new, empty account is created on
next use; the manifests last applied (applied.json) are kept. Do not run it on a state directory that also
serves a real AWS account: it forgets that account's deployments too (AWS itself is never touched).`,
    )
    .action((_o: unknown, cmd: Command) => {
      const ctx = commandContext(cmd);
      const served = simServerUrl() ?? discoverSimServer(ctx.stateDir);
      if (served) throw new UsageError(`sim reset: the simulated account is served at ${served} (${SIM_URL_ENV} or 'drover sim serve' on this state directory); stop that server, then reset the state directory it serves`);
      const removed = resetSimulatedWorld(ctx.stateDir);
      writeOut(removed.length ? `reset the simulated world: removed ${removed.join(', ')}` : `nothing to reset in ${ctx.stateDir}`);
    });

  registerSimServeCommand(sim);
}
