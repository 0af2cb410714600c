// Shared by the YAML reader (yaml.ts) and its fast path (yaml-fast.ts): how docker's YAML libraries read a plain
// scalar, how a mapping's pairs are kept, and how many nodes an alias adds.
import type { PPair, PScalar, PValue } from './yaml.js';

/**
 * Which YAML library docker/cli reads stack files with: gopkg.in/yaml.v2 up to docker 27.x, gopkg.in/yaml.v3 from
 * 28.0. Both resolve plain scalars with Go's own rules (`resolvePlain`), not those of a YAML spec: v2 takes
 * `y`/`yes`/`on`/`off`/`n`/`no` as booleans, v3 only `true`/`false`; both read `0755` as octal, `0b101`, `0x1F`,
 * `0o17` and `1_000` as integers, `.` as text, timestamps and sexagesimal numbers as text. Duplicate keys (and a
 * repeated `<<`) are errors in v3; v2 keeps the last.
 */
export type YamlDialect = 'v2' | 'v3';

const RESOLVE_COMMON: Record<string, string | number | boolean | null> = {
  true: true,
  True: true,
  TRUE: true,
  false: false,
  False: false,
  FALSE: false,
  '': null,
  '~': null,
  null: null,
  Null: null,
  NULL: null,
  '.nan': NaN,
  '.NaN': NaN,
  '.NAN': NaN,
  '.inf': Infinity,
  '.Inf': Infinity,
  '.INF': Infinity,
  '+.inf': Infinity,
  '+.Inf': Infinity,
  '+.INF': Infinity,
  '-.inf': -Infinity,
  '-.Inf': -Infinity,
  '-.INF': -Infinity,
};
const RESOLVE_V2: Record<string, string | number | boolean | null> = {
  ...RESOLVE_COMMON,
  ...Object.fromEntries(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON'].map((k) => [k, true])),
  ...Object.fromEntries(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'].map((k) => [k, false])),
};
export /** The first characters of the special values of both tables, of numbers (digits apart) and of the empty text. */
const SPECIAL_STARTS = new Set(
  'tTfFnNyYoO~.+-'
    .split('')
    .map((c) => c.charCodeAt(0))
    .concat([Number.NaN]),
);
export const TAGGED = new Set(['str', 'int', 'float', 'bool', 'null'].map((t) => `tag:yaml.org,2002:${t}`));
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Go's strconv.ParseInt(s, 0, 64), falling back to ParseUint: undefined when Go refuses it. */
export function goParseInt(s: string): number | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const digits = m[2] ?? '';
  const magnitude = /^0[0-7]+$/.test(digits) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  const v = m[1] === '-' ? -magnitude : magnitude;
  if (v < INT64_MIN || v > UINT64_MAX || (m[1] === '-' && v > INT64_MAX)) return undefined;
  return Number(v);
}

/** yaml.v3's parseTimestamp: four digits and a dash, then one of its layouts. */
export function isGoTimestamp(text: string): boolean {
  const c = text.charCodeAt(0);
  if (!(c >= 48 && c <= 57)) return false;
  return /^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]| )\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d+)?(?:Z|[-+]\d{2}:\d{2})?)?$/.test(text);
}

