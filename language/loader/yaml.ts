import {
  Composer,
  isAlias,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  Parser,
  Scalar,
  type Alias,
  type CST,
  type Document,
  type Node as YamlNode,
  type Tags,
  visit,
} from 'yaml';
import { LoadError } from './errors.js';
import type { LoadLimits } from './limits.js';
import type { Comment, Range } from '../model.js';
import { fastParseYaml } from './yaml-fast.js';
import { expandedSize, PairsBuilder, resolvePlain, scalarFlags, TAGGED, type YamlDialect } from './yaml-resolve.js';

export { isGoTimestamp, resolvePlain, type YamlDialect } from './yaml-resolve.js';

/**
 * A positioned value tree: what a YAML (or JSON) document holds, with every value's range in the linted text.
 * Aliases are expanded (a shared subtree may appear in several places; its range is where it was written), and
 * `<<` merge keys are applied, so later stages never see YAML machinery.
 */
export type PValue = PScalar | PMap | PSeq;

export interface PScalar {
  kind: 'scalar';
  value: string | number | boolean | null;
  range: Range;
  /** True when the scalar was quoted in the source (so `"80"` stays text). */
  quoted: boolean;
  /** A number written as a float (`3.0`, `1e3`): docker cannot decode it where it wants an integer. */
  float?: true;
  /** yaml.v3 (docker ≥ 28) reads this plain scalar as a timestamp: docker cannot decode it into a text field. */
  timestamp?: true;
}

export interface PPair {
  key: PScalar;
  value: PValue;
}

export interface PMap {
  kind: 'map';
  pairs: PPair[];
  range: Range;
}

export interface PSeq {
  kind: 'seq';
  items: PValue[];
  range: Range;
}

/** The dialect of a docker CLI version (`28.2.2`, `27.5`); the current one (v3) when unknown. */
export function dialectOf(cliVersion: string | undefined): YamlDialect {
  const major = Number(/^\s*v?(\d+)/.exec(cliVersion ?? '')?.[1] ?? NaN);
  return Number.isFinite(major) && major < 28 ? 'v2' : 'v3';
}

const COMPOSE_OPTIONS = {
  version: '1.1',
  prettyErrors: false,
  // Duplicates are reported by the loader (duplicateKeys): an error in v3, the last value kept in v2.
  uniqueKeys: false,
  merge: true,
  strict: true,
  customTags: (tags: Tags): Tags =>
    tags.filter((t) => typeof t === 'string' || (t.format !== 'TIME' && t.tag !== 'tag:yaml.org,2002:timestamp')),
} as const;

export interface ParsedYaml {
  root: PValue | undefined;
  comments: Comment[];
  /** More than one YAML document: `docker stack deploy` reads only the first. */
  extraDocuments: number;
  /**
   * Keys that YAML 1.1 reads as something other than text (`n:` is false, `1:` a number). docker/cli refuses
   * them ("non-string key"); the key is kept here as it was written.
   */
  nonStringKeys: PScalar[];
  /** Keys set twice in one mapping: the later value wins, as in docker/cli (`first` is the one dropped). */
  duplicateKeys: { key: PScalar; first: PScalar }[];
}

/**
 * Parses one file's text. `offset` is where the text starts in the linted text (non-zero in a merge set), so
 * every range is already in linted-text coordinates. Syntax errors, duplicate keys and exceeded limits throw
 * LoadError with the file, line and column.
 */
export function parseYaml(text: string, file: string, offset: number, limits: LoadLimits, dialect: YamlDialect = 'v3'): ParsedYaml {
  return fastParseYaml(text, file, offset, limits, dialect) ?? parseYamlFully(text, file, offset, limits, dialect);
}

