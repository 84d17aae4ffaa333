import data from './instance-types.json';
import { isKnownInstanceType, unknownInstanceTypeMessage } from './instance-types';

describe('known instance types (generated from @aws-sdk/client-ec2)', () => {
  it('says where the list came from and when', () => {
    expect(data.source).toMatch(/^@aws-sdk\/client-ec2 \d+\.\d+\.\d+/);
    expect(data.generated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(data.count).toBe(data.types.length);
  });

  it('knows the common families and rejects what EC2 does not have', () => {
    for (const t of ['t3.small', 'c5.large', 'm5.xlarge', 'm7i.large', 'c6g.medium']) expect(isKnownInstanceType(t)).toBe(true);
    for (const t of ['t3.smal', 'c5.huge', 'x9.large']) expect(isKnownInstanceType(t)).toBe(false);
  });

  it('suggests the closest type of the same family', () => {
    expect(unknownInstanceTypeMessage('t3.smal')).toMatch(/did you mean "t3.small"\?/);
    expect(unknownInstanceTypeMessage('c5.lagre')).toMatch(/did you mean "c5.large"\?/);
    expect(unknownInstanceTypeMessage('t3.small')).toBeUndefined();
  });
});
