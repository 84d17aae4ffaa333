/** `drover sim serve` as a child process, and drover commands pointed at it with DROVER_SIM_URL. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { droverProcess, ROOT, type ProcessRun } from './cli-process';

export interface SimServerProcess {
  url: string;
  child: ChildProcess;
  /** Send `signal` and wait for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Start `drover sim serve ARGS`; resolves with the URL it prints (its first stdout line). */
export function startSimServerProcess(args: string[]): Promise<SimServerProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  delete env.DROVER_SIM_URL;
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/drover.js'), 'sim', 'serve', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  child.stderr!.on('data', (d) => (stderr += String(d)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      stdout += String(d);
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n')) {
        resolve({
          url: line.trim(),
          child,
          stop: (signal = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    });
    void exited.then((e) => reject(new Error(`drover sim serve exited ${e.code ?? e.signal} before printing its URL: ${e.stderr}`)));
  });
}

/** Run `drover ARGS` with DROVER_SIM_URL=url (none when undefined). */
export function droverWithSim(url: string | undefined, args: string[]): Promise<ProcessRun> {
  const before = process.env.DROVER_SIM_URL;
  if (url === undefined) delete process.env.DROVER_SIM_URL;
  else process.env.DROVER_SIM_URL = url;
  try {
    // droverProcess copies the environment when it spawns, synchronously: restoring it after is safe.
    return droverProcess(args);
  } finally {
    if (before === undefined) delete process.env.DROVER_SIM_URL;
    else process.env.DROVER_SIM_URL = before;
  }
}
