/**
 * Where the state lives: `--state`, else `DROVER_STATE`, else the local state directory.
 * `dynamodb://TABLE` (optionally `?region=eu-west-1`) selects the DynamoDB backend; a path or
 * `file://PATH` a local directory. Anything else is refused with the flag or variable named.
 */
import * as path from 'node:path';
import { StateUrlError } from './errors';

export type StateLocation = { kind: 'dynamodb'; table: string; region?: string } | { kind: 'dir'; dir: string };

/** DynamoDB table names: 3 to 255 of letters, digits, '_', '-' and '.'. */
const TABLE = /^[A-Za-z0-9_.-]{3,255}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const EXPECTED = 'expected dynamodb://TABLE (3-255 letters, digits, "_", "-", "."), optionally ?region=REGION, or a directory path';

/** `source` names where the text came from: `--state` or `DROVER_STATE`. */
export function parseStateUrl(text: string, source = '--state'): StateLocation {
  const bad = (why: string) => new StateUrlError(`${source} ${JSON.stringify(text)}: ${why}; ${EXPECTED}`);
  const t = text.trim();
  if (!t) throw bad('empty');
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(t)?.[1]?.toLowerCase();
  if (scheme === 'file') {
    const rest = t.slice('file:'.length).replace(/^\/\//, '');
    if (!rest) throw bad('no directory');
    return { kind: 'dir', dir: path.resolve(rest) };
  }
  if (scheme === undefined || /^[A-Za-z]:[\\/]/.test(t)) return { kind: 'dir', dir: path.resolve(t) };
  if (scheme !== 'dynamodb') throw bad(`unknown scheme "${scheme}:"`);
  const m = /^dynamodb:\/\/([^/?#]*)(\/)?(?:\?([^#]*))?$/i.exec(t);
  if (!m) throw bad('not of the form dynamodb://TABLE');
  const table = m[1];
  if (!table) throw bad('no table name');
  if (!TABLE.test(table)) throw bad(`table name ${JSON.stringify(table)} is not valid`);
  const location: StateLocation = { kind: 'dynamodb', table };
  for (const pair of (m[3] ?? '').split('&').filter(Boolean)) {
    const [key, value = ''] = pair.split('=');
    if (key !== 'region') throw bad(`unknown parameter ${JSON.stringify(key)}`);
    if (!REGION.test(value)) throw bad(`region ${JSON.stringify(value)} is not a region name`);
    location.region = value;
  }
  return location;
}

/** `--state`, else `DROVER_STATE`, else undefined (the caller uses the state directory). */
export function resolveStateLocation(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): StateLocation | undefined {
  if (flag !== undefined) return parseStateUrl(flag, '--state');
  const fromEnv = env.DROVER_STATE;
  if (fromEnv !== undefined && fromEnv !== '') return parseStateUrl(fromEnv, 'DROVER_STATE');
  return undefined;
}
