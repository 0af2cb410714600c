import { LoadError } from './errors.js';
import type { LoadLimits } from './limits.js';
import { LineIndex } from './text.js';
import type { PMap, PScalar, PSeq, PValue } from './yaml.js';
import type { Range } from '../model.js';

/**
 * A positioned JSON parser: the same value tree the YAML reader gives (ranges into the text, for every value and
 * key), without YAML's cost. Strings and numbers are decoded by `JSON.parse` on their own token, so escapes and
 * number syntax are exactly the standard's. A key given twice keeps the later value, as `JSON.parse` does. The
 * facts loader reads with `readJson` (below), about a third of the cost, and comes here only for the error
 * (with its line and column) of a text that is not JSON or nests too deep.
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

/** A value of a JSON document, as `JSON.parse` gives it, with where it was written when it is an object or array. */
export interface JsonItem {
  value: unknown;
  /** Where the value was written (offsets into the text, end exclusive); a scalar document: the whole text. */
  range: Range;
  /** Where the value's tape starts, -1 for a scalar. */
  place: number;
}

// The tape of a scan, numbers in the order of the text. An object or array is a header, MARK start end next (next:
// the index past its tape), then its body. An object's body: for each member whose value is an object or array,
// keyStart keyEnd and that value's tape (members with scalar values are not there). An array's body: each item,
// an object or array as its tape, a scalar as start end. Offsets are never negative, so the marks are.
const OBJECT = -1;
const ARRAY = -2;

/**
 * A JSON document as the facts loader reads it: the values exactly as `JSON.parse` gives them, and where each
 * object, array and list item was written, looked up when asked for. Nothing else is positioned: a finding
 * about a facts document points at an object or a list item, never at a key or a single field.
 */
export class JsonDocument {
  readonly root: JsonItem;
  readonly #text: string;
  readonly #tape: Int32Array;

  constructor(text: string, value: unknown, tape: Int32Array) {
    this.#text = text;
    this.#tape = tape;
    this.root = tape.length > 0 ? this.#item(value, 0) : { value, range: [0, text.length], place: -1 };
  }

  /** Member `key` of an object, when its value is an object or array. */
  child(of: JsonItem | undefined, key: string): JsonItem | undefined {
    const object = of?.value;
    if (typeof object !== 'object' || object === null || Array.isArray(object) || !Object.hasOwn(object, key)) return undefined;
    const value = (object as Record<string, unknown>)[key];
    if (typeof value !== 'object' || value === null) return undefined;
    const tape = this.#tape;
    const place = of?.place ?? -1;
    if (tape[place] !== OBJECT) return undefined;
    // A key given twice: JSON.parse keeps the later value, so the later place is the one.
    let found = -1;
    for (let k = place + 4, end = tape[place + 3] as number; k < end; k = tape[k + 5] as number) {
      if (this.#keyIs(tape[k] as number, tape[k + 1] as number, key)) found = k + 2;
    }
    return found < 0 ? undefined : this.#item(value, found);
  }

  /** The items of an array, each with where it was written; none when `of` is not an array. */
  items(of: JsonItem | undefined): JsonItem[] {
    const array = of?.value;
    const tape = this.#tape;
    if (!Array.isArray(array) || of === undefined || tape[of.place] !== ARRAY) return [];
    const out: JsonItem[] = [];
    for (let k = of.place + 4, end = tape[of.place + 3] as number; k < end;) {
      const value: unknown = array[out.length];
      if ((tape[k] as number) < 0) {
        out.push(this.#item(value, k));
        k = tape[k + 3] as number;
      } else {
        out.push({ value, range: [tape[k] as number, tape[k + 1] as number], place: -1 });
        k += 2;
      }
    }
    return out;
  }

  #item(value: unknown, place: number): JsonItem {
    return { value, range: [this.#tape[place + 1] as number, this.#tape[place + 2] as number], place };
  }

  /** Is the key written between k0 and k1 (its quotes included) `key`? */
  #keyIs(k0: number, k1: number, key: string): boolean {
    const text = this.#text;
    // As long as the key: the same characters (a backslash in a key is written as two).
    if (k1 - k0 - 2 === key.length) return text.startsWith(key, k0 + 1) && !key.includes('\\');
    // Longer: escapes may spell it.
    if (k1 - k0 - 2 < key.length) return false;
    for (let i = k0 + 1; i < k1 - 1; i++) if (text.charCodeAt(i) === 92) return JSON.parse(text.slice(k0, k1)) === key;
    return false;
  }
}

/**
 * Reads a JSON text for the facts loader, at a fraction of `parseJson`'s cost: `JSON.parse` decodes the values,
 * and a scan (one pass, no object per value) records where objects, arrays, list items and the keys of members
 * holding objects or arrays were written. A text the scan or `JSON.parse` turns down goes to `parseJson`, so the
 * errors, with their line and column, are exactly its own; the nesting limit is checked before `JSON.parse` runs.
 */
export function readJson(text: string, file: string, limits: LoadLimits): JsonDocument {
  const tape = scan(text, limits.maxDepth);
  if (tape) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return fail(text, file, limits);
    }
    return new JsonDocument(text, value, tape);
  }
  return fail(text, file, limits);
}

