/**
 * Ctrl-C (SIGINT) and SIGTERM during `apply/bake/rollout undo --wait`: the first signal asks the
 * wait loop to stop after its current pass. The loop parks the deployment actors (their snapshots
 * are saved), the simulated account is already durable, and one line says where the fleet is and
 * how to resume. A second signal exits at once (nothing is lost: every step is idempotent and
 * the account is written through). Exit codes follow the shell: 128 + signal number.
 */
import type { DeploymentStatus } from '../model/fleet-status';

export type StopSignal = 'SIGINT' | 'SIGTERM';

export const SIGNAL_EXIT_CODES: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

export interface InterruptWatch {
  /** The first stop signal received, if any. */
  readonly signal: StopSignal | undefined;
  /** Remove the handlers (the process's default behaviour returns). */
  dispose(): void;
}

export function watchInterrupts(proc: NodeJS.EventEmitter & { exit(code?: number): never } = process): InterruptWatch {
  let received: StopSignal | undefined;
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((sig) => {
    const handler = () => {
      if (received) proc.exit(SIGNAL_EXIT_CODES[sig]);
      received = sig;
    };
    proc.on(sig, handler);
    return [sig, handler] as const;
  });
  return {
    get signal() {
      return received;
    },
    dispose: () => handlers.forEach(([sig, h]) => proc.off(sig, h)),
  };
}

export interface StoppedFleet {
  fleet: string;
  deployment?: DeploymentStatus;
  inService: number;
  desired: number;
}

/** The one line printed after a clean stop: where each fleet is and how to resume. */
export function stoppedLine(signal: StopSignal, fleets: StoppedFleet[], resume: string): string {
  const where = fleets.map(describeFleet).join('; ');
  const status = fleets.map((f) => `drover rollout status ${f.fleet}`).join(', ');
  return `drover: stopped on ${signal}: ${where || 'no fleet started'}; resume with '${resume}' (watch with '${status}')`;
}

function describeFleet(f: StoppedFleet): string {
  const d = f.deployment;
  if (!d || d.result !== 'InProgress') return `${f.fleet} ${f.inService}/${f.desired} InService${d ? `, last ${d.kind} ${d.id} ${d.result}` : ''}`;
  const sides = d.blue && d.green ? ` (blue ${d.blue.inService}/${d.blue.desired}, green ${d.green.inService}/${d.green.desired} InService)` : ` (${f.inService}/${f.desired} InService)`;
  return `${f.fleet} ${d.kind} ${d.id} parked in phase ${d.phase}${sides}`;
}
