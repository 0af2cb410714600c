import t, { type Test } from 'tap';
import fc from 'fast-check';
import { parseJson, readJson, type JsonDocument, type JsonItem } from '../../language/loader/json.js';
import { LoadError } from '../../language/loader/errors.js';
import { defaultLimits } from '../../language/loader/limits.js';
import { toJS, type PValue } from '../../language/loader/yaml.js';

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

// readJson: the facts loader's reader. Its values are JSON.parse's; its ranges must be parseJson's for every object,
// array and list item, and its errors parseJson's.

/** Every range of `p` (parseJson) that readJson gives, compared; the number of ranges compared. */
function sameRanges(t: Test, doc: JsonDocument, p: PValue, j: JsonItem | undefined, text: string): number {
  if (p.kind === 'scalar') return 0;
  if (!j) {
    t.fail(`no item for ${text.slice(...p.range)}`);
    return 0;
  }
  t.same(j.range, p.range, 'the range of an object or array');
  let count = 1;
  if (p.kind === 'map') {
    for (const pair of p.pairs) count += sameRanges(t, doc, pair.value, doc.child(j, String(pair.key.value)), text);
    return count;
  }
  const items = doc.items(j);
  t.equal(items.length, p.items.length);
  p.items.forEach((item, k) => {
    t.same(items[k]?.range, item.range, 'the range of a list item');
    count += 1 + sameRanges(t, doc, item, items[k], text);
  });
  return count;
}

// JSON texts with what the facts reader must get right: keys given twice, keys spelt with escapes, keys JavaScript
// objects order first ("0", "12") or treat apart ("__proto__"), strings holding brackets, quotes and backslashes.
type Tree = { scalar: unknown } | { list: Tree[] } | { pairs: [string, Tree][] };
const { tree } = fc.letrec<{ tree: Tree; scalar: Tree; list: Tree; map: Tree }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small' }, tie('scalar'), tie('list'), tie('map')),
  scalar: fc
    .oneof(
      fc.string({ maxLength: 5 }),
      fc.constantFrom('{', ']', '"', '\\', '\\"', 'a,b:'),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
    )
    .map((scalar) => ({ scalar })),
  list: fc.array(tie('tree'), { maxLength: 4 }).map((list) => ({ list })),
  map: fc
    .array(fc.tuple(fc.constantFrom('a', 'b', '0', '12', '__proto__', 'é', '"'), tie('tree')), { maxLength: 5 })
    .map((pairs) => ({ pairs })),
}));
const jsonText = (v: Tree, ws: string, escape: boolean): string => {
  const key = (k: string): string =>
    escape ? `"\\u${k.charCodeAt(0).toString(16).padStart(4, '0')}${JSON.stringify(k.slice(1)).slice(1)}` : JSON.stringify(k);
  if ('list' in v) return `[${ws}${v.list.map((x) => jsonText(x, ws, escape)).join(`,${ws}`)}${ws}]`;
  if ('pairs' in v) return `{${ws}${v.pairs.map(([k, x]) => `${key(k)}${ws}:${ws}${jsonText(x, ws, escape)}`).join(`,${ws}`)}${ws}}`;
  return JSON.stringify(v.scalar);
};

t.test('readJson: the values of JSON.parse, the ranges of parseJson', (t) => {
  let ranges = 0;
  fc.assert(
    fc.property(tree, fc.constantFrom('', ' ', '\n  ', '\r\n\t'), fc.boolean(), (v, ws, escape) => {
      const text = jsonText(v, ws, escape);
      const doc = readJson(text, 'x.json', defaultLimits);
      t.same(doc.root.value, JSON.parse(text));
      ranges += sameRanges(t, doc, parseJson(text, 'x.json', defaultLimits), doc.root, text);
    }),
    { numRuns: 500, seed: 20261204 },
  );
  t.ok(ranges > 1000, `${String(ranges)} ranges compared`);
  t.end();
});

t.test('readJson: a member that is not an object or array, and a scalar document, have no place', (t) => {
  const doc = readJson('{"a": 1, "b": [2, "x"], "a": {"c": []}}', 'x.json', defaultLimits);
  t.same(doc.child(doc.root, 'a')?.range, [29, 38], 'a key given twice: the later value');
  t.equal(doc.child(doc.root, 'c'), undefined);
  t.same(
    doc.items(doc.child(doc.root, 'b')).map((item) => [item.value, item.range]),
    [
      [2, [15, 16]],
      ['x', [18, 21]],
    ],
  );
  t.same(doc.items(doc.root), [], 'an object has no items');
  const scalar = readJson(' "s" ', 'x.json', defaultLimits);
  t.equal(scalar.root.value, 's');
  t.equal(scalar.child(scalar.root, 'a'), undefined);
  t.end();
});

t.test('readJson: the errors of parseJson, the nesting limit before JSON.parse', (t) => {
  const texts = [
    '{"a": 1,\n "b" 2}',
    '{"a": [1, 2}',
    '{"a": "x',
    '{"a": "\\q"}',
    '{"a": "line\nbreak"}',
    '{"a": 01}',
    '{"a": 1} x',
    '{"a": 1} {}',
    '1 {}',
    '',
    '   ',
    '{"a": x}',
    "{'a': 1}",
    '{"a": 1,}',
    '[1 2]',
    '{"a" 1}',
    '}',
    `${'['.repeat(150)}${']'.repeat(150)}`,
    `${'{"a":'.repeat(101)}1${'}'.repeat(101)}`,
    `[${'['.repeat(99)}1, "x"${']'.repeat(99)}, "${'['.repeat(200)}"]`,
    '['.repeat(2_000_000),
  ];
  for (const text of texts) {
    const expected = (() => {
      try {
        parseJson(text, 'x.json', defaultLimits);
        return 'read';
      } catch (error) {
        return error;
      }
    })();
    try {
      readJson(text, 'x.json', defaultLimits);
      t.equal('read', expected, text.slice(0, 40));
    } catch (error) {
      t.type(error, LoadError);
      t.same(error, expected, text.slice(0, 40));
    }
  }
  t.end();
});

t.test('readJson: a text nested too deep never reaches JSON.parse (V8 takes seconds and a GB on millions of levels)', (t) => {
  const parse = JSON.parse.bind(JSON);
  let calls = 0;
  JSON.parse = ((text: string) => {
    calls++;
    return parse(text) as unknown;
  }) as typeof JSON.parse;
  t.teardown(() => {
    JSON.parse = parse;
  });
  const deep = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
  t.throws(() => readJson(deep, 'x.json', defaultLimits), /nesting deeper than 100 levels/);
  t.equal(calls, 0);
  readJson('[[1]]', 'x.json', defaultLimits);
  t.equal(calls, 1, 'the spy sees JSON.parse');
  t.end();
});
