import t from 'tap';
import { applyEdits } from '../../engine/fix.js';

const edit = (start: number, end: number, text: string): { file: string; range: [number, number]; text: string } => ({
  file: 'f',
  range: [start, end],
  text,
});

t.test('edits apply in order of position, whatever order they come in', (t) => {
  t.same(applyEdits('abcdef', [edit(4, 5, 'E'), edit(0, 1, 'A'), edit(2, 2, '+')]), { text: 'Ab+cdEf', applied: 3 });
  t.same(applyEdits('abc', []), { text: 'abc', applied: 0 });
  t.end();
});

t.test('an edit that overlaps one applied is left for the next pass; one past the end is dropped', (t) => {
  t.same(
    applyEdits('abcdef', [edit(1, 4, 'X'), edit(2, 3, 'Y'), edit(4, 6, 'Z')]),
    { text: 'aXZ', applied: 2 },
    'touching is not overlapping',
  );
  t.same(applyEdits('abc', [edit(1, 9, 'X')]), { text: 'abc', applied: 0 }, 'beyond the text');
  t.same(applyEdits('abc', [edit(1, 2, 'X'), edit(1, 2, 'Y')]), { text: 'aXc', applied: 1 }, 'two edits of one span: the first');
  t.end();
});
