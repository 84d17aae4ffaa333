import { BAKE_RESULT_MARKER, parseBakeResult } from './bake-result';

const line = (json: unknown) => `${BAKE_RESULT_MARKER} ${JSON.stringify(json)}`;

describe('parseBakeResult', () => {
  it.each([
    ['no marker yet', 'Cloud-init v. 22.2.2 finished\n', { marker: 'none', message: 'no result marker on the console yet' }],
    ['success', `boot\n${line({ ok: true, commit: 'c1', message: 'done' })}\n`, { marker: 'success', message: 'done', commit: 'c1' }],
    ['failure', line({ ok: false, commit: 'c1', message: 'composer: dependency conflict' }), { marker: 'failure', message: 'composer: dependency conflict', commit: 'c1' }],
    [
      'the last marker wins',
      `${line({ ok: false, commit: 'c1', message: 'first try' })}\n${line({ ok: true, commit: 'c1', message: 'retry ok' })}`,
      { marker: 'success', message: 'retry ok', commit: 'c1' },
    ],
    ['unreadable json', `${BAKE_RESULT_MARKER} {ok: yes`, { marker: 'failure', message: 'the builder printed an unreadable result: {ok: yes' }],
    ['a marker for another commit', line({ ok: true, commit: 'c2', message: '' }), { marker: 'failure', message: 'the builder reports commit c2, expected c1' }],
  ])('%s', (_name, text, expected) => {
    expect(parseBakeResult(text, 'c1')).toEqual(expected);
  });
});
