// The unified diff --fix-dry-run prints, checked against `diff -u` conventions: hunks with three lines of
// context, merged when close, line numbers of both sides, CRLF not shown as a change.
import t from 'tap';
import { unifiedDiff } from '../../engine/diff.js';

const lines = (n: number): string[] => Array.from({ length: n }, (_, i) => `line ${String(i + 1)}`);

t.test('no change, no diff', (t) => {
  t.equal(unifiedDiff('a.yml', 'x\ny\n', 'x\ny\n'), '');
  t.equal(unifiedDiff('a.yml', 'x\r\ny\r\n', 'x\ny\n'), '', 'line breaks alone are not a change');
  t.end();
});

t.test('one changed line with its context', (t) => {
  const before = lines(10);
  const after = [...before];
  after[4] = 'line five';
  t.equal(
    unifiedDiff('s.yml', before.join('\n') + '\n', after.join('\n') + '\n'),
    [
      '--- a/s.yml',
      '+++ b/s.yml',
      '@@ -2,7 +2,7 @@',
      'line 2',
      'line 3',
      'line 4',
      '-line 5',
      '+line five',
      'line 6',
      'line 7',
      'line 8',
      '',
    ]
      .join('\n')
      .replace(/\nline/g, '\n line'),
  );
  t.end();
});

t.test('two distant changes are two hunks; an insertion moves the second side', (t) => {
  const before = lines(20);
  const after = [...before.slice(0, 1), 'inserted', ...before.slice(1, 17), 'line 18 changed', ...before.slice(18)];
  const diff = unifiedDiff('s.yml', before.join('\n'), after.join('\n'));
  t.match(diff, /@@ -1,4 \+1,5 @@\n line 1\n\+inserted\n line 2\n line 3\n line 4\n/);
  t.match(diff, /@@ -15,6 \+16,6 @@\n line 15\n line 16\n line 17\n-line 18\n\+line 18 changed\n line 19\n line 20\n$/);
  t.equal(diff.match(/^@@/gm)?.length, 2);
  t.end();
});

t.test('close changes share a hunk; a file that becomes empty', (t) => {
  const before = lines(8);
  const after = [...before];
  after[1] = 'two';
  after[5] = 'six';
  t.equal(unifiedDiff('s.yml', before.join('\n'), after.join('\n')).match(/^@@/gm)?.length, 1);
  t.match(unifiedDiff('s.yml', 'a\nb\n', ''), /@@ -1,2 \+0,0 @@\n-a\n-b\n$/);
  t.end();
});
