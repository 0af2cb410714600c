// Texts for comparing the YAML reader's fast path (language/loader/yaml-fast.ts) with the full reader: random
// documents in the shapes stack files take, with the comment lines, blank lines, trailing spaces and odd
// indentation that decide where `yaml` ends a node, and edits of real files. Some are valid YAML, some are not, and
// some are valid but outside what the fast path reads; the test needs all three. Deterministic: a seed gives a text.

/** A small deterministic generator (a linear congruential one): tests must give the same texts on every run. */
export function random(seed: number): {
  next: () => number;
  int: (n: number) => number;
  pick: <T>(a: readonly T[]) => T;
  chance: (p: number) => boolean;
} {
  let s = seed >>> 0 || 1;
  const next = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    pick: <T>(a: readonly T[]): T => a[int(a.length)] as T,
    chance: (p: number) => next() < p,
  };
}

// Plain scalars that resolve to every type docker's YAML readers know, and texts that are not plain scalars at
// all (indicators, `: `, ` #`) so that the fast path has to give up on them.
const WORDS = [
  'a',
  'web',
  'nginx:1.25',
  '80:80',
  '1',
  '0',
  '-1',
  '1.5',
  '3.0',
  '1e3',
  '0x1F',
  '0o17',
  '0755',
  '1_000',
  'true',
  'on',
  'y',
  'n',
  'No',
  '~',
  'null',
  '.inf',
  '.5',
  '2024-01-01',
  '2024-01-01 10:00:00',
  'a b',
  'x#y',
  'http://x:8080/p',
  'a:b',
  '-c',
  '--flag=1',
  '${VAR}',
  '${VAR:-d}',
  'é ü',
  '日本',
  'a,b',
  'a]b',
  'a}b',
  'a[0]',
  '{{ x }}',
] as const;
const ODD_WORDS = [
  '<<',
  '=',
  '%x',
  '@x',
  '`x`',
  '!x',
  '&x',
  '*x',
  '|',
  '>',
  '?x',
  ':x',
  '- x',
  '#x',
  "it's",
  '"q"',
  'a  b',
  'x: y',
  'k:',
] as const;
const KEYS = [
  'a',
  'b',
  'services',
  'image',
  'ports',
  'x-common',
  '1',
  'y',
  'true',
  'null',
  '2024-01-01',
  'com.docker.x',
  'a b',
  'k[0]',
  '<<',
  'a#b',
  'a"b',
] as const;
const ODD_KEYS = ['-k', "'q'", '"d"', '"<<"', '~', '? k', '&a k', '[k]'] as const;
const ESCAPES = [
  '\\n',
  '\\t',
  '\\"',
  '\\\\',
  '\\x41',
  '\\u00e9',
  '\\U0001F600',
  '\\/',
  '\\ ',
  '\\0',
  '\\N',
  '\\q',
  '\\u12',
  '\\ud800',
] as const;

/**
 * A random document. `odd` mixes in what the fast path must give up on (indicators where a plain scalar would be,
 * block scalar headers it does not read, trailing commas, document markers, directives).
 */
