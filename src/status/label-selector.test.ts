import { formatLabels, matchesSelector, parseSelector, SelectorError } from './label-selector';

describe('parseSelector', () => {
  it.each([
    ['team=shop', [{ key: 'team', op: 'eq', value: 'shop' }]],
    ['team==shop', [{ key: 'team', op: 'eq', value: 'shop' }]],
    ['team!=shop', [{ key: 'team', op: 'ne', value: 'shop' }]],
    ['team', [{ key: 'team', op: 'exists' }]],
    ['!team', [{ key: 'team', op: 'absent' }]],
    [' team = shop , tier ', [{ key: 'team', op: 'eq', value: 'shop' }, { key: 'tier', op: 'exists' }]],
    ['app.kubernetes.io/name=magento', [{ key: 'app.kubernetes.io/name', op: 'eq', value: 'magento' }]],
    ['tier=', [{ key: 'tier', op: 'eq', value: '' }]],
  ])('%s', (text, expected) => {
    expect(parseSelector(text)).toEqual(expected);
  });

  it.each([
    ['', ''],
    ['team=shop,', ''],
    ['team=shop,,tier', ''],
    ['=shop', '=shop'],
    ['team=sh op', 'team=sh op'],
    ['te am', 'te am'],
    ['team=a=b', 'team=a=b'],
    ['!', '!'],
    ['team>3', 'team>3'],
  ])('rejects %p naming the bad term', (text, term) => {
    let caught: unknown;
    try {
      parseSelector(text);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SelectorError);
    expect((caught as SelectorError).term.trim()).toBe(term);
    expect((caught as Error).message).toContain(`"${term}"`);
  });
});

describe('matchesSelector', () => {
  const labels = { team: 'shop', tier: 'public' };
  it.each([
    ['team=shop', labels, true],
    ['team=blog', labels, false],
    ['team!=blog', labels, true],
    ['team!=shop', labels, false],
    ['owner!=x', labels, true],
    ['tier', labels, true],
    ['owner', labels, false],
    ['!owner', labels, true],
    ['!team', labels, false],
    ['team=shop,tier=public', labels, true],
    ['team=shop,tier=internal', labels, false],
    ['team', undefined, false],
    ['!team', undefined, true],
    ['team=constructor', {}, false],
  ] as const)('%s on %p is %p', (text, l, expected) => {
    expect(matchesSelector(l, parseSelector(text))).toBe(expected);
  });
});

describe('formatLabels', () => {
  it('sorts by key and says <none> for no labels', () => {
    expect(formatLabels({ tier: 'public', team: 'shop' })).toBe('team=shop,tier=public');
    expect(formatLabels({})).toBe('<none>');
    expect(formatLabels(undefined)).toBe('<none>');
  });
});
