/** IAM policy document types and the two ownership conditions every drover statement leans on. */
import { MANAGED_BY, TAG_MANAGED_BY } from '../model/names';

export type ConditionBlock = Record<string, Record<string, string | string[]>>;

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
  Condition?: ConditionBlock;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export function allow(Sid: string, Action: string[], Resource: string | string[], Condition?: ConditionBlock): PolicyStatement {
  return { Sid, Effect: 'Allow', Action, Resource, ...(Condition ? { Condition } : {}) };
}

export function policy(Statement: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement };
}

/** The request creates the resource with `drover:managed-by = drover`. */
export const REQUEST_TAGGED: ConditionBlock = { StringEquals: { [`aws:RequestTag/${TAG_MANAGED_BY}`]: MANAGED_BY } };

/** The resource already carries `drover:managed-by = drover`. */
export const RESOURCE_TAGGED: ConditionBlock = { StringEquals: { [`aws:ResourceTag/${TAG_MANAGED_BY}`]: MANAGED_BY } };

/** Merge condition blocks (all must hold). */
export function allOf(...blocks: ConditionBlock[]): ConditionBlock {
  const out: ConditionBlock = {};
  for (const b of blocks) for (const [op, kv] of Object.entries(b)) out[op] = { ...(out[op] ?? {}), ...kv };
  return out;
}
