/**
 * The drover CLI as a real child process (bin/drover.js → dist/), for tests that send it
 * signals. dist/ is rebuilt first when any source file is newer than it.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

export interface ProcessRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function newest(dir: string): number {
  let best = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    best = Math.max(best, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return best;
}

/** Build dist/ when it is missing or older than src/. */
export function ensureBuilt(): void {
  const cli = path.join(ROOT, 'dist/main/cli.js');
  if (fs.existsSync(cli) && fs.statSync(cli).mtimeMs >= newest(path.join(ROOT, 'src'))) return;
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
}

/**
 * Run `drover ARGS`; with `kill`, send it that signal `afterMs` real ms after the start, but not
 * before its stderr matches `once` (so a slow start on a busy machine is not what gets killed).
 */
export function droverProcess(args: string[], kill?: { signal: NodeJS.Signals; afterMs: number; once?: RegExp }): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/drover.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let due = false;
    let sent = false;
    const fire = () => {
      if (!kill || sent || !due || (kill.once && !kill.once.test(stderr)) || child.exitCode !== null) return;
      sent = true;
      child.kill(kill.signal);
    };
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => {
      stderr += String(d);
      fire();
    });
    const timer = kill ? setTimeout(() => ((due = true), fire()), kill.afterMs) : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
