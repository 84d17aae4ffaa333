/**
 * The webhook shared secret: loaded from `--token-file` or DROVER_WEBHOOK_TOKEN, compared in
 * constant time (over equal-length digests), and never logged.
 */
import { createHash, timingSafeEqual } from 'crypto';
import { readFileSync } from 'fs';
import { DroverError } from '../../util/errors';

export const TOKEN_ENV = 'DROVER_WEBHOOK_TOKEN';

export interface TokenSource {
  env?: Record<string, string | undefined>;
  /** A file whose content (trailing whitespace trimmed) is the token; wins over the env var. */
  file?: string;
}

export function loadWebhookToken(source: TokenSource): string {
  if (source.file) {
    let text: string;
    try {
      text = readFileSync(source.file, 'utf8');
    } catch (err) {
      throw new DroverError(`loading webhook token from ${source.file}: ${(err as Error).message}`, { code: 'WebhookTokenUnreadable', source: 'user', cause: err });
    }
    const token = text.trim();
    if (!token) throw new DroverError(`loading webhook token from ${source.file}: the file is empty`, { code: 'WebhookTokenMissing', source: 'user' });
    return token;
  }
  const fromEnv = source.env?.[TOKEN_ENV]?.trim();
  if (fromEnv) return fromEnv;
  throw new DroverError(`loading webhook token: set ${TOKEN_ENV} or pass --token-file`, { code: 'WebhookTokenMissing', source: 'user' });
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Constant-time comparison of a presented token with the secret (hashing first equalises lengths). */
export function tokenMatches(presented: string | undefined, secret: string): boolean {
  if (presented === undefined) return false;
  return timingSafeEqual(digest(presented), digest(secret));
}