/** The full reader: `yaml`'s parser and composer, then the converter. parseYaml uses it when the fast path gives up. */
export function parseYamlFully(text: string, file: string, offset: number, limits: LoadLimits, dialect: YamlDialect = 'v3'): ParsedYaml {
  const lineCounter = new LineCounter();
  const parser = new Parser(lineCounter.addNewLine);
  const composer = new Composer(COMPOSE_OPTIONS);
  const comments: Comment[] = [];
  function* tapComments(tokens: Iterable<CST.Token>): Generator<CST.Token> {
    for (const token of tokens) {
      collectCstComments(token, offset, comments);
      yield token;
    }
  }
  // Every comment starts with `#`: a text without one has none, and its CST need not be walked for them.
  const tokens = text.includes('#') ? tapComments(parser.parse(text)) : parser.parse(text);
  const docs = [...composer.compose(tokens, false, text.length)];
  // yaml.v2/v3 Unmarshal read the first document only: what follows it is never parsed, errors included.
  const err = docs[0]?.errors[0];
  if (err) {
    const pos = lineCounter.linePos(err.pos[0]);
    throw new LoadError(cleanYamlMessage(err.message), file, pos.line, pos.col);
  }
  const yamlVersion = docs[0]?.directives.yaml.explicit ? docs[0].directives.yaml.version : undefined;
  if (yamlVersion !== undefined && yamlVersion !== '1.1') {
    // libyaml (both Go libraries) accepts only %YAML 1.1.
    throw new LoadError(`found incompatible YAML document (%YAML ${yamlVersion}; docker reads YAML 1.1)`, file, 1, 1);
  }
  comments.sort((a, b) => a.range[0] - b.range[0]);
  const first = docs[0];
  if (!first?.contents)
    return { root: undefined, comments, extraDocuments: Math.max(0, docs.length - 1), nonStringKeys: [], duplicateKeys: [] };
  const converter = new Converter(first, file, offset, limits, lineCounter, dialect);
  const root = converter.convert(first.contents, 0);
  return {
    root,
    comments,
    extraDocuments: docs.slice(1).filter((d) => d.contents !== null).length,
    nonStringKeys: converter.nonStringKeys,
    duplicateKeys: converter.duplicateKeys,
  };
}

function cleanYamlMessage(message: string): string {
  // yaml appends " at line N, column M" and an excerpt; we give the position ourselves.
  return message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
}

class Converter {
  readonly #cache = new Map<YamlNode, PValue>();
  readonly #sizes = new WeakMap<PValue, number>();
  #aliasNodes = 0;

  constructor(
    readonly doc: Document.Parsed,
    readonly file: string,
    readonly offset: number,
    readonly limits: LoadLimits,
    readonly lines: LineCounter,
    readonly dialect: YamlDialect,
  ) {}

