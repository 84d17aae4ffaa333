/**
 * Known EC2 instance types, as data generated from an AWS source (see
 * scripts/gen-instance-types.js): a typo such as `t3.smal` is caught by `validate` and
 * `plan`, not by a launch that fails minutes into a deployment.
 */
import data from './instance-types.json';
import { nearest } from './suggest';

const KNOWN = new Set<string>(data.types);

/** Where the list came from and when, for messages. */
export const INSTANCE_TYPES_SOURCE = `${data.source}, generated ${data.generated}`;

export function isKnownInstanceType(type: string): boolean {
  return KNOWN.has(type);
}

/** Why `type` is not accepted, with the closest known type; undefined when it is known. */
export function unknownInstanceTypeMessage(type: string): string | undefined {
  if (isKnownInstanceType(type)) return undefined;
  const family = type.split('.')[0];
  const candidates = data.types.filter((t) => t.split('.')[0] === family);
  const guess = nearest(type, candidates.length ? candidates : data.types) ?? nearest(type, data.types);
  const hint = guess ? `; did you mean "${guess}"?` : '';
  return `"${type}" is not a known EC2 instance type${hint} (known types: ${INSTANCE_TYPES_SOURCE})`;
}
