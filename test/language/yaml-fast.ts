// The YAML reader's fast path (language/loader/yaml-fast.ts) against the full reader (`yaml`'s parser and composer,
// then the converter): whenever the fast path reads a text, what it gives must be exactly what the full reader
// gives (values, flags, every range, comments, non-string and duplicate keys, the nodes aliases share); whenever
// the full reader fails, the fast path must give up. Compared on hand-picked texts, on every YAML file in the
// repository, on random documents and on random edits of those files.
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadError } from '../../language/loader/errors.js';
import { defaultLimits } from '../../language/loader/limits.js';
import { parseYaml, parseYamlFully, type ParsedYaml, type YamlDialect } from '../../language/loader/yaml.js';
import { fastParseYaml } from '../../language/loader/yaml-fast.js';
import { editedVariant, yamlVariant } from '../helpers/yaml-variants.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A ParsedYaml as text: every field, NaN and infinities spelled out, and a node met again written as a reference. */
function canonical(parsed: ParsedYaml): string {
  const ids = new Map<object, number>();
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
    if (Array.isArray(v)) return v.map(walk);
    const known = ids.get(v);
    const kind = (v as { kind?: string }).kind;
    if (known !== undefined && (kind === 'map' || kind === 'seq')) return { ref: known };
    if (known === undefined) ids.set(v, ids.size);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
  };
  return JSON.stringify(walk(parsed));
}

type Outcome = { fast: false } | { fast: true; same: boolean; full: string; got: string };

/** What a reader gives for a text: its result as text, or its error with the place it names. */
function outcome(read: () => ParsedYaml | undefined): string | undefined {
  try {
    const parsed = read();
    return parsed && canonical(parsed);
  } catch (e) {
    const { message, file, line, column } = e as LoadError;
    return `error: ${message} at ${file}:${String(line)}:${String(column)}`;
  }
}

function compare(text: string, dialect: YamlDialect = 'v3', offset = 0): Outcome {
  const got = outcome(() => fastParseYaml(text, 'x.yml', offset, defaultLimits, dialect));
  if (got === undefined) return { fast: false };
  const full = outcome(() => parseYamlFully(text, 'x.yml', offset, defaultLimits, dialect)) ?? '';
  return { fast: true, same: got === full, full, got };
}

/** Where two canonical texts first differ, with some context: enough to see which range or value. */
function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `full: …${a.slice(Math.max(0, i - 120), i + 80)}\nfast: …${b.slice(Math.max(0, i - 120), i + 80)}`;
}