  #range(node: { range?: [number, number, number] | null | undefined }): Range {
    const r = node.range;
    return r ? [r[0] + this.offset, r[1] + this.offset] : [this.offset, this.offset];
  }

  #error(message: string, at: number): LoadError {
    const pos = this.lines.linePos(at);
    return new LoadError(message, this.file, pos.line, pos.col);
  }

  convert(node: unknown, depth: number): PValue {
    if (depth > this.limits.maxDepth) {
      const start = (node as { range?: [number] }).range?.[0] ?? 0;
      throw this.#error(`nesting deeper than ${String(this.limits.maxDepth)} levels`, start);
    }
    if (isAlias(node)) return this.#alias(node, depth);
    const cached = this.#cache.get(node as YamlNode);
    if (cached) return cached;
    let out: PValue;
    if (isScalar(node)) {
      out = this.#scalar(node);
    } else if (isMap(node)) {
      const map: PMap = { kind: 'map', pairs: [], range: this.#range(node) };
      const pairs = new PairsBuilder(this.duplicateKeys);
      for (const pair of node.items) {
        const keyNode = pair.key;
        if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
          pairs.mergeKey({ ...this.#scalar(keyNode), value: '<<' });
          pairs.merge(this.#mergeSources(pair.value, depth));
          continue;
        }
        const key = this.#key(keyNode, pair.value);
        pairs.add(key, pair.value === null ? this.#nullAt(keyNode) : this.convert(pair.value, depth + 1));
      }
      map.pairs = pairs.pairs();
      out = map;
    } else if (isSeq(node)) {
      const seq: PSeq = { kind: 'seq', items: [], range: this.#range(node) };
      for (const item of node.items) seq.items.push(item === null ? this.#nullAt(node) : this.convert(item, depth + 1));
      out = seq;
    } else {
      throw this.#error('unsupported YAML node', 0);
    }
    this.#cache.set(node, out);
    return out;
  }

  #nullAt(near: unknown): PScalar {
    const r = (near as { range?: [number, number, number] | null }).range;
    const end = r ? r[1] + this.offset : this.offset;
    return { kind: 'scalar', value: null, range: [end, end], quoted: false };
  }

  #scalar(node: Scalar): PScalar {
    const v = node.value;
    let value: PScalar['value'];
    if (node.type === Scalar.PLAIN && node.tag === undefined && typeof node.source === 'string')
      value = resolvePlain(node.source, this.dialect);
    else if (node.tag !== undefined && typeof node.source === 'string' && TAGGED.has(node.tag)) value = this.#tagged(node, node.source);
    else if (v instanceof Uint8Array) value = new TextDecoder('utf-8').decode(v);
    else if (v === null || typeof v === 'string' || typeof v === 'boolean') value = v;
    else if (typeof v === 'number') value = v;
    else if (typeof v === 'bigint') value = Number(v);
    else value = node.source ?? '';
    const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
    const out: PScalar = { kind: 'scalar', value, range: this.#range(node), quoted };
    const source = typeof node.source === 'string' ? node.source : '';
    scalarFlags(out, source, node.type === Scalar.PLAIN && node.tag === undefined, node.tag?.endsWith(':float') ?? false, this.dialect);
    return out;
  }

  /** yaml.v2/v3 resolve(tag, text): an explicit !!int, !!float, !!bool or !!null must resolve to that type. */
  #tagged(node: Scalar, text: string): PScalar['value'] {
    const tag = node.tag ?? '';
    if (tag.endsWith(':str')) return text;
    const value = resolvePlain(text, this.dialect);
    const ok = tag.endsWith(':int')
      ? typeof value === 'number' && Number.isInteger(value)
      : tag.endsWith(':float')
        ? typeof value === 'number'
        : tag.endsWith(':bool')
          ? typeof value === 'boolean'
          : value === null;
    if (!ok) {
      const got = value === null ? 'null' : typeof value === 'boolean' ? 'bool' : typeof value === 'number' ? 'int' : 'str';
      throw this.#error(`cannot decode !!${got} \`${text}\` as a !!${tag.split(':').at(-1) ?? ''}`, node.range?.[0] ?? 0);
    }
    return value;
  }

  readonly nonStringKeys: PScalar[] = [];
  readonly duplicateKeys: { key: PScalar; first: PScalar }[] = [];

  #key(keyNode: unknown, valueNode: unknown): PScalar {
    if (isScalar(keyNode)) {
      const s = this.#scalar(keyNode);
      if (typeof s.value === 'string') return s;
      const key = { ...s, value: keyNode.source ?? String(s.value) };
      this.nonStringKeys.push(key);
      return key;
    }
    const at = (keyNode as { range?: [number] } | null)?.range?.[0] ?? (valueNode as { range?: [number] } | null)?.range?.[0] ?? 0;
    throw this.#error('a mapping key must be a plain value, not a mapping or sequence', at);
  }

  /** Each anchor's nodes and every alias, by their place in the document: found once, not once per alias. */
  #anchors: { byName: Map<string, { at: number; node: YamlNode }[]>; aliasAt: Map<Alias, number> } | undefined;

  /** What `Alias#resolve(doc)` gives (the last node with the alias's anchor before the alias), in O(log n). */
  #resolve(alias: Alias): YamlNode | undefined {
    if (!this.#anchors) {
      const byName = new Map<string, { at: number; node: YamlNode }[]>();
      const aliasAt = new Map<Alias, number>();
      let at = 0;
      visit(this.doc, {
        Node: (_key, node) => {
          at++;
          if (isAlias(node)) aliasAt.set(node, at);
          else if ((isScalar(node) || isCollection(node)) && node.anchor) {
            const list = byName.get(node.anchor) ?? [];
            list.push({ at, node });
            byName.set(node.anchor, list);
          }
        },
      });
      this.#anchors = { byName, aliasAt };
    }
    const list = this.#anchors.byName.get(alias.source);
    const at = this.#anchors.aliasAt.get(alias);
    if (!list || at === undefined) return undefined;
    // The last anchored node before the alias: binary search in document order.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((list[mid]?.at ?? Infinity) < at) lo = mid + 1;
      else hi = mid;
    }
    return list[lo - 1]?.node;
  }

  #alias(node: Alias, depth: number): PValue {
    const target = this.#resolve(node);
    if (!target) throw this.#error(`unknown alias *${node.source}`, node.range?.[0] ?? 0);
    const value = this.convert(target, depth);
    this.#aliasNodes += expandedSize(value, this.#sizes);
    if (this.#aliasNodes > this.limits.maxAliasNodes) {
      throw this.#error(`aliases expand to more than ${String(this.limits.maxAliasNodes)} nodes`, node.range?.[0] ?? 0);
    }
    return value;
  }

  #mergeSources(value: unknown, depth: number): PPair[] {
    const sources = isSeq(value) ? value.items : [value];
    const out: PPair[] = [];
    for (const source of sources) {
      const converted = this.convert(source, depth + 1);
      if (converted.kind !== 'map') {
        const at = (source as { range?: [number] } | null)?.range?.[0] ?? 0;
        throw this.#error('a `<<` merge key needs a mapping or a list of mappings', at);
      }
      for (const p of converted.pairs) out.push(p);
    }
    return out;
  }
}