export function yamlVariant(seed: number, odd: boolean): string {
  const r = random(seed);
  const { int, pick, chance } = r;
  const anchors: string[] = [];
  const word = (): string => (odd && chance(0.1) ? pick(ODD_WORDS) : pick(WORDS));
  const key = (): string => (odd && chance(0.1) ? pick(ODD_KEYS) : pick(KEYS));
  function scalar(): string {
    const x = r.next();
    if (x < 0.55) return word();
    if (x < 0.75) return `'${word().replace(/'/g, "''")}'`;
    const escape = chance(0.5) ? pick(ESCAPES) : '';
    return `"${word().replace(/["\\]/g, '')}${odd || escape.length < 3 ? escape : ''}"`;
  }
  function flow(depth: number): string {
    if (depth > 2 || chance(0.3)) return scalar();
    const sp = (): string => (chance(0.3) ? ' ' : '');
    if (chance(0.5)) {
      const items: string[] = [];
      for (let i = int(4); i > 0; i--) items.push(chance(0.1) && anchors.length > 0 ? `*${pick(anchors)}` : flow(depth + 1));
      return `[${sp()}${items.join(chance(0.8) ? ', ' : ',')}${odd && chance(0.1) ? ',' : ''}${sp()}]`;
    }
    const items: string[] = [];
    for (let i = int(3); i > 0; i--) items.push(`${key()}:${!odd || chance(0.9) ? ' ' : ''}${flow(depth + 1)}`);
    return `{${sp()}${items.join(', ')}${sp()}}`;
  }
  function blockScalar(indent: number): string {
    const header = `${pick(['|', '>'])}${pick(odd ? ['', '', '-', '+', '2', '-1', 'x'] : ['', '', '-', '+'])}`;
    let out = `${header}${chance(0.2) ? '  # header' : ''}\n`;
    const n = indent + pick([1, 2, 2, 4]);
    for (let i = 1 + int(5); i > 0; i--) {
      const x = r.next();
      if (x < 0.15) out += '\n';
      else if (x < 0.25) out += `${' '.repeat(int(n + 3))}\n`;
      else if (x < 0.35) out += `${' '.repeat(n + 1 + int(3))}${word()}\n`;
      else if (x < 0.4) out += `${' '.repeat(n)}# not a comment\n`;
      else out += `${' '.repeat(n)}${word()}${chance(0.1) ? '  ' : ''}\n`;
    }
    if (chance(0.3)) out += '\n';
    if (chance(0.2)) out += `${' '.repeat(int(n + 2))}\n`;
    return out;
  }
  /** Blank lines, lines of spaces and comment lines at any indentation: where `yaml` ends nodes depends on them. */
  function gap(indent: number): string {
    let out = '';
    while (chance(0.25)) {
      const x = r.next();
      if (x < 0.3) out += '\n';
      else if (x < 0.4) out += `${' '.repeat(int(6))}\n`;
      else out += `${' '.repeat(Math.max(0, indent + int(7) - 3))}#${chance(0.5) ? ' c' : ''}${chance(0.2) ? '  ' : ''}\n`;
    }
    return out;
  }
  function trailing(): string {
    const x = r.next();
    if (x < 0.15) return '  ';
    if (x < 0.3) return ' # t';
    if (odd && x < 0.33) return '#t';
    return '';
  }
  /** A double-quoted scalar over several lines, its later lines at any indentation (too shallow is an error). */
  function multiLine(indent: number): string {
    let out = `"${word().replace(/["\\]/g, '')}${chance(0.3) ? '  ' : ''}`;
    for (let i = 1 + int(3); i > 0; i--) {
      out += chance(0.3) ? `\n${chance(0.5) ? '   ' : ''}` : '';
      out += `\n${' '.repeat(Math.max(0, indent + pick([0, 1, 1, 2, 4]) - (odd ? int(2) : 0)))}${word().replace(/["\\]/g, '')}`;
      if (odd && chance(0.1)) out += '\\';
    }
    return `${out}${chance(0.2) ? '\n  ' : ''}"`;
  }
  function value(indent: number, depth: number, inSeq: boolean): string {
    const x = r.next();
    let anchor = '';
    if (chance(0.08)) {
      const name = pick(['x', 'y', 'common', 'a-1']);
      anchor = ` &${name}`;
      anchors.push(name);
    }
    if (depth > 4 || x < 0.35) return `${anchor} ${chance(0.1) ? multiLine(indent) : scalar()}${trailing()}\n`;
    if (x < 0.45) return `${anchor} ${flow(0)}${trailing()}\n`;
    if (x < 0.5 && anchors.length > 0) return `${odd ? anchor : ''} *${pick(anchors)}${trailing()}\n`;
    if (x < 0.6) return `${anchor} ${blockScalar(indent)}`;
    if (x < 0.67) return `${anchor}${chance(0.3) ? ' # c' : ''}\n`;
    const child = indent + pick([1, 2, 2, 2, 4]);
    let head = `${anchor}${chance(0.15) ? ' # c' : ''}\n${gap(child)}`;
    if (!anchor && chance(0.15)) {
      // The anchor alone on the line below its key.
      const name = pick(['x', 'y', 'common']);
      anchors.push(name);
      const after = pick(odd ? ['', '', ' # c', '  ', '#c', ' v'] : ['', '', ' # c', '  ']);
      head = `${chance(0.2) ? ' # c' : ''}\n${' '.repeat(indent + pick([0, 1, 2, 3]))}&${name}${after}\n${gap(child)}`;
    }
    if (chance(0.5)) return head + map(child, depth + 1, true);
    return head + seq(chance(0.3) && !inSeq ? indent : child, depth + 1);
  }
  function map(indent: number, depth: number, first: boolean): string {
    let out = '';
    for (let i = 1 + int(4); i > 0; i--) {
      const pad = out === '' && !first ? '' : ' '.repeat(indent);
      out += `${pad}${key()}${chance(0.03) ? ' ' : ''}:${value(indent, depth, false)}${gap(indent)}`;
    }
    return out;
  }
  function seq(indent: number, depth: number): string {
    let out = '';
    for (let i = 1 + int(4); i > 0; i--) {
      out += `${' '.repeat(indent)}-`;
      if (chance(0.3) && depth < 5) {
        const sp = pick([1, 1, 1, 3]);
        out += ' '.repeat(sp) + map(indent + 1 + sp, depth + 1, false);
      } else out += value(indent, depth, true);
      out += gap(indent);
    }
    return out;
  }
  const markers = odd
    ? ['', '', '', '---\n', '--- # c\n', '---  \n', '--- x\n', '...\n', '%YAML 1.1\n---\n']
    : ['', '', '', '---\n', '--- # c\n'];
  let text = gap(0) + pick(markers) + gap(0) + map(0, 0, true);
  if (odd && chance(0.05)) text += pick(['---\n', '...\n', '---\na: 1\n', '--- \n']);
  if (chance(0.2)) text = text.replace(/\n$/, '');
  // Windows line breaks, in the whole text or in some lines.
  if (chance(0.15)) text = text.replace(/\n/g, '\r\n');
  else if (chance(0.05)) text = text.replace(/\n(?=[ #-])/g, '\r\n');
  return text;
}

const EDITS = [
  ' ',
  '\n',
  '#',
  ' #',
  ':',
  ': ',
  '-',
  '- ',
  '  ',
  '"',
  "'",
  '[',
  ']',
  '{',
  '}',
  ',',
  '&a ',
  '*a',
  '|',
  '>',
  '|-\n',
  '?',
  '\n  ',
  '\n#c\n',
  '\n   # c\n',
  '\n\n',
  'x',
  '1',
  '<<: *a\n',
  '\\',
  '%',
  '!',
  '@',
  '`',
  '\t',
  '\r',
] as const;

/** `text` with one to three random edits: an insertion, a deletion, or a line indented more or less. */
export function editedVariant(text: string, seed: number): string {
  const { int, pick, next } = random(seed);
  let out = text;
  for (let e = 1 + int(3); e > 0; e--) {
    const p = int(out.length + 1);
    const x = next();
    if (x < 0.5) out = out.slice(0, p) + pick(EDITS) + out.slice(p);
    else if (x < 0.75) out = out.slice(0, p) + out.slice(p + 1 + int(4));
    else {
      const lineStart = out.lastIndexOf('\n', p - 1) + 1;
      const rest = out.slice(lineStart);
      out = out.slice(0, lineStart) + (next() < 0.5 ? ' '.repeat(1 + int(3)) + rest : rest.replace(/^ {1,2}/, ''));
    }
  }
  return out;
}
