import * as path from 'node:path';
import { parseStateUrl, resolveStateLocation } from './url';
import { StateUrlError } from './errors';

describe('parseStateUrl', () => {
  it('reads a DynamoDB table, with an optional region', () => {
    expect(parseStateUrl('dynamodb://drover-state')).toEqual({ kind: 'dynamodb', table: 'drover-state' });
    expect(parseStateUrl('DynamoDB://Team_1.state?region=eu-west-1')).toEqual({ kind: 'dynamodb', table: 'Team_1.state', region: 'eu-west-1' });
  });

  it('reads a directory as a path or file:// URL', () => {
    expect(parseStateUrl('./.drover')).toEqual({ kind: 'dir', dir: path.resolve('.drover') });
    expect(parseStateUrl('file:///var/lib/drover')).toEqual({ kind: 'dir', dir: '/var/lib/drover' });
  });

  it.each([
    ['dynamodb://', /--state "dynamodb:\/\/": no table name; expected dynamodb:\/\/TABLE/],
    ['dynamodb:/t', /not of the form dynamodb:\/\/TABLE/],
    ['dynamodb://ab', /table name "ab" is not valid/],
    ['dynamodb://a b c', /table name "a b c" is not valid/],
    ['dynamodb://table/extra', /not of the form/],
    ['dynamodb://table?regoin=eu-west-1', /unknown parameter "regoin"/],
    ['dynamodb://table?region=Europe', /region "Europe" is not a region name/],
    ['dynamo://table', /unknown scheme "dynamo:"/],
    ['s3://bucket', /unknown scheme "s3:"/],
    ['', /empty/],
  ])('refuses %j with a message naming --state', (text, message) => {
    const err = (() => {
      try {
        parseStateUrl(text);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(StateUrlError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toMatch(/^--state /);
  });

  it('takes --state over DROVER_STATE, and names DROVER_STATE when it is the bad one', () => {
    expect(resolveStateLocation('dynamodb://from-flag', { DROVER_STATE: 'dynamodb://from-env' })).toEqual({ kind: 'dynamodb', table: 'from-flag' });
    expect(resolveStateLocation(undefined, { DROVER_STATE: 'dynamodb://from-env' })).toEqual({ kind: 'dynamodb', table: 'from-env' });
    expect(resolveStateLocation(undefined, {})).toBeUndefined();
    expect(() => resolveStateLocation(undefined, { DROVER_STATE: 'dynamodb://' })).toThrow(/^DROVER_STATE "dynamodb:\/\/": no table name/);
  });
});
