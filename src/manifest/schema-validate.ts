/**
 * Validate a parsed document against FLEET_SCHEMA with ajv (all errors at once).
 */
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { parseDuration } from '../util/clock';
import { FLEET_SCHEMA } from './schema';
import { DURATION_KEYWORD, DurationRange } from './schema-defaults';

let compiled: ValidateFunction | undefined;

function durationInRange(range: DurationRange, data: unknown): boolean {
  if (typeof data !== 'string') return true;
  const seconds = parseDuration(data);
  if (seconds === undefined) return true;
  return seconds >= range.min && seconds <= range.max;
}

function compile(): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
  ajv.addKeyword({
    keyword: DURATION_KEYWORD,
    schemaType: 'object',
    metaSchema: {
      type: 'object',
      required: ['min', 'max'],
      properties: { min: { type: 'number' }, max: { type: 'number' } },
      additionalProperties: false,
    },
    validate: durationInRange,
    errors: false,
  });
  return ajv.compile(FLEET_SCHEMA);
}

/** ajv's errors for `data`, or an empty list when it conforms to the schema. */
export function schemaErrors(data: unknown): ErrorObject[] {
  compiled ??= compile();
  return compiled(data) ? [] : [...(compiled.errors ?? [])];
}
