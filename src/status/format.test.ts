import { humanDuration, kubeAge } from './format';

describe("humanDuration (kubectl's AGE)", () => {
  it.each([
    [-5, '<invalid>'],
    [-0.5, '0s'],
    [0, '0s'],
    [45, '45s'],
    [119, '119s'],
    [120, '2m'],
    [330, '5m30s'],
    [12 * 60 + 7, '12m'],
    [179 * 60, '179m'],
    [3 * 3600, '3h'],
    [3 * 3600 + 20 * 60, '3h20m'],
    [30 * 3600, '30h'],
    [2 * 86400, '2d'],
    [3 * 86400 + 4 * 3600, '3d4h'],
    [200 * 86400, '200d'],
    [(3 * 365 + 10) * 86400, '3y10d'],
    [9 * 365 * 86400, '9y'],
  ])('%p s is %p', (s, text) => expect(humanDuration(s)).toBe(text));

  it('measures from an ISO time, and says <unknown> without one', () => {
    const now = new Date('2026-12-04T08:00:00Z');
    expect(kubeAge('2026-12-04T07:48:00Z', now)).toBe('12m');
    expect(kubeAge(undefined, now)).toBe('<unknown>');
    expect(kubeAge('not a time', now)).toBe('<unknown>');
  });
});
