/** Small text helpers shared by the renderers: kubectl-style ages, short ids, placeholders. */
import { formatDuration } from '../util/clock';
import type { DeploymentStatus } from '../model/fleet-status';

export const NONE = '<none>';
export const UNKNOWN = '<unknown>';

function seconds(fromIso: string, to: Date): number | undefined {
  const from = Date.parse(fromIso);
  if (Number.isNaN(from)) return undefined;
  return (to.getTime() - from) / 1000;
}

/**
 * kubectl's AGE (its HumanDuration): whole seconds under 2m, `5m30s` under 10m, minutes under 3h,
 * `3h20m` under 8h, hours under 2d, `3d4h` under 8d, days under 2y, then years.
 */
export function humanDuration(totalSeconds: number): string {
  const s = Math.floor(totalSeconds);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(s / 3600);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 192) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  if (h < 24 * 365 * 8) return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
  return `${y}y`;
}

/** An AGE column since `iso`, as kubectl prints it; `<unknown>` when absent or unparseable. */
export function kubeAge(iso: string | undefined, now: Date): string {
  const s = iso ? seconds(iso, now) : undefined;
  return s === undefined ? UNKNOWN : humanDuration(s);
}

/** `5m12s` since `iso`, or `<unknown>` when absent or unparseable. */
export function age(iso: string | undefined, now: Date): string {
  if (!iso) return UNKNOWN;
  const s = seconds(iso, now);
  return s === undefined ? UNKNOWN : formatDuration(s);
}

/** Seconds a deployment has run: to its finish, or to `now` while in progress. */
export function elapsedSeconds(d: DeploymentStatus, now: Date): number {
  const end = d.finishedAt ? new Date(d.finishedAt) : now;
  return Math.max(0, seconds(d.startedAt, end) ?? 0);
}

/** `timeout in 7m50s`, `timed out 10s ago`, or undefined without a timeout. */
export function timeoutText(d: DeploymentStatus, now: Date): string | undefined {
  if (!d.timeoutAt || d.result !== 'InProgress') return undefined;
  const left = -(seconds(d.timeoutAt, now) ?? 0);
  return left > 0 ? `timeout in ${formatDuration(left)}` : `timed out ${formatDuration(-left)} ago`;
}

export function shortCommit(commit: string | undefined): string {
  return commit ? commit.slice(0, 8) : NONE;
}

export function orNone(value: string | number | undefined): string {
  return value === undefined || value === '' ? NONE : String(value);
}

/** ISO time without milliseconds: `2026-01-03T11:57:50Z`. */
export function isoSeconds(iso: string | undefined): string {
  if (!iso) return NONE;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The fleet a deployment belongs to: its own field, else its group name minus `-vNNN`. */
export function deploymentFleet(d: DeploymentStatus): string {
  if (d.fleet) return d.fleet;
  const group = d.green?.group ?? d.blue?.group;
  const m = group ? /^(.*)-v\d{3,}$/.exec(group) : null;
  return m ? m[1] : d.id;
}
