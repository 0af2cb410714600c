import t from 'tap';
import fc from 'fast-check';
import { parseJson } from '../../language/loader/json.js';
import { LoadError } from '../../language/loader/errors.js';
import { defaultLimits } from '../../language/loader/limits.js';
import { toJS } from '../../language/loader/yaml.js';

const parse = (text: string): unknown => toJS(parseJson(text, 'x.json', defaultLimits));

t.test('values as JSON.parse gives them, with positions', (t) => {
  const text = '{\n  "a": [1, -2.5e3, true, false, null],\n  "s": "\\u00e9\\n\\"x\\"",\n  "o": {}\n}';
  t.same(parse(text), JSON.parse(text));
  const root = parseJson(text, 'x.json', defaultLimits);
  if (root.kind !== 'map') throw new Error('not a map');
  t.same(root.range, [0, text.length]);
  const a = root.pairs[0];
  t.equal(text.slice(a?.key.range[0], a?.key.range[1]), '"a"');
  t.equal(text.slice(a?.value.range[0], a?.value.range[1]), '[1, -2.5e3, true, false, null]');
  t.end();
});

t.test('a key given twice keeps the later value, in the first place', (t) => {
  t.same(parse('{"a": 1, "b": 2, "a": 3}'), { a: 3, b: 2 });
  // Past 16 keys the reader looks keys up in a map instead of the pairs: the same answer.
  const many = `{${Array.from({ length: 20 }, (_, k) => `"k${String(k)}": ${String(k)}`).join(', ')}, "k3": "again", "k19": "last", "k20": 20}`;
  const root = parseJson(many, 'x.json', defaultLimits);
  if (root.kind !== 'map') throw new Error('not a map');
  t.same(
    root.pairs.map((p) => p.key.value),
    Array.from({ length: 21 }, (_, k) => `k${String(k)}`),
    'each key once, in the place it first had',
  );
  t.same(parse(many), JSON.parse(many));
  t.end();
});

t.test('errors name the line and column', (t) => {
  const cases: [string, RegExp, number, number][] = [
    ['{"a": 1,\n "b" 2}', /expected `:`/, 2, 6],
    ['{"a": [1, 2}', /expected `,` or `\]`/, 1, 12],
    ['{"a": "x', /unterminated string/, 1, 7],
    ['{"a": "\\q"}', /invalid escape/, 1, 7],
    ['{"a": "line\nbreak"}', /control character/, 1, 12],
    ['{"a": 01}', /expected `,` or `}`/, 1, 8],
    ['{"a": 1} x', /text after the end/, 1, 10],
    ['', /unexpected end/, 1, 1],
    ['{"a": x}', /unexpected `x`/, 1, 7],
    ["{'a': 1}", /expected a key in double quotes/, 1, 2],
    [`${'['.repeat(150)}${']'.repeat(150)}`, /nesting deeper than 100 levels/, 1, 102],
  ];
  for (const [text, message, line, column] of cases) {
    try {
      parseJson(text, 'x.json', defaultLimits);
      t.fail(`${text} should not parse`);
    } catch (error) {
      t.type(error, LoadError);
      t.match((error as LoadError).message, message, text);
      t.same([(error as LoadError).line, (error as LoadError).column], [line, column], `${text}: position`);
    }
  }
  t.end();
});

t.test('any JSON value: the same as JSON.parse', (t) => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
      const text = JSON.stringify(v, null, 1);
      t.same(parse(text), JSON.parse(text));
    }),
    { numRuns: 300, seed: 20261123 },
  );
  t.end();
});
