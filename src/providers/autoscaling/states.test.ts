import { parseImageState } from '../image/image-state';
import { parseStorageLifecycle } from '../storage/states';
import { parseGroupLifecycle, parseInstanceLifecycle } from './states';

describe('AWS status text is parsed once into typed states', () => {
  it('a group is deleting only while AWS says Delete in progress', () => {
    expect(parseGroupLifecycle(undefined)).toBe('active');
    expect(parseGroupLifecycle('')).toBe('active');
    expect(parseGroupLifecycle('Delete in progress')).toBe('deleting');
  });

  it('instance lifecycle states fold into pending, inService, terminating, terminated, other', () => {
    const cases: Array<[string | undefined, string]> = [
      ['Pending', 'pending'], ['Pending:Wait', 'pending'], ['Pending:Proceed', 'pending'], ['InService', 'inService'],
      ['Terminating', 'terminating'], ['Terminating:Wait', 'terminating'], ['Terminating:Proceed', 'terminating'],
      ['Terminated', 'terminated'], ['Standby', 'other'], ['Detaching', 'other'], [undefined, 'other'],
    ];
    for (const [text, state] of cases) expect([text, parseInstanceLifecycle(text)]).toEqual([text, state]);
  });

  it('an image is pending or available as EC2 says, failed for any other state, missing without one', () => {
    expect(['pending', 'available', 'failed', 'invalid', 'error', 'deregistered', undefined].map(parseImageState)).toEqual([
      'pending', 'available', 'failed', 'failed', 'failed', 'failed', 'missing',
    ]);
  });

  it('EFS lifecycle states keep their name; unknown text is error', () => {
    expect(['creating', 'available', 'deleting', 'deleted', 'melting', undefined].map(parseStorageLifecycle)).toEqual([
      'creating', 'available', 'deleting', 'deleted', 'error', 'error',
    ]);
  });
});
