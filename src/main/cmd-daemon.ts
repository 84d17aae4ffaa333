/**
 * `drover daemon`: run the controller continuously over a manifest directory, driven by the
 * event queue (GitLab merges via the relay, lifecycle actions, alarms) and periodic resyncs.
 */
import { Command, Option } from 'commander';
import { createAwsPort, type AwsPort } from '../aws/clients';
import { installShutdown } from '../controllers/queue/shutdown';
import { loadWebhookToken } from '../controllers/intake/webhook-token';
import { createLogger, type LogFormat } from '../log/create-logger';
import type { Logger } from '../log/logger';
import { loadManifestDir } from '../manifest/load-dir';
import { createSimPlugin, type SimAccount } from '../sim';
import { SystemClock, type Clock } from '../util/clock';
import { parseDurationFlag, UsageError, type GlobalOptions } from './cli-support';
import { createDaemon, DEFAULT_LISTEN } from './daemon';
import { fleetReconciler } from './fleet-reconciler';
import { parseRateLimit, type RateTableOverrides } from '../aws/rate-table';
import { openSimAccount, simAccountFile } from './runtime';
import { openRemoteRuntime, simServerUrl } from './sim-url';
import { startSimDriver, type SimDriver } from './sim-driver';
import { assertWritableStateDir, resolveStateDir } from './state-dir';
import { EVENTS } from '../log/events';
import { StateUrlError } from '../state/errors';
import { openState, type OpenedState } from '../state/open';
import type { AnyStateStore } from '../state/store-of';
import { resolveStateLocation, type StateLocation } from '../state/url';
import { addLeaseFlags, leaseFlags, type LeaseFlags } from './lease-flags';

interface DaemonFlags extends LeaseFlags {
  file: string;
  queue?: string;
  listen: string;
  resync: string;
  workers: string;
  webhookTokenFile?: string;
  manifestRepo?: string;
  speed: string;
  rateLimit: RateTableOverrides;
}

export function registerDaemonCommand(program: Command): void {
  const daemon = program
    .command('daemon')
    .description('run the controller: keep every fleet in a manifest directory converged, reacting to queued events')
    .requiredOption('-f, --file <dir>', 'directory of Fleet manifests (reloaded when files change, or on a push to the manifest repository)')
    .option('--queue <name-or-url>', "event queue (default: the fleets' spec.events.queue); created with its dead-letter queue")
    .option('--listen <addr>', 'host:port for the dashboard at /, /healthz, /readyz, /metrics, /api/v1 and POST /hooks/gitlab', DEFAULT_LISTEN)
    .option('--resync <duration>', 'reconcile every fleet at least this often (±10 % jitter)', '5m')
    .option('--workers <n>', 'fleets reconciled concurrently', '4')
    .option('--webhook-token-file <file>', 'serve the GitLab relay at POST /hooks/gitlab with this token (or set DROVER_WEBHOOK_TOKEN)')
    .option('--manifest-repo <url>', 'repository the manifests come from (default: the directory\'s git origin)')
    .addOption(new Option('--speed <n>', 'with --sim: virtual seconds per real second').default('1'))
    .option('--rate-limit <service.class=rate[/burst]>', "override an AWS rate budget (repeatable), e.g. EC2.read=40/200; defaults are AWS's documented limits", rateLimitFlag, {})
    .addHelpText(
      'after',
      `
SIGTERM or SIGINT stops intake, lets in-flight reconciles finish (up to 25 s), saves state and exits 0.
It holds the state directory's lock (<state-dir>/lock) while it runs: a second daemon, apply, bake,
rollout undo, delete fleet or sim command there exits 1 naming it; get, describe, events and plan still work.
With --state dynamodb://TABLE (or DROVER_STATE) fleet state lives in that table (create it with
'drover state init --state dynamodb://TABLE'; AWS_ENDPOINT_URL_DYNAMODB is honoured) and no lock is taken.
Daemons on one table split the fleets by shard lease. Any of them may receive any webhook or message:
it records the fact in the fleet's record and the owner acts on it within seconds (docs/operations.md).

Examples:
  $ drover daemon -f manifests/ --listen 0.0.0.0:7390 --queue drover-events
  $ drover daemon -f manifests/examples --sim --speed 30 --log-format pretty
  $ drover daemon -f manifests/ --state dynamodb://drover-state
  $ DROVER_SIM_URL=http://127.0.0.1:41234 drover daemon -f manifests/examples --state-dir /tmp/replica-1   # an account served by 'drover sim serve'`,
    );
  addLeaseFlags(daemon).action((flags: DaemonFlags, cmd: Command) => runDaemon(flags, cmd));
}

function rateLimitFlag(value: string, previous: RateTableOverrides): RateTableOverrides {
  try {
    return parseRateLimit(value, previous);
  } catch (err) {
    throw new UsageError(`--rate-limit: ${(err as Error).message}`);
  }
}

function daemonLogger(cmd: Command): { logger: Logger; global: GlobalOptions } {
  const global = cmd.optsWithGlobals() as GlobalOptions;
  // The program's default level is `warn` (quiet one-shot commands); a daemon logs its work.
  const explicit = cmd.parent?.getOptionValueSource('logLevel') !== 'default';
  const format: LogFormat = global.logFormat ?? (process.stderr.isTTY ? 'pretty' : 'json');
  return { logger: createLogger({ level: explicit ? global.logLevel : 'info', format }), global };
}