// Texts the fast path reads, each chosen for a rule of where `yaml` ends a node or what it makes of a value.
const READ: [string, string][] = [
  ['plain values of every type', 'a: 1\nb: 0x1F\nc: 0755\nd: 1.5\ne: 3.0\nf: on\ng: ~\nh: 2024-01-01\ni: .inf\nj: -1\nk: 1_000\n'],
  ['a comment deeper than the mapping stays with the value before it', 'a: 1\n  # deeper\nb: 2\n'],
  ['...also after blank lines, and ends the mapping at the end of the text', 'a:\n  b: 1\n\n      # deep\n\n'],
  ['a comment at the mapping column goes to the next key', 'a:\n  b: 1\n  # same\nc: 2\n'],
  ['a nested mapping keeps a trailing comment at its own column', 'x:\n  a:\n    b: 1\n   # c3\n'],
  ['...and gives a shallower one to the mapping around it', 'x:\n  a:\n    b: 1\n # c1\n'],
  ['trailing spaces and a comment after a value', 'a: 1   # hi  \nb: "x"  \n'],
  ['empty values', 'a:\nb: \nc:\n'],
  ['an empty value followed by a comment', 'a:\n  b:\n  # c\nd: 1\n'],
  ['an empty value with a comment on its line, last in its mapping', 'a:\n  b: # c\nd: 1\n'],
  ['an empty sequence item after a comment line', 'b:\n- w\n# c\n-\ny:\n'],
  ['a sequence at its key column', 'a:\n- x\n- y\nb: 1\n'],
  ['mappings in a sequence', 'a:\n  - b: 1\n    c: 2\n\n  - d\n  -   e: 3\n      f: 4\n'],
  ['quoted scalars and escapes', `a: 'it''s'\nb: "tab\\there \\u00e9 \\x41 \\U0001F600 \\\\ \\""\n"c d": 'e'\n`],
  ['flow collections', 'k: [1, "2", {x: y}]  # c\nj: {}\nl: [ ]\nm: [8200:8200, a:b]\n'],
  ['block scalars', 'a: |\n  l1\n  l2\n\nb: >-\n  l1\n  l2\n\n   x\n  y\n\nc: |+\n  keep\n\nd: |  # header\n  t\n  # not a comment\n'],
  ['anchors, aliases and merge keys', 'x: &x\n  k: v\ny: *x\nz:\n  <<: *x\n  k: w\n  j: 1\nw:\n  <<: [*x, {m: 1}]\n'],
  ['an anchor alone on the line below its key', 'x:\n  &d\n  a: 1\ny:\n  <<: *d\n'],
  ['the last anchor of a name before the alias, in document order', 'a: &y\n  b: &y 1\n  c: 2\nd: *y\n'],
  ['non-string and duplicate keys', '1: a\ny: b\nk: 1\nk: 2\n<<: {q: 1}\n'],
  ['a second merge key, with duplicates in what it merges', 'a: 1\n<<: {q: 1}\nb: 2\n<<: {r: 1, r: 2, 3: x}\na: 3\n'],
  ['many keys', `m:\n${Array.from({ length: 3000 }, (_, i) => `  k${String(i % 2500)}: ${String(i)}\n`).join('')}`],
  ['a space before a key’s colon', 'a : 1\n"b"  : 2\n<< : {c: 3}\n'],
  ['a document start marker', '# top\n--- # start\na: 1\n'],
  ['no newline at the end', 'a:\n  - b\n  # c'],
  ['an error: bad indentation', 'a:\n   b: 1\n  c: 2\n'],
  ['an error: a key less deep than the value before it', 'a:\n  b:\n      c: 1\n    d: 2\ne: 1\n'],
  ['...after comment lines the value keeps', 'a:\n  b:\n      c: 1\n        # c\n    d: 2\n'],
  ['...in a mapping in a sequence', 's:\n  - a:\n        c: 1\n      d: 2\n'],
  ['an error: an unknown alias, once the whole text is read', 'a: *x\nb: &x 1\nc: [*y, *.$D]\n'],
  ['a double-quoted scalar over several lines', 'a: "x  \n   y\n\n   z  "\nb:\n  - "p\n   q \\u00e9"\n  - k: "r\n     s"\n'],
  ['Windows line breaks', 'a: 1 # c\r\nb:\r\n  - x  \r\n  # d\r\n\r\nc:\r\n  e:\r\n  # f\r\ng: "q"\r\n'],
];

// Texts the fast path must leave to the full reader: errors, and YAML it does not read.
const GIVE_UP: [string, string][] = [
  ['a merge of an alias to a sequence (an error)', 'a: &a\n  - {b: 1}\nc:\n  <<: *a\n'],
  ['an alias to its own anchor', 'a: &a\n  b: *a\n'],
  ['an unknown alias that a merge key names', 'a:\n  <<: *b\n'],
  ['an unknown alias before an error the fast path does not read', 'a: *b\nc: !!int x\n'],
  ['an anchor on an alias', 'a: &x 1\nb: &y *x\n'],
  ['a multi-line plain scalar', 'a: b\n  c\n'],
  ['a multi-line single-quoted scalar', "a: 'b\n  c'\n"],
  ['a double-quoted scalar whose later line is not deep enough (an error)', 'a:\n  - "x\n  y"\n'],
  ['a multi-line double-quoted key', '"a\n  b": c\n'],
  ['an escaped line break in a double-quoted scalar', 'a: "b\\\n  c"\n'],
  ['a value on the line below its key', 'a:\n  b\n'],
  ['a sequence item less deep than the one before it', 'a:\n    - b\n  - c\n'],
  ['a nested mapping on a key line', 'a: b: c\n'],
  ['a comment without a space before it', 'a: "b"#c\n'],
  ['tags', 'a: !!str 1\n'],
  ['an explicit block scalar indentation', 'a: |2\n   x\n'],
  ['tabs', 'a:\n\tb: 1\n'],
  ['a carriage return alone', 'a: 1\rb: 2\n'],
  ['a block scalar with Windows line breaks', 'a: |\r\n  b\r\n'],
  ['two documents', 'a: 1\n---\nb: 2\n'],
  ['a directive', '%YAML 1.2\n---\na: 1\n'],
  ['a sequence at the root', '- a\n'],
  ['an empty document', '# nothing\n'],
  ['a trailing comma in a flow sequence', 'a: [1, 2, ]\n'],
  ['a long key', `${'k'.repeat(1100)}: 1\n`],
  ['nesting past the limit', `${Array.from({ length: 102 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')} 1\n`],
];

