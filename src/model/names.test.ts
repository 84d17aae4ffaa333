import { groupName, parseGroupGeneration } from './names';

describe('parseGroupGeneration', () => {
  it('reads the generation of the fleet\'s own versioned groups only', () => {
    expect(parseGroupGeneration('shop', groupName('shop', 7))).toBe(7);
    expect(parseGroupGeneration('shop', 'shop-v1234')).toBe(1234);
    expect(parseGroupGeneration('shop', 'shop-admin-v007')).toBeUndefined();
    expect(parseGroupGeneration('shop-admin', 'shop-admin-v007')).toBe(7);
    expect(parseGroupGeneration('shop', 'shop-v07')).toBeUndefined();
    expect(parseGroupGeneration('shop', 'shop-v007-old')).toBeUndefined();
    expect(parseGroupGeneration('shop', 'xshop-v007')).toBeUndefined();
    // The fleet name is text, not a pattern.
    expect(parseGroupGeneration('a.b', 'axb-v001')).toBeUndefined();
    expect(parseGroupGeneration('a.b', 'a.b-v001')).toBe(1);
  });
});
