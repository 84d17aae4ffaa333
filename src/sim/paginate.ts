/**
 * Opaque page tokens with deliberately small default page sizes, so a caller that forgets
 * its NextToken/Marker loop sees missing items in tests.
 */
import { SimCore } from './core';
import { SimService } from './errors';

export interface Page<T> {
  items: T[];
  next?: string;
}

export const DEFAULT_PAGE_SIZE = 3;

export function paginate<T>(
  sim: SimCore,
  service: SimService,
  items: T[],
  token: string | undefined,
  requested: number | undefined,
  opts: { max?: number; defaultSize?: number; tokenError?: string } = {},
): Page<T> {
  const size = Math.max(1, Math.min(requested ?? opts.defaultSize ?? DEFAULT_PAGE_SIZE, opts.max ?? 1000));
  let offset = 0;
  if (token) {
    const parsed = decodeToken(token);
    if (parsed === undefined) throw sim.error(service, opts.tokenError ?? 'InvalidNextToken', 'The token is invalid or has expired.');
    offset = parsed;
  }
  const slice = items.slice(offset, offset + size);
  const nextOffset = offset + size;
  return { items: slice, next: nextOffset < items.length ? encodeToken(nextOffset) : undefined };
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset, v: 1 })).toString('base64');
}

function decodeToken(token: string): number | undefined {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    return typeof v?.o === 'number' && v.o >= 0 ? v.o : undefined;
  } catch {
    return undefined;
  }
}
