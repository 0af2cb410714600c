// compareText: localeCompare's order without creating ICU's collator, for printable ASCII under English.
import t from 'tap';
import { compareFindings, compareText, ROOT_ORDER, ROOT_ORDER_CLDR, type Finding } from '../../engine/findings.js';

const sign = (n: number): number => Math.sign(n);
const english = /^en(?:-[A-Z]{2})?$/.test(new Intl.PluralRules().resolvedOptions().locale);

t.test('ROOT_ORDER is the order localeCompare gives printable ASCII (on a Node of that CLDR, in English)', (t) => {
  const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i));
  t.equal(ROOT_ORDER.length, 95);
  t.same(Array.from(ROOT_ORDER).sort(), [...printable].sort(), 'every printable character once');
  if (process.versions.cldr !== ROOT_ORDER_CLDR || !english) {
    t.comment(`CLDR ${String(process.versions.cldr)}, not ${ROOT_ORDER_CLDR}, or not English: compareText uses localeCompare`);
    t.end();
    return;
  }
  t.equal([...printable].sort((a, b) => a.localeCompare(b)).join(''), ROOT_ORDER);
  t.end();
});

t.test('compareText has the sign of localeCompare', (t) => {
  // Every text of up to two characters against every other, by sorting both ways.
  const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i));
  const short = ['', ...printable, ...printable.flatMap((a) => printable.map((b) => a + b))];
  t.same(
    [...short].sort(compareText),
    [...short].sort((a, b) => a.localeCompare(b)),
    'texts of up to two characters, sorted',
  );
  // Random texts, mostly sharing a start, differing in case, punctuation or length.
  let seed = 12345;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const pieces = ['a', 'A', 'b', 'B', 'z', 'Z', '0', '9', '-', '_', '.', '/', ' ', '`', '~', 'stack', 'Stack', 'docker-', 'é', '’'];
  const text = (): string => Array.from({ length: random(8) }, () => pieces[random(pieces.length)]).join('');
  let differ = 0;
  for (let i = 0; i < 200_000; i++) {
    const start = text();
    const a = start + text();
    const b = (random(3) === 0 ? start.toUpperCase() : start) + text();
    if (sign(compareText(a, b)) !== sign(a.localeCompare(b))) {
      differ++;
      if (differ < 5) t.fail(`${JSON.stringify(a)} against ${JSON.stringify(b)}`);
    }
  }
  t.equal(differ, 0, '200,000 random pairs');
  t.end();
});

t.test('compareFindings: file, line, column, rule, message', (t) => {
  const f = (file: string, line: number, column: number, ruleId: string, message: string): Finding => ({
    ruleId,
    severity: 'error',
    message,
    file,
    line,
    column,
    logical: [],
    fingerprint: '',
  });
  const list = [
    f('b/stack.yml', 1, 1, 'schema', 'x'),
    f('a/Stack.yml', 9, 1, 'schema', 'x'),
    f('a/stack.yml', 2, 5, 'schema', 'x'),
    f('a/stack.yml', 2, 5, 'overlay-mtu', 'x'),
    f('a/stack.yml', 2, 5, 'overlay-mtu', 'W’s'),
    f('a/stack.yml', 2, 5, 'overlay-mtu', 'w’s'),
    f('a/stack.yml', 2, 1, 'schema', 'x'),
  ];
  const slow = (a: Finding, b: Finding): number =>
    (a.file ?? '').localeCompare(b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.message.localeCompare(b.message);
  t.same([...list].sort(compareFindings), [...list].sort(slow));
  t.same(
    [...list].sort(compareFindings).map((x) => `${x.file ?? ''}:${String(x.line)}:${String(x.column)} ${x.ruleId} ${x.message}`),
    [
      'a/stack.yml:2:1 schema x',
      'a/stack.yml:2:5 overlay-mtu w’s',
      'a/stack.yml:2:5 overlay-mtu W’s',
      'a/stack.yml:2:5 overlay-mtu x',
      'a/stack.yml:2:5 schema x',
      'a/Stack.yml:9:1 schema x',
      'b/stack.yml:1:1 schema x',
    ],
  );
  t.end();
});
