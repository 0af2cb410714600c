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
    let escaped = false;
    i++; // the opening quote
    for (;;) {
      if (i >= n) fail('unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        i++;
      } else if (c < 32) fail('a control character in a string');
      i++;
    }
    i++;
    // Without a backslash the text between the quotes is the value; escapes are left to JSON.parse.
    if (!escaped) return { kind: 'scalar', value: text.slice(start + 1, i - 1), range: [start, i], quoted: true };
    let value: unknown;
    try {
      value = JSON.parse(text.slice(start, i));
    } catch {
      fail('an invalid escape in a string', start);
    }
    return { kind: 'scalar', value: value as string, range: [start, i], quoted: true };
  };
  const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const value = (depth: number): PValue => {
    if (depth > limits.maxDepth) fail(`nesting deeper than ${String(limits.maxDepth)} levels`);
    space();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const map: PMap = { kind: 'map', pairs: [], range: [start, start] };
      // Keys seen, for a key given twice: looked up in the pairs while there are few, in a map beyond.
      let seen: Map<string, number> | undefined;
      space();
      if (text.charCodeAt(i) === 125) i++;
      else {
        for (;;) {
          space();
          if (text.charCodeAt(i) !== 34) fail('expected a key in double quotes');
          const key = stringToken();
          space();
          if (text.charCodeAt(i) !== 58) fail('expected `:` after a key');
          i++;
          const v = value(depth + 1);
          const name = key.value as string;
          const pairs = map.pairs;
          let earlier: number | undefined;
          if (seen) earlier = seen.get(name);
          else {
            for (let k = 0; k < pairs.length; k++) if ((pairs[k] as PMap['pairs'][number]).key.value === name) earlier = k;
            if (pairs.length >= 16) seen = new Map(pairs.map((p, k) => [p.key.value as string, k]));
          }
          if (earlier !== undefined) pairs[earlier] = { key, value: v };
          else {
            seen?.set(name, pairs.length);
            pairs.push({ key, value: v });
          }
          space();
          const next = text.charCodeAt(i);
          if (next === 44) {
            i++;
            continue;
          }
          if (next === 125) {
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
      if (text.charCodeAt(i) === 93) i++;
      else {
        for (;;) {
          seq.items.push(value(depth + 1));
          space();
          const next = text.charCodeAt(i);
          if (next === 44) {
            i++;
            continue;
          }
          if (next === 93) {
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
    const word = c === 't' ? 'true' : c === 'f' ? 'false' : c === 'n' ? 'null' : undefined;
    if (word !== undefined && text.startsWith(word, i)) {
      i += word.length;
      return { kind: 'scalar', value: word === 'null' ? null : word === 'true', range: [start, i], quoted: false };
    }
    number.lastIndex = i;
    if (number.exec(text)) {
      i = number.lastIndex;
      return { kind: 'scalar', value: Number(text.slice(start, i)), range: [start, i], quoted: false };
    }
    return fail(i >= n ? 'unexpected end of the document' : `unexpected \`${text.charAt(i)}\``);
  };
  const root = value(0);
  space();
  if (i < n) fail('text after the end of the document');
  return root;
}
