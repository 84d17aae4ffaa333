/**
 * Small total readers for untrusted JSON: they return undefined instead of throwing, so every
 * parser can say exactly which field was missing or had the wrong type.
 */
import type { ControllerEvent } from '../../../model/events';

export type Json = Record<string, unknown>;

/** What a single-kind parser returns; the dispatcher adds the message id. */
export type ParserOutcome = { ok: true; event: ControllerEvent } | { ok: false; reason: string; ignored: boolean };

export interface ParseContext {
  /** ISO time to use when the payload carries none (the SQS SentTimestamp, or the epoch). */
  fallbackAt: string;
}

export function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(obj: Json | undefined, key: string): string | undefined {
  const v = obj?.[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function int(obj: Json | undefined, key: string): number | undefined {
  const v = obj?.[key];
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined;
}

export function rec(obj: Json | undefined, key: string): Json | undefined {
  const v = obj?.[key];
  return isRecord(v) ? v : undefined;
}

export function reject(reason: string): ParserOutcome {
  return { ok: false, reason, ignored: false };
}

export function ignore(reason: string): ParserOutcome {
  return { ok: false, reason, ignored: true };
}

/** The first listed key that is missing or not a non-empty string, or undefined when all are present. */
export function missingString(obj: Json, keys: string[]): string | undefined {
  return keys.find((k) => str(obj, k) === undefined);
}

/**
 * Normalise a timestamp to ISO-8601. Accepts ISO strings and GitLab's `2024-05-01 12:00:00 UTC`;
 * anything unparseable yields `fallback`.
 */
export function isoTime(value: unknown, fallback: string): string {
  if (typeof value !== 'string' || !value) return fallback;
  const gitlab = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) (UTC|[+-]\d{4})$/.exec(value);
  const text = gitlab ? `${gitlab[1]}T${gitlab[2]}${gitlab[3] === 'UTC' ? 'Z' : gitlab[3]}` : value;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : fallback;
}

/** A full git commit id: 40 hex digits (SHA-1) or 64 (SHA-256 repositories). */
export function isCommitId(v: unknown): v is string {
  return typeof v === 'string' && /^([0-9a-f]{40}|[0-9a-f]{64})$/i.test(v);
}

export const ZERO_COMMIT = '0000000000000000000000000000000000000000';

/** The region and account an event came from, keeping only what is known. */
export function origin(region: unknown, account: unknown): { region?: string; account?: string } {
  return {
    ...(typeof region === 'string' && region ? { region } : {}),
    ...(typeof account === 'string' && account ? { account } : {}),
  };
}

/** Region and account from an ARN (`arn:aws:cloudwatch:eu-west-1:123456789012:alarm:x`). */
export function arnOrigin(arn: unknown): { region?: string; account?: string } {
  if (typeof arn !== 'string') return {};
  const parts = arn.split(':');
  return parts.length >= 6 && parts[0] === 'arn' ? origin(parts[3], parts[4]) : {};
}

/** Add where an event came from to a successful outcome. */
export function withOrigin(outcome: ParserOutcome, from: { region?: string; account?: string }): ParserOutcome {
  return outcome.ok ? { ok: true, event: { ...outcome.event, ...from } } : outcome;
}
