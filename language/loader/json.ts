import { LoadError } from './errors.js';
import type { LoadLimits } from './limits.js';
import { LineIndex } from './text.js';
import type { PMap, PScalar, PSeq, PValue } from './yaml.js';

/**
 * A positioned JSON parser for facts documents: the same value tree the YAML reader gives (ranges into the
 * text), without YAML's cost. A saved audit of a large swarm is megabytes of JSON; the YAML parser takes seconds
 * and hundreds of MiB on it, a general JSON AST library about half the memory again. Strings and numbers are
 * decoded by `JSON.parse` on their own token, so escapes and number syntax are exactly the standard's. A key
 * given twice keeps the later value, as `JSON.parse` does.
 */
export function parseJson(text: string, file: string, limits: LoadLimits): PValue {
  let i = 0;
  const n = text.length;
  const fail = (message: string, at = i): never => {
    const pos = new LineIndex(text).position(Math.min(at, n));
    throw new LoadError(message, file, pos.line, pos.column + 1);
  };
  const space = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
  };
  const stringToken = (): PScalar => {
    const start = i;
    i++; // the opening quote
    for (;;) {
      if (i >= n) fail('unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 34) break;
      if (c === 92) i++;
      else if (c < 32) fail('a control character in a string');
      i++;
    }
    i++;
    let value: unknown;
    try {
      value = JSON.parse(text.slice(start, i));
    } catch {
      fail('an invalid escape in a string', start);
    }
    return { kind: 'scalar', value: value as string, range: [start, i], quoted: true };
  };
  const value = (depth: number): PValue => {
    if (depth > limits.maxDepth) fail(`nesting deeper than ${String(limits.maxDepth)} levels`);
    space();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const map: PMap = { kind: 'map', pairs: [], range: [start, start] };
      const seen = new Map<string, number>();
      space();
      if (text[i] === '}') i++;
      else {
        for (;;) {
          space();
          if (text[i] !== '"') fail('expected a key in double quotes');
          const key = stringToken();
          space();
          if (text[i] !== ':') fail('expected `:` after a key');
          i++;
          const v = value(depth + 1);
          const name = String(key.value);
          const earlier = seen.get(name);
          if (earlier !== undefined) map.pairs[earlier] = { key, value: v };
          else {
            seen.set(name, map.pairs.length);
            map.pairs.push({ key, value: v });
          }
          space();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === '}') {
            i++;
            break;
          }
          fail('expected `,` or `}` in an object');
        }
      }
      map.range = [start, i];
      return map;
    }
    if (c === '[') {
      i++;
      const seq: PSeq = { kind: 'seq', items: [], range: [start, start] };
      space();
      if (text[i] === ']') i++;
      else {
        for (;;) {
          seq.items.push(value(depth + 1));
          space();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === ']') {
            i++;
            break;
          }
          fail('expected `,` or `]` in an array');
        }
      }
      seq.range = [start, i];
      return seq;
    }
    if (c === '"') return stringToken();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return { kind: 'scalar', value: v, range: [start, i], quoted: false };
      }
    }
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = i;
    if (m.exec(text)) {
      i = m.lastIndex;
      return { kind: 'scalar', value: Number(text.slice(start, i)), range: [start, i], quoted: false };
    }
    return fail(i >= n ? 'unexpected end of the document' : `unexpected \`${text.charAt(i)}\``);
  };
  const root = value(0);
  space();
  if (i < n) fail('text after the end of the document');
  return root;
}