function fail(text: string, file: string, limits: LoadLimits): never {
  parseJson(text, file, limits);
  throw new Error(`${file}: JSON that parseJson reads was turned down`);
}

/**
 * The tape of a JSON text (empty for a lone scalar), or undefined when the scan sees it is not JSON (it checks
 * brackets and where strings end; JSON.parse checks the rest) or nests deeper than `maxDepth`, as `parseJson`
 * counts: a value inside more than `maxDepth` objects and arrays.
 */
function scan(text: string, maxDepth: number): Int32Array | undefined {
  const n = text.length;
  let tape = new Int32Array(1024);
  let t = 0; // the tape's length
  const open = new Int32Array(maxDepth + 2); // the headers of the objects and arrays not closed yet
  let depth = 0; // how many are open
  let inArray = false; // is the innermost open one an array
  let item = false; // inside an array, before an item's first character
  let scalarItem = -1; // inside an array, the start of the scalar item being read
  let lastEnd = 0; // past the last character of the last value or key
  let key0 = -1; // the last string read (a key, when an object or array follows it)
  let i = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    // Whitespace; other characters below a space are outside strings only in a text JSON.parse turns down.
    if (c <= 32) continue;
    if (c === 93 || c === 125) {
      // ] or }
      if (depth === 0) return undefined;
      if (t + 2 > tape.length) tape = grow(tape);
      const header = open[--depth] as number;
      if ((c === 93) !== (tape[header] === ARRAY)) return undefined;
      if (scalarItem >= 0) {
        tape[t++] = scalarItem;
        tape[t++] = lastEnd;
      }
      scalarItem = -1;
      item = false;
      tape[header + 2] = i + 1;
      tape[header + 3] = t;
      lastEnd = i + 1;
      if (depth === 0) break; // the root object or array
      inArray = tape[open[depth - 1] as number] === ARRAY;
      continue;
    }
    if (c === 44) {
      // ,
      if (inArray) {
        if (t + 2 > tape.length) tape = grow(tape);
        if (scalarItem >= 0) {
          tape[t++] = scalarItem;
          tape[t++] = lastEnd;
        }
        scalarItem = -1;
        item = true;
      }
      continue;
    }
    if (c === 58) continue; // :
    // A value starts here (or, in an object, a key).
    if (depth > maxDepth) return undefined;
    if (c === 123 || c === 91) {
      // { or [
      if (t + 6 > tape.length) tape = grow(tape);
      if (!inArray && depth > 0) {
        tape[t++] = key0;
        tape[t++] = lastEnd;
      }
      open[depth++] = t;
      tape[t++] = c === 91 ? ARRAY : OBJECT;
      tape[t++] = i;
      tape[t++] = 0;
      tape[t++] = 0;
      inArray = c === 91;
      item = inArray;
      continue;
    }
    if (item) {
      scalarItem = i;
      item = false;
    }
    if (c === 34) {
      // A string: to the next double quote after an even number of backslashes.
      let q = i;
      for (;;) {
        q = text.indexOf('"', q + 1);
        if (q === -1) return undefined;
        let k = q - 1;
        while (text.charCodeAt(k) === 92) k--;
        if ((q - 1 - k) % 2 === 0) break;
      }
      key0 = i;
      i = q;
    } else {
      // A number or a word, to the next whitespace or punctuation; JSON.parse checks its characters.
      for (let d = text.charCodeAt(i + 1); d > 32 && d !== 44 && d !== 93 && d !== 125 && d !== 58; d = text.charCodeAt(i + 1)) i++;
    }
    lastEnd = i + 1;
  }
  if (depth > 0) return undefined;
  // After the root object or array, only whitespace. (A scalar alone leaves no tape: JSON.parse checks it.)
  for (i++; i < n; i++) if (text.charCodeAt(i) > 32) return undefined;
  return tape.subarray(0, t);
}

/** A tape twice as long, with what it holds. */
function grow(tape: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(tape.length * 2);
  bigger.set(tape);
  return bigger;
}