/** How yaml.v2 / yaml.v3 (resolve.go) read a plain, untagged scalar. */
export function resolvePlain(text: string, dialect: YamlDialect): string | number | boolean | null {
  // Most plain scalars are words: one that starts with a character no special value starts with is text.
  const c0 = text.charCodeAt(0);
  if (!(c0 >= 48 && c0 <= 57) && !SPECIAL_STARTS.has(c0)) return text;
  const table = dialect === 'v2' ? RESOLVE_V2 : RESOLVE_COMMON;
  if (Object.hasOwn(table, text)) return table[text] ?? null;
  const c = text[0] ?? '';
  if (c === '.') return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) ? Number(text) : text;
  if (!/[-+0-9]/.test(c)) return text;
  // Timestamps: yaml.v2 and v3 resolve them, but keep the text when decoding into interface{} (docker's case).
  const plain = text.replace(/_/g, '');
  const int = goParseInt(plain);
  if (int !== undefined) return int;
  if (YAML_STYLE_FLOAT.test(plain)) return Number(plain);
  const bin = /^(-?)0b([01]+)$/.exec(plain);
  if (bin) return Number(BigInt(`0b${bin[2] ?? ''}`)) * (bin[1] ? -1 : 1);
  if (dialect === 'v3') {
    const oct = /^(-?)0o([0-7]+)$/.exec(plain);
    if (oct) return Number(BigInt(`0o${oct[2] ?? ''}`)) * (oct[1] ? -1 : 1);
  }
  return text;
}

/**
 * The flags a scalar's PScalar carries besides its value: `float` for a number docker cannot decode as an integer,
 * `timestamp` for a plain scalar yaml.v3 reads as a time. `source` is the scalar as written.
 */
export function scalarFlags(
  out: { value: string | number | boolean | null; float?: true; timestamp?: true },
  source: string,
  plain: boolean,
  floatTag: boolean,
  dialect: YamlDialect,
): void {
  if (typeof out.value === 'number' && (floatTag || goParseInt(source.replace(/_/g, '')) === undefined)) out.float = true;
  if (dialect === 'v3' && plain && isGoTimestamp(source)) out.timestamp = true;
}

/** Expanded size of a (possibly shared) subtree, memoised in `sizes`, so that measuring stays linear. */
export function expandedSize(v: PValue, sizes: WeakMap<PValue, number>): number {
  const known = sizes.get(v);
  if (known !== undefined) return known;
  let n = 1;
  if (v.kind === 'map') for (const p of v.pairs) n += 1 + expandedSize(p.value, sizes);
  else if (v.kind === 'seq') for (const item of v.items) n += expandedSize(item, sizes);
  sizes.set(v, n);
  return n;
}

/**
 * A mapping's pairs as docker/cli keeps them: a key given again replaces the earlier pair and moves to the end
 * (both are listed in `duplicateKeys`); pairs merged in by `<<` come after the written ones, the first source
 * of a key winning (the YAML merge key spec). Keys are looked up in a Map, so a mapping of n keys takes O(n).
 */
export class PairsBuilder {
  readonly #pairs: (PPair | undefined)[] = [];
  readonly #at = new Map<PScalar['value'], number>();
  readonly #merged: PPair[] = [];
  #mergeKey: PScalar | undefined;

  constructor(readonly duplicateKeys: { key: PScalar; first: PScalar }[]) {}

  add(key: PScalar, value: PValue): void {
    const earlier = this.#at.get(key.value);
    if (earlier !== undefined) {
      const dropped = this.#pairs[earlier];
      this.#pairs[earlier] = undefined;
      if (dropped) this.duplicateKeys.push({ key, first: dropped.key });
    }
    this.#at.set(key.value, this.#pairs.length);
    this.#pairs.push({ key, value });
  }

  /** A `<<` key (its value `<<`), before its value is read: a second one is a duplicate key. */
  mergeKey(key: PScalar): void {
    if (this.#mergeKey) this.duplicateKeys.push({ key, first: this.#mergeKey });
    this.#mergeKey = key;
  }

  /** The pairs of the mappings a `<<` merges. */
  merge(sources: readonly PPair[]): void {
    for (const p of sources) this.#merged.push(p);
  }

  pairs(): PPair[] {
    const out: PPair[] = [];
    for (const p of this.#pairs) if (p) out.push(p);
    if (this.#merged.length === 0) return out;
    const seen = new Set(out.map((p) => String(p.key.value)));
    for (const p of this.#merged) {
      const k = String(p.key.value);
      if (!seen.has(k)) {
        seen.add(k);
        out.push(p);
      }
    }
    return out;
  }
}
