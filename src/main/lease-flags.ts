/**
 * `drover daemon --lease-seconds --renew-seconds --lease-margin-seconds --shards`: the shard
 * lease settings (issue 13), validated by leaseSettings() so a setting that could let an owner
 * act after its lease is refused at start, naming the flag. Defaults: 10 s / 2 s / 2 s / 64.
 */
import type { Command } from 'commander';
import { DEFAULT_LEASE_SETTINGS, leaseSettings, type LeaseSettings } from '../state/leases';
import { UsageError } from './cli-support';

export interface LeaseFlags {
  leaseSeconds?: string;
  renewSeconds?: string;
  leaseMarginSeconds?: string;
  shards?: string;
}

export function addLeaseFlags(cmd: Command): Command {
  const d = DEFAULT_LEASE_SETTINGS;
  return cmd
    .option('--lease-seconds <s>', `with --state dynamodb://…: how long a replica's shard leases last without renewal (default ${d.leaseMs / 1000})`)
    .option('--renew-seconds <s>', `how often each replica renews its leases (default ${d.renewMs / 1000})`)
    .option('--lease-margin-seconds <s>', `a replica stops acting this long before its lease ends (default ${d.marginMs / 1000})`)
    .option('--shards <n>', `fleets hash to this many shards; every replica on a table must use the same (default ${d.shards})`);
}

/** The settings the flags give; a bad value is a UsageError naming the flag, a bad combination names all three. */
export function leaseFlags(flags: LeaseFlags): LeaseSettings {
  const seconds = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!(v.trim() !== '' && Number.isFinite(n) && n > 0)) throw new UsageError(`${name}: "${v}" is not a positive number of seconds`);
    return Math.round(n * 1000);
  };
  const partial: Partial<LeaseSettings> = {};
  const leaseMs = seconds('--lease-seconds', flags.leaseSeconds);
  const renewMs = seconds('--renew-seconds', flags.renewSeconds);
  const marginMs = seconds('--lease-margin-seconds', flags.leaseMarginSeconds);
  if (leaseMs !== undefined) partial.leaseMs = leaseMs;
  if (renewMs !== undefined) partial.renewMs = renewMs;
  if (marginMs !== undefined) partial.marginMs = marginMs;
  if (flags.shards !== undefined) {
    const n = Number(flags.shards);
    if (!/^\d+$/.test(flags.shards.trim()) || n < 1 || n > 4096) throw new UsageError(`--shards: "${flags.shards}" is not a whole number from 1 to 4096`);
    partial.shards = n;
  }
  try {
    return leaseSettings(partial);
  } catch (err) {
    throw new UsageError(`--lease-seconds/--renew-seconds/--lease-margin-seconds: ${(err as Error).message}`);
  }
}