interface Wiring {
  clients: AwsPort;
  clock: Clock;
  sleep(ms: number): Promise<void>;
  sim?: Pick<SimAccount, 'setEventQueue'>;
  driver?: SimDriver;
  close?: () => void;
}

function wire(global: GlobalOptions, stateDir: string, dir: string, speed: number, logger: Logger): Wiring {
  const region = process.env.AWS_REGION ?? loadManifestDir(dir).fleets[0]?.region;
  const url = simServerUrl();
  if (url) {
    // The served account (drover sim serve) owns the clock: this daemon follows it, as it follows the driver below.
    const rt = openRemoteRuntime(url, { stateDir, region });
    const warn = (err: unknown) => logger.warn({ component: 'sim', url, err: String(err) }, `following the simulated account's clock at ${url}: ${(err as Error).message}`);
    rt.remote.follow(warn);
    const setEventQueue = (name: string | undefined) => void rt.remote.control('setEventQueue', name).catch(warn);
    return { clients: rt.clients, clock: rt.clock, sleep: (ms) => rt.clock.sleep(ms), sim: { setEventQueue }, close: () => rt.remote.close() };
  }
  if (!global.sim) {
    const clock = new SystemClock();
    return { clients: createAwsPort({ region }), clock, sleep: (ms) => clock.sleep(ms) };
  }
  const sim = openSimAccount(stateDir, false);
  sim.persistTo(simAccountFile(stateDir));
  const clients = createAwsPort({ region: region ?? 'eu-west-1', plugin: createSimPlugin(sim) });
  const driver = startSimDriver({ sim, file: simAccountFile(stateDir), logger, speed });
  return { clients, clock: sim.clock, sleep: (ms) => sim.clock.sleep(ms), sim, driver };
}

/** `--state` (or DROVER_STATE): a shared table, or a directory that is then the state directory. */
function daemonStateLocation(global: GlobalOptions): { stateDir: string; location?: StateLocation } {
  let location: StateLocation | undefined;
  try {
    location = resolveStateLocation(global.state);
  } catch (err) {
    if (err instanceof StateUrlError) throw new UsageError(err.message);
    throw err;
  }
  const stateDir = location?.kind === 'dir' ? location.dir : resolveStateDir(global.stateDir);
  return location?.kind === 'dynamodb' ? { stateDir, location } : { stateDir };
}

/** A missing table is said once, at start, naming 'drover state init' (not as a failing reconcile per fleet). */
async function checkStateTable(state: AnyStateStore, logger: Logger): Promise<void> {
  await state.list();
  logger.info({ event: EVENTS.daemonStarting, component: 'state' }, `fleet state in ${state.where}`);
}

async function runDaemon(flags: DaemonFlags, cmd: Command): Promise<void> {
  const { logger, global } = daemonLogger(cmd);
  const { stateDir, location } = daemonStateLocation(global);
  const speed = Number(flags.speed);
  if (!(speed > 0)) throw new UsageError(`--speed: "${flags.speed}" is not a positive number`);
  if (flags.speed !== '1' && simServerUrl()) throw new UsageError("--speed: the served simulated account keeps its own clock (set it with 'drover sim serve --speed')");
  if (flags.speed !== '1' && !global.sim) throw new UsageError('--speed only applies with --sim');
  const workers = Number(flags.workers);
  if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`--workers: "${flags.workers}" is not a positive integer`);
  const resyncMs = parseDurationFlag('--resync', flags.resync) * 1000;
  const leaseSettings = leaseFlags(flags);
  const webhookToken = flags.webhookTokenFile || process.env.DROVER_WEBHOOK_TOKEN ? loadWebhookToken({ file: flags.webhookTokenFile, env: process.env }) : undefined;
  // The directory lock guards the local state and a local simulated account; a shared table needs none.
  if (!location || (global.sim && !simServerUrl())) assertWritableStateDir(stateDir);
  const w = wire(global, stateDir, flags.file, speed, logger);
  // The table is opened on the daemon's clock: its leases must run on the time the daemon acts on (a served account's virtual clock).
  const state: OpenedState | undefined = location ? openState(location, { stateDir, clock: w.clock, logger }) : undefined;
  const closeState = state ? () => state.close() : undefined;
  if (state) await checkStateTable(state.store, logger).catch((err: unknown) => {
    w.driver?.stop();
    w.clients.destroy();
    w.close?.();
    closeState?.();
    throw err;
  });
  const daemon = createDaemon({
    dir: flags.file,
    stateDir,
    ...(state ? { state } : {}),
    clients: w.clients,
    clock: w.clock,
    sleep: w.sleep,
    logger,
    queue: flags.queue,
    listen: flags.listen,
    resyncMs,
    workers,
    webhookToken,
    manifestRepo: flags.manifestRepo,
    sim: w.sim,
    reconcilerFactory: (ctx) => fleetReconciler(ctx),
    rateLimits: flags.rateLimit,
    leaseSettings,
  });
  const finish = () => {
    w.driver?.stop();
    w.clients.destroy();
    w.close?.();
    closeState?.();
  };
  try {
    await daemon.start();
  } catch (err) {
    await daemon.stop().catch(() => undefined);
    finish();
    throw err;
  }
  await new Promise<void>((resolve) => {
    installShutdown({
      logger,
      stop: async () => {
        await daemon.stop();
        finish();
      },
      exit: (code) => {
        if (code !== 0) process.exit(code);
        resolve();
      },
    });
  });
}
