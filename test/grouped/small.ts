// Small test files from several folders in one test process (test/helpers/grouped.ts says why), and the check that
// every file `.taprc` leaves out runs in a group.
import t from 'tap';
import { readdirSync } from 'node:fs';
import { GROUPS, members, runGroup, taprcExcludes } from '../helpers/grouped.js';

await runGroup('small');

t.test('every test file .taprc leaves out (but lab/ and helpers/) runs in exactly one group', (t) => {
  const grouped = Object.keys(GROUPS).flatMap((g) => members(g as keyof typeof GROUPS).map((f) => `test/${f}`));
  t.same(grouped.length, new Set(grouped).size, 'no file in two groups');
  const all = readdirSync('test', { recursive: true, encoding: 'utf8' })
    .map((f) => `test/${f.split('\\').join('/')}`)
    .filter((f) => f.endsWith('.ts'));
  const excludes = taprcExcludes();
  t.ok(excludes.includes('test/rules/**'), 'the exclude list was read');
  const left = all.filter((f) => excludes.some((p) => (p.endsWith('/**') ? f.startsWith(p.slice(0, -2)) : f === p)));
  const others = left.filter((f) => !f.startsWith('test/lab/') && !f.startsWith('test/helpers/'));
  t.same(others.sort(), [...grouped].sort(), '.taprc excludes the grouped files, and only those');
  t.end();
});