/** Every comment token in a CST subtree (the CST keeps comments exactly where they were written). */
function collectCstComments(token: unknown, offset: number, out: Comment[]): void {
  if (Array.isArray(token)) {
    for (const t of token) collectCstComments(t, offset, out);
    return;
  }
  if (token === null || typeof token !== 'object') return;
  const t = token as { type?: string; offset?: number; source?: string };
  if (t.type === 'comment' && typeof t.offset === 'number' && typeof t.source === 'string') {
    const start = offset + t.offset;
    const end = start + t.source.length;
    out.push({
      type: 'Line',
      value: t.source.slice(1),
      range: [start, end],
      loc: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } },
    });
    return;
  }
  // for…in, not Object.entries: no array per token (the CST of a large file has tens of thousands).
  const fields = token as Record<string, unknown>;
  for (const k in fields) {
    const v = fields[k];
    if (k !== 'source' && v !== null && typeof v === 'object') collectCstComments(v, offset, out);
  }
}

// --------------------------------------------------------------------------------------------------------
// Small helpers over the positioned tree, shared by the stack and facts readers.
// --------------------------------------------------------------------------------------------------------

export function get(map: PValue | undefined, key: string): PValue | undefined {
  if (map?.kind !== 'map') return undefined;
  for (const p of map.pairs) if (p.key.value === key) return p.value;
  return undefined;
}

export function getPair(map: PValue | undefined, key: string): PPair | undefined {
  if (map?.kind !== 'map') return undefined;
  return map.pairs.find((p) => p.key.value === key);
}

/** A plain JavaScript value, for schema validation. Bounded by the alias budget checked while parsing. */
export function toJS(v: PValue): unknown {
  if (v.kind === 'scalar') return v.value;
  if (v.kind === 'seq') return v.items.map(toJS);
  const out: Record<string, unknown> = {};
  for (const p of v.pairs) out[String(p.key.value)] = toJS(p.value);
  return out;
}

/** The node a JSON pointer (as Ajv's `instancePath`) names, or the deepest one that exists. */
export function atPointer(root: PValue, pointer: string): { node: PValue; key?: PScalar } {
  let node = root;
  let key: PScalar | undefined;
  if (!pointer) return { node };
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node.kind === 'map') {
      const pair = node.pairs.find((p) => String(p.key.value) === seg);
      if (!pair) break;
      key = pair.key;
      node = pair.value;
    } else if (node.kind === 'seq') {
      const item = node.items[Number(seg)];
      if (!item) break;
      key = undefined;
      node = item;
    } else break;
  }
  return key ? { node, key } : { node };
}