t.test('hand-picked texts: read, and the same as the full reader', (t) => {
  for (const [name, text] of READ) {
    for (const dialect of ['v3', 'v2'] as const) {
      const r = compare(text, dialect);
      t.ok(r.fast, `${name} (${dialect}): read by the fast path`);
      if (r.fast) t.ok(r.same, `${name} (${dialect}): the same\n${r.same ? '' : firstDifference(r.full, r.got)}`);
      if (r.fast && name.startsWith('an error')) t.match(r.got, /^error: /, `${name}: an error`);
    }
  }
  t.end();
});

t.test('hand-picked texts: left to the full reader', (t) => {
  for (const [name, text] of GIVE_UP) t.notOk(compare(text).fast, name);
  t.end();
});

t.test('an offset moves every range, as in a merge set', (t) => {
  const r = compare('a: 1 # c\nb:\n  - x\n', 'v3', 1000);
  t.ok(r.fast && r.same);
  t.match(fastParseYaml('a: 1\n', 'x.yml', 1000, defaultLimits, 'v3')?.root?.range, [1000, 1005]);
  t.end();
});

t.test('parseYaml gives the full reader’s errors, with their place', (t) => {
  t.throws(() => parseYaml('a:\n   b: 1\n  c: 2\n', 'x.yml', 0, defaultLimits), { message: /same column/, line: 3, column: 1 });
  t.throws(() => parseYaml('a: &a\n  - {b: 1}\nc:\n  <<: *a\n', 'x.yml', 0, defaultLimits), /merge key needs a mapping/);
  t.end();
});

/** Every YAML file in the repository (fixtures, examples, tests), by path. */
function repositoryYaml(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name)) out.push(path);
    }
  };
  for (const dir of ['fixtures', 'examples', 'test']) walk(join(ROOT, dir));
  return out.sort();
}

const FILES = repositoryYaml();

t.test('every YAML file in the repository', (t) => {
  let read = 0;
  for (const file of FILES) {
    const text = readFileSync(file, 'utf8');
    for (const dialect of ['v3', 'v2'] as const) {
      const r = compare(text, dialect);
      if (!r.fast) continue;
      read++;
      if (!r.same) t.fail(`${file} (${dialect})\n${firstDifference(r.full, r.got)}`);
    }
  }
  // The public stack files of fixtures/corpus and the examples are what the fast path is for.
  t.ok(read >= FILES.length, `read ${String(read)} of ${String(2 * FILES.length)}`);
  t.ok(compare(readFileSync(join(ROOT, 'examples/docker-stack.yml'), 'utf8')).fast, 'examples/docker-stack.yml is read by the fast path');
  t.end();
});

t.test('random documents', (t) => {
  let read = 0;
  let differ = 0;
  const N = 4000;
  for (let seed = 1; seed <= N; seed++) {
    const text = yamlVariant(seed, seed % 3 === 0);
    const r = compare(text, seed % 2 === 0 ? 'v3' : 'v2');
    if (!r.fast) continue;
    read++;
    if (!r.same && differ++ < 3) t.fail(`seed ${String(seed)}: ${JSON.stringify(text)}\n${firstDifference(r.full, r.got)}`);
  }
  t.equal(differ, 0, 'no document read differently');
  // Enough of them are read for the comparison to mean something (about 30 % in this generator).
  t.ok(read > N / 5, `read ${String(read)} of ${String(N)}`);
  t.end();
});

t.test('random edits of the repository’s YAML files', (t) => {
  const texts = FILES.map((f) => readFileSync(f, 'utf8'));
  let read = 0;
  let differ = 0;
  const N = 3000;
  for (let seed = 1; seed <= N; seed++) {
    const text = editedVariant(texts[seed % texts.length] ?? '', seed);
    const r = compare(text, seed % 2 === 0 ? 'v3' : 'v2');
    if (!r.fast) continue;
    read++;
    if (!r.same && differ++ < 3) t.fail(`seed ${String(seed)}: ${JSON.stringify(text).slice(0, 2000)}\n${firstDifference(r.full, r.got)}`);
  }
  t.equal(differ, 0, 'no edited file read differently');
  t.ok(read > N / 10, `read ${String(read)} of ${String(N)}`);
  t.end();
});
