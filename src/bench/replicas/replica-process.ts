/**
 * One replica of the multi-replica harness: a real `drover daemon` child process (bin/drover.js)
 * on the shared DynamoDB state table and the shared simulated account, each reached through
 * its own recording proxies (so the harness knows which replica sent what). Its JSON log lines
 * are kept, each stamped with the account's virtual time when it arrived (virtual time does not
 * move while a replica works, time-driver.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RecordingProxy } from './proxy';

export interface LogLine {
  /** Virtual ms when the harness read it. */
  atMs: number;
  event?: string;
  fleet?: string;
  msg?: string;
  [key: string]: unknown;
}

export interface ReplicaSpawn {
  root: string;
  label: string;
  manifestDir: string;
  stateDir: string;
  /** The shared state table; undefined: the replica's own state directory (a one-replica smoke run). */
  table?: string;
  simProxy: RecordingProxy;
  dynamoProxy: RecordingProxy;
  nowMs(): number;
  /** Extra daemon flags. */
  args?: string[];
  /** Where the raw log goes (kept for a failed run). */
  logFile: string;
}

export class ReplicaProcess {
  readonly lines: LogLine[] = [];
  /** The replica id its leases use (from its first lease log line). */
  id?: string;
  exit?: { code: number | null; signal: NodeJS.Signals | null; atMs: number };
  killedAtMs?: number;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  private partial = '';
  private readonly log: fs.WriteStream;

  constructor(readonly spec: ReplicaSpawn) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      DROVER_SIM_URL: spec.simProxy.url,
      AWS_ENDPOINT_URL_DYNAMODB: spec.dynamoProxy.url,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
      AWS_SECRET_ACCESS_KEY: 'local',
    };
    delete env.DROVER_STATE;
    fs.mkdirSync(spec.stateDir, { recursive: true });
    const args = [
      path.join(spec.root, 'bin/drover.js'), 'daemon', '-f', spec.manifestDir, ...(spec.table ? ['--state', `dynamodb://${spec.table}`] : []), '--state-dir', spec.stateDir,
      '--listen', '127.0.0.1:0', '--log-format', 'json', '--log-level', 'info', ...(spec.args ?? []),
    ];
    this.log = fs.createWriteStream(spec.logFile, { flags: 'a' });
    this.child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d) => this.log.write(d));
    this.child.stderr!.on('data', (d) => this.read(String(d)));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal, atMs: spec.nowMs() };
        this.log.end();
        resolve();
      }),
    );
  }

  get label(): string {
    return this.spec.label;
  }

  get alive(): boolean {
    return !this.exit && this.killedAtMs === undefined;
  }

  /** kill -9; its proxies refuse from now on, so nothing it had in flight lands later. */
  async kill(): Promise<number> {
    this.killedAtMs = this.spec.nowMs();
    this.child.kill('SIGKILL');
    await Promise.all([this.spec.simProxy.close(), this.spec.dynamoProxy.close()]);
    await this.exited;
    return this.killedAtMs;
  }

  /** A clean stop (SIGTERM), waiting for the exit (SIGKILL after `graceMs` of real time). */
  async stop(graceMs = 30_000): Promise<void> {
    if (!this.exit) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    await Promise.all([this.spec.simProxy.close(), this.spec.dynamoProxy.close()]);
  }

  /** Lines with this event (and fleet), in arrival order. */
  events(event: string, fleet?: string): LogLine[] {
    return this.lines.filter((l) => l.event === event && (fleet === undefined || l.fleet === fleet));
  }

  /** The last lines, for an error message. */
  tail(n = 15): string {
    return this.lines.slice(-n).map((l) => `${new Date(l.atMs).toISOString().slice(11, 19)} ${l.event ?? ''} ${l.fleet ?? ''} ${l.msg ?? ''}`).join('\n');
  }

  private read(text: string): void {
    this.log.write(text);
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    const atMs = this.spec.nowMs();
    for (const raw of parts) {
      if (!raw.trim()) continue;
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        this.lines.push({ atMs, msg: raw });
        continue;
      }
      if (!this.id && typeof rec.replica === 'string') this.id = rec.replica;
      this.lines.push({ ...rec, atMs } as LogLine);
    }
  }
}
