// The fast path of the YAML reader. Stack files are nearly always written in a small part of YAML: block mappings
// and sequences, one-line plain, quoted and flow values, double-quoted values over several lines, block scalars,
// comments, anchors, aliases, merge keys, a leading `---`, `\n` or `\r\n` line breaks. This reads that part in one
// pass over the text, straight into the positioned tree, and gives up (returns undefined) at the first thing it does
// not read exactly as the full reader (`yaml`'s parser and composer, then yaml.ts's converter) would: tags,
// directives, several documents, tabs, multi-line plain or single-quoted scalars, explicit keys, and anything that
// is or may be an error. The full reader then reads the text from the start. Two errors are the fast path's own,
// because they are the commonest in real files and it can tell them exactly: a key less deep than the value before
// it, and an alias with no anchor before it; it throws the full reader's LoadError for them, with its line and
// column.
//
// What must be the same is the whole ParsedYaml: values, flags, every range (a collection's range ends where
// `yaml` ends it, which depends on the comment lines after its last value), comments, non-string and duplicate
// keys, the objects an alias shares, and those two errors. test/language/yaml-fast.ts compares both readers on
// hand-picked texts, every YAML file in the repository, random documents and random edits of those files.
import type { Comment } from '../model.js';
import { LoadError } from './errors.js';
import type { LoadLimits } from './limits.js';
import type { ParsedYaml, PMap, PPair, PScalar, PSeq, PValue } from './yaml.js';
import { expandedSize, PairsBuilder, resolvePlain, scalarFlags, type YamlDialect } from './yaml-resolve.js';

/** Thrown (one shared object, made once) when the text leaves the part of YAML this reader knows. */
class GiveUp extends Error {}
const GIVE_UP = new GiveUp('outside the fast path');

/** A content line: the first line after a gap of blank and comment lines that holds something else. */
interface Line {
  /** Where the line starts. */
  start: number;
  /** Its indentation (leading spaces). */
  indent: number;
}

/**
 * The blank and comment lines between a value's line and the next content line, as `yaml`'s parser keeps them:
 * `indents` are the comment lines' indentations, `end` is where the next content starts (or the end of the text).
 */
interface Trail {
  indents: number[];
  end: number;
}

/** A value and where `yaml`'s node for it ends, trailing comments it keeps included (its `range[2]`). */
interface Parsed {
  value: PValue;
  end: number;
}

const SP = 32;
const NL = 10;
/** A carriage return: the fast path reads it only before a line feed, and then as part of the line break. */
const CR = 13;
const HASH = 35;
const COLON = 58;
const DASH = 45;

/** Characters that may not start a plain scalar here (YAML's indicators; `-` is checked apart). */
const NOT_PLAIN_START = new Set(['?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);
const NO_COMMENTS: number[] = [];
const FLOW_END = new Set([',', '[', ']', '{', '}']);
/**
 * Control characters (a tab among them; a carriage return unless a line feed follows it), a byte-order mark, and
 * YAML's other line breaks.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const UNUSUAL = /[\x00-\x08\t\x0b\x0c\x0e-\x1f\x7f\uFEFF\u0085\u2028\u2029]|\r(?!\n)/;
const ANCHOR_NAME = /^[A-Za-z0-9_.-]+/;
const ALIAS_END = new Set([' ', ',', '[', ']', '{', '}', '\n', '\r', '\t']);
const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
};

/**
 * Reads `text` (one file, starting at `offset` in the linted text) when it is in the part of YAML this reader
 * knows; undefined otherwise, and then the caller reads it with the full reader. Throws the full reader's
 * LoadError for the two errors it knows (see the top of this file).
 */
export function fastParseYaml(
  text: string,
  file: string,
  offset: number,
  limits: LoadLimits,
  dialect: YamlDialect,
): ParsedYaml | undefined {
  // Tabs, a carriage return without a line feed and a byte-order mark have rules of their own; %, --- and ...
  // start directives and document markers; a control character or YAML's other line breaks are left to the full
  // reader too.
  if (UNUSUAL.test(text)) return undefined;
  // One `---` before the mapping is read here (see read()); any other marker or directive is not.
  const markers = text.match(/^(?:%|---|\.\.\.)/gm);
  if (markers && (markers.length > 1 || markers[0] !== '---')) return undefined;
  try {
    return new FastReader(text, file, offset, limits, dialect).read();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

class FastReader {
  readonly comments: Comment[] = [];
  readonly nonStringKeys: PScalar[] = [];
  readonly duplicateKeys: { key: PScalar; first: PScalar }[] = [];
  /**
   * For each anchor name, the node of the last anchor of that name to start (an alias takes the last one before it
   * in document order, as `yaml` does); `value` is unset while that node is still being read, and an alias to it
   * then is a cycle, left to the full reader.
   */
  readonly #anchors = new Map<string, { order: number; value?: PValue }>();
  #anchorCount = 0;
  readonly #sizes = new WeakMap<PValue, number>();
  #aliasNodes = 0;
  readonly #colons: NextIndex;
  readonly #comments: NextIndex;
  readonly #backslashes: NextIndex;

  /** The first alias that names no anchor before it (the full reader's error, once the whole text is read). */
  #unknownAlias: { name: string; at: number } | undefined;

  constructor(
    readonly text: string,
    readonly file: string,
    readonly offset: number,
    readonly limits: LoadLimits,
    readonly dialect: YamlDialect,
  ) {
    this.#colons = new NextIndex(text, ':');
    this.#comments = new NextIndex(text, ' #');
    this.#backslashes = new NextIndex(text, '\\');
  }

  read(): ParsedYaml {
    let { line } = this.#gap(0);
    if (line && this.text.startsWith('---', line.start)) {
      // The document's start marker, alone on its line (a comment may follow it).
      if (!this.#separated(line.start + 3)) throw GIVE_UP;
      const end = this.#endOfLine(line.start + 3);
      ({ line } = this.#gap(this.#afterLine(end)));
    }
    // A stack file is a mapping at the left margin; anything else goes to the full reader.
    if (!line || line.indent !== 0 || this.#isSeqItem(line.start)) throw GIVE_UP;
    const { map, next } = this.#map(line, 0, 0);
    if (next) throw GIVE_UP;
    // `yaml` read all of it without an error, and the converter stops at the first unknown alias.
    if (this.#unknownAlias) throw this.#error(`unknown alias *${this.#unknownAlias.name}`, this.#unknownAlias.at);
    return {
      root: map.value,
      comments: this.comments,
      extraDocuments: 0,
      nonStringKeys: this.nonStringKeys,
      duplicateKeys: this.duplicateKeys,
    };
  }

  // ------------------------------------------------------------------------------------------------------
  // Lines
  // ------------------------------------------------------------------------------------------------------

  /** Where the content of the line at `at` ends: at its line break (`\n` or `\r\n`), or the end of the text. */
  #lineEnd(at: number): number {
    const nl = this.text.indexOf('\n', at);
    if (nl === -1) return this.text.length;
    return this.text.charCodeAt(nl - 1) === CR && nl - 1 >= at ? nl - 1 : nl;
  }

  /** Past the line break at `at` (at the end of the text, `at`). */
  #afterLine(at: number): number {
    const c = this.text.charCodeAt(at);
    return c === CR ? at + 2 : c === NL ? at + 1 : at;
  }

  /**
   * From the start of a line, the blank and comment lines up to the next content line (recorded as comments),
   * and that line (undefined at the end of the text). `trail.indents` lists each comment line's indentation, and
   * `ends` where each comment line ends, its newline included.
   */
  #gap(from: number): { line: Line | undefined; trail: Trail; ends: number[] } {
    const text = this.text;
    // Most gaps hold no comment: one shared empty list for them (never added to).
    let indents = NO_COMMENTS;
    let ends = NO_COMMENTS;
    let at = from;
    while (at < text.length) {
      let p = at;
      while (text.charCodeAt(p) === SP) p++;
      const c = text.charCodeAt(p);
      if (c === NL || c === CR || p >= text.length) {
        at = p >= text.length ? text.length : this.#afterLine(p);
        continue;
      }
      if (c === HASH) {
        const end = this.#lineEnd(p);
        this.#comment(p, end);
        if (indents === NO_COMMENTS) {
          indents = [];
          ends = [];
        }
        indents.push(p - at);
        ends.push(this.#afterLine(end));
        at = end >= text.length ? text.length : this.#afterLine(end);
        continue;
      }
      return { line: { start: at, indent: p - at }, trail: { indents, end: p }, ends };
    }
    return { line: undefined, trail: { indents, end: text.length }, ends };
  }

  #comment(start: number, end: number): void {
    this.comments.push({
      type: 'Line',
      value: this.text.slice(start + 1, end),
      range: [start + this.offset, end + this.offset],
      loc: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } },
    });
  }

  /** After a value on its line: spaces, perhaps a comment, then the line's end. Returns where the line ends. */
  #endOfLine(at: number): number {
    const text = this.text;
    let p = at;
    while (text.charCodeAt(p) === SP) p++;
    if (p >= text.length) return p;
    const c = text.charCodeAt(p);
    if (c === NL || c === CR) return p;
    // A comment needs a space before it; anything else after the value is more than this reader knows.
    if (c !== HASH || p === at) throw GIVE_UP;
    const end = this.#lineEnd(p);
    this.#comment(p, end);
    return end;
  }

  /** A plain or quoted scalar starts at `at` (the start of a key, or of a line that would be one). */
  #startsScalar(at: number): boolean {
    const c = this.text[at];
    return c === '"' || c === "'" || (c !== undefined && !NOT_PLAIN_START.has(c) && !this.#isSeqItem(at));
  }

  /** The full reader's error at `at` (in this file's text), with its line and column. */
  #error(message: string, at: number): LoadError {
    const before = this.text.slice(0, at);
    const lineStart = before.lastIndexOf('\n') + 1;
    let line = 1;
    for (let i = before.indexOf('\n'); i !== -1; i = before.indexOf('\n', i + 1)) line++;
    return new LoadError(message, this.file, line, at - lineStart + 1);
  }

  /** At a comment (recorded) or a line's end: where the line ends. */
  #restOfLine(p: number): number {
    if (this.text.charCodeAt(p) !== HASH) return p;
    const end = this.#lineEnd(p);
    this.#comment(p, end);
    return end;
  }

  #isSeqItem(at: number): boolean {
    if (this.text.charCodeAt(at) !== DASH) return false;
    const n = this.text.charCodeAt(at + 1);
    return n === SP || n === NL || n === CR || at + 1 >= this.text.length;
  }

  // ------------------------------------------------------------------------------------------------------
  // Block collections
  // ------------------------------------------------------------------------------------------------------

  /**
   * A value that ended its line (a scalar, a flow collection, an alias): the gap after it, the comment lines
   * `yaml` keeps with it (those indented deeper than its collection, `indent`, before any that is not), and the
   * next content line, which may not be indented deeper (that would continue a multi-line scalar).
   */
  #afterInline(lineEnd: number, indent: number): { end: number; line: Line | undefined; trail: Trail } {
    const gap = this.#gap(this.#afterLine(lineEnd));
    let end = this.#afterLine(lineEnd);
    let kept = 0;
    while (kept < gap.trail.indents.length && (gap.trail.indents[kept] ?? 0) > indent) {
      end = gap.ends[kept] ?? end;
      kept++;
    }
    if (gap.line && gap.line.indent > indent) throw GIVE_UP;
    return { end, line: gap.line, trail: kept === 0 ? gap.trail : { indents: gap.trail.indents.slice(kept), end: gap.trail.end } };
  }

  /**
   * How a block collection that ends before `next` ends: `yaml` keeps the comment lines after its last value
   * when one of them is indented at least as deep as the collection (and the collection is not at the margin);
   * its node then ends where the next content starts. Otherwise they go to the collection around it.
   */
  #close(value: PValue, indent: number, lastEnd: number, trail: Trail): { end: number; trail: Trail } {
    value.range[1] = lastEnd + this.offset;
    if (indent !== 0 && trail.indents.some((i) => i >= indent)) return { end: trail.end, trail: { indents: [], end: trail.end } };
    return { end: lastEnd, trail };
  }

  /** The block mapping whose first key is at column `indent` of `line` (at `first`, past a `- ` perhaps). */
  #map(line: Line, indent: number, depth: number, first = line.start + indent): { map: Parsed; next: Line | undefined; trail: Trail } {
    if (depth > this.limits.maxDepth) throw GIVE_UP;
    const text = this.text;
    const map: PMap = { kind: 'map', pairs: [], range: [first + this.offset, first + this.offset] };
    const pairs = new PairsBuilder(this.duplicateKeys);
    let at = first;
    for (;;) {
      const found = this.#key(at);
      if (!found) throw GIVE_UP;
      const key = found.merge ? found : { ...found, scalar: this.#keyScalar(found.scalar) };
      let p = key.after;
      while (text.charCodeAt(p) === SP) p++;
      if (key.merge) pairs.mergeKey(key.scalar);
      const { value, lastEnd, next, trail } = this.#itemValue(p, indent, depth, undefined, false);
      // `<<: *alias` merges the one node the alias names (a sequence there is an error); a sequence written
      // there merges each of its items.
      const aliased = text[p] === '*';
      if (key.merge) pairs.merge(this.#mergeSources(value, !aliased));
      else pairs.add(key.scalar, value);
      if (!next || next.indent < indent) {
        map.pairs = pairs.pairs();
        const closed = this.#close(map, indent, lastEnd, trail);
        return { map: { value: map, end: closed.end }, next, trail: closed.trail };
      }
      if (next.indent > indent && this.#startsScalar(next.start + next.indent)) {
        // A key less deep than the value before it, and deeper than this mapping's keys: `yaml` makes it the
        // next item of this mapping, and its first error is that item's column, placed where the value before
        // it ends.
        throw this.#error('All mapping items must start at the same column', lastEnd);
      }
      if (next.indent > indent || this.#isSeqItem(next.start + next.indent)) throw GIVE_UP;
      at = next.start + next.indent;
    }
  }

  /**
   * The value of a mapping's key or a sequence's item, from `p` (past the `:` or `-` and the spaces after it), in
   * the collection at column `indent`: on the same line (a scalar, flow collection, alias, block scalar, or in a
   * sequence `key: value` starting a mapping), on the lines below (a block collection, perhaps after an anchor
   * alone on its line), or empty. `item` is the sequence item's line (undefined for a mapping's value);
   * `commentBefore`, whether comment lines came before its `-`.
   */
  #itemValue(
    p: number,
    indent: number,
    depth: number,
    item: Line | undefined,
    commentBefore: boolean,
  ): { value: PValue; lastEnd: number; next: Line | undefined; trail: Trail } {
    const text = this.text;
    const at = p;
    let anchor: string | undefined;
    if (text[p] === '&') {
      anchor = this.#anchorName(p);
      p += anchor.length + 1;
      if (!this.#separated(p)) throw GIVE_UP;
      while (text.charCodeAt(p) === SP) p++;
    }
    const c = text.charCodeAt(p);
    if (p >= text.length || c === NL || c === CR || c === HASH) {
      // The value is on the lines below (deeper, or for a mapping's value a sequence at the mapping's column),
      // or empty.
      const below = (l: Line | undefined): l is Line =>
        l !== undefined && (l.indent > indent || (!item && l.indent === indent && this.#isSeqItem(l.start + l.indent)));
      const gap = this.#gap(this.#afterLine(this.#restOfLine(p)));
      let line = gap.line;
      if (line && anchor === undefined && line.indent > indent && text[line.start + line.indent] === '&') {
        ({ anchor, below: line } = this.#anchorLine(line));
        if (!below(line)) throw GIVE_UP;
      }
      if (below(line)) {
        const block = this.#block(line, depth + 1, anchor);
        return { value: block.value.value, lastEnd: block.value.end, next: block.next, trail: block.trail };
      }
      if (anchor !== undefined) throw GIVE_UP;
      return { value: this.#empty(at, depth + 1), next: line, ...this.#afterEmpty(at, c === HASH || commentBefore, gap.trail) };
    }
    if (item) {
      if (this.#isSeqItem(p)) throw GIVE_UP; // `- - x`: a sequence in a sequence on one line
      if (anchor === undefined && this.#key(p)) {
        // `- key: value`: a mapping whose keys line up with this first one.
        const { map, next, trail } = this.#map(item, p - item.start, depth + 1, p);
        return { value: map.value, lastEnd: map.end, next, trail };
      }
    }
    return this.#lineValue(p, indent, depth + 1, anchor);
  }

  /**
   * A value written on its key's or dash's line, at `p`, in a collection at column `indent`: a scalar, a flow
   * collection, an alias or a block scalar. Returns it, where its node ends, and the next content line.
   */
  #lineValue(
    p: number,
    indent: number,
    depth: number,
    anchor: string | undefined,
  ): { value: PValue; lastEnd: number; next: Line | undefined; trail: Trail } {
    const c = this.text[p];
    // An anchor on an alias: `yaml` refuses it in some places and not in others; left to it.
    if (anchor !== undefined && c === '*') throw GIVE_UP;
    const order = this.#anchorStart(anchor);
    let out: { value: PValue; lastEnd: number; next: Line | undefined; trail: Trail };
    if (c === '|' || c === '>') {
      out = this.#blockScalar(p, indent, depth);
    } else {
      const inline = this.#inline(p, depth, indent);
      const after = this.#afterInline(this.#endOfLine(inline.end), indent);
      out = { value: inline.value, lastEnd: after.end, next: after.line, trail: after.trail };
    }
    this.#anchorEnd(anchor, order, out.value);
    return out;
  }

  /** An empty value (`key:` or `-` with nothing after it) at `at`. */
  #empty(at: number, depth: number): PScalar {
    if (depth > this.limits.maxDepth) throw GIVE_UP;
    return { kind: 'scalar', value: null, range: [at + this.offset, at + this.offset], quoted: false };
  }

  /**
   * Where `yaml` ends an empty value's node: where it is, unless a comment goes with it (on its line, on the lines
   * after it before the next content line, or, for a sequence item, on the lines before its `-`). `yaml` then ends
   * the node where the next content starts, and the comments are its own, not a trail for the collection around
   * it. (When the collection goes on, where the node ends does not matter.)
   */
  #afterEmpty(at: number, comment: boolean, trail: Trail): { lastEnd: number; trail: Trail } {
    if (!comment && trail.indents.length === 0) return { lastEnd: at, trail };
    return { lastEnd: trail.end, trail: { indents: [], end: trail.end } };
  }

  /**
   * A block scalar (`|` or `>`, perhaps with `-` or `+`; an explicit indentation is left to the full reader) whose
   * header is at `p`, in a collection at column `indent`. Its extent and value follow `yaml`'s lexer and
   * resolveBlockScalar.
   */
  #blockScalar(p: number, indent: number, depth: number): { value: PValue; lastEnd: number; next: Line | undefined; trail: Trail } {
    if (depth > this.limits.maxDepth) throw GIVE_UP;
    const text = this.text;
    // Block scalars in a text with carriage returns are left to the full reader (its lexer keeps them in lines).
    if (text.includes('\r')) throw GIVE_UP;
    const literal = text[p] === '|';
    let h = p + 1;
    const chomp = text[h] === '-' || text[h] === '+' ? (text[h++] ?? '') : '';
    if (!this.#separated(h)) throw GIVE_UP;
    const headerEnd = this.#endOfLine(h);
    if (headerEnd >= text.length) throw GIVE_UP;
    const srcStart = headerEnd + 1;
    // The first line with content sets the indentation; lines before it must be empty and no deeper.
    let n = -1;
    let at = srcStart;
    let leadingMax = 0;
    while (at < text.length) {
      let q = at;
      while (text.charCodeAt(q) === SP) q++;
      if (q < text.length && text.charCodeAt(q) !== NL) {
        n = q - at;
        break;
      }
      leadingMax = Math.max(leadingMax, q - at);
      at = q + 1;
    }
    if (n <= indent || leadingMax > n) throw GIVE_UP;
    // Lines belong to it while empty or indented at least `n`; `nl` is the line end of the last one.
    let nl = srcStart - 1;
    at = srcStart;
    while (at < text.length) {
      let q = at;
      while (text.charCodeAt(q) === SP) q++;
      const blank = q >= text.length || text.charCodeAt(q) === NL;
      if (!blank && q - at < n) break;
      if (q >= text.length && q - at < n) break;
      nl = this.#lineEnd(q);
      at = nl + 1;
    }
    if (chomp !== '+') {
      // Trailing empty lines no deeper than `n` are not part of it.
      for (;;) {
        let i = nl - 1;
        const lastChar = i;
        while (text.charCodeAt(i) === SP) i--;
        if (text.charCodeAt(i) === NL && i >= srcStart && i + 1 + n > lastChar) nl = i;
        else break;
      }
    }
    const srcEnd = Math.min(nl + 1, text.length);
    const value = blockScalarValue(text.slice(srcStart, srcEnd), literal, chomp, n);
    const scalar: PScalar = { kind: 'scalar', value, range: [p + this.offset, srcEnd + this.offset], quoted: false };
    const gap = this.#gap(srcEnd);
    if (gap.line && gap.line.indent > indent) throw GIVE_UP;
    return { value: scalar, lastEnd: srcEnd, next: gap.line, trail: gap.trail };
  }

  /** A line that holds only an anchor (`&name`, perhaps a comment), for the block below it: the name, that block's line. */
  #anchorLine(line: Line): { anchor: string; below: Line | undefined } {
    const at = line.start + line.indent;
    const anchor = this.#anchorName(at);
    const end = this.#endOfLine(at + 1 + anchor.length);
    return { anchor, below: this.#gap(this.#afterLine(end)).line };
  }

  /** The block collection (mapping or sequence) that starts on `line`. */
  #block(line: Line, depth: number, anchor: string | undefined): { value: Parsed; next: Line | undefined; trail: Trail } {
    const order = this.#anchorStart(anchor);
    const out = this.#isSeqItem(line.start + line.indent) ? this.#seq(line, depth) : this.#mapOrGiveUp(line, depth);
    this.#anchorEnd(anchor, order, out.value.value);
    return out;
  }

  #mapOrGiveUp(line: Line, depth: number): { value: Parsed; next: Line | undefined; trail: Trail } {
    // A line below a key that is not itself a key is a scalar on its own line: left to the full reader.
    if (!this.#key(line.start + line.indent)) throw GIVE_UP;
    const { map, next, trail } = this.#map(line, line.indent, depth);
    return { value: map, next, trail };
  }

  /** The block sequence whose first `-` is at column `line.indent`. */
  #seq(line: Line, depth: number): { value: Parsed; next: Line | undefined; trail: Trail } {
    if (depth > this.limits.maxDepth) throw GIVE_UP;
    const text = this.text;
    const indent = line.indent;
    const start = line.start + indent;
    const seq: PSeq = { kind: 'seq', items: [], range: [start + this.offset, start + this.offset] };
    let cur = line;
    // Comment lines between two items are the later item's (`yaml` keeps them before its `-`).
    let before = false;
    for (;;) {
      let p = cur.start + indent + 1;
      while (text.charCodeAt(p) === SP) p++;
      const { value, lastEnd, next, trail } = this.#itemValue(p, indent, depth, cur, before);
      seq.items.push(value);
      if (!next || next.indent < indent || !this.#isSeqItem(next.start + next.indent)) {
        if (next && next.indent > indent) throw GIVE_UP;
        const closed = this.#close(seq, indent, lastEnd, trail);
        return { value: { value: seq, end: closed.end }, next, trail: closed.trail };
      }
      before = trail.indents.length > 0;
      cur = next;
    }
  }

  // ------------------------------------------------------------------------------------------------------
  // Keys, scalars, flow collections, anchors and aliases
  // ------------------------------------------------------------------------------------------------------

  /**
   * A mapping key at `at` followed by `:` and a space or the line's end; undefined when the line holds none. A
   * plain key is read as a value (`#keyScalar` makes it a key): this only looks.
   */
  #key(at: number): { scalar: PScalar; merge: boolean; after: number } | undefined {
    const text = this.text;
    const c = text[at];
    if (c === '"' || c === "'") {
      const q = this.#quoted(at);
      if (!q) return undefined;
      let colon = q.end;
      while (text.charCodeAt(colon) === SP) colon++;
      if (text.charCodeAt(colon) !== COLON || !this.#separated(colon + 1)) return undefined;
      return { scalar: q.scalar, merge: false, after: colon + 1 };
    }
    if (c === undefined || NOT_PLAIN_START.has(c) || (c === '-' && this.#isSeqItem(at)) || c === ' ' || c === '\n' || c === '\r')
      return undefined;
    // The first `:` followed by a space or the line's end, unless a comment (` #`) comes first. (indexOf, not a
    // loop over characters: most of the text is keys and values, and this is what a cold run spends its time on.)
    const end = this.#lineEnd(at);
    let p = this.#colons.at(at);
    while (p !== -1 && p < end && !this.#separated(p + 1)) p = this.#colons.at(p + 1);
    if (p === -1 || p >= end) return undefined;
    const comment = this.#comments.at(at);
    if (comment !== -1 && comment < p) return undefined;
    // Very long keys are left to the full reader (`yaml` refuses a `:` more than 1024 characters after the key).
    if (p - at > 1000) throw GIVE_UP;
    let keyEnd = p;
    while (text.charCodeAt(keyEnd - 1) === SP) keyEnd--;
    const source = text.slice(at, keyEnd);
    if (source === '<<') {
      const scalar: PScalar = { kind: 'scalar', value: '<<', range: [at + this.offset, keyEnd + this.offset], quoted: false };
      return { scalar, merge: true, after: p + 1 };
    }
    return { scalar: this.#plain(source, at), merge: false, after: p + 1 };
  }

  /** A key YAML 1.1 reads as something other than text keeps its text and is listed (docker refuses it). */
  #keyScalar(s: PScalar): PScalar {
    if (typeof s.value === 'string') return s;
    const source = this.text.slice(s.range[0] - this.offset, s.range[1] - this.offset);
    const key = { ...s, value: source };
    this.nonStringKeys.push(key);
    return key;
  }

  /** A space, or the end of the line or text, at `at`. */
  #separated(at: number): boolean {
    const c = this.text.charCodeAt(at);
    return c === SP || c === NL || c === CR || at >= this.text.length;
  }

  #plain(source: string, at: number): PScalar {
    const out: PScalar = {
      kind: 'scalar',
      value: resolvePlain(source, this.dialect),
      range: [at + this.offset, at + source.length + this.offset],
      quoted: false,
    };
    scalarFlags(out, source, true, false, this.dialect);
    return out;
  }

  /**
   * A value that starts at `p` on its line: a scalar, a flow collection or an alias. Returns where it ends.
   * `blockIndent` is the column of the block collection it is a value of (a double-quoted scalar may then run
   * over several lines); undefined for an item of a flow collection.
   */
  #inline(p: number, depth: number, blockIndent: number | undefined): { value: PValue; end: number } {
    if (depth > this.limits.maxDepth) throw GIVE_UP;
    const text = this.text;
    const c = text[p];
    const inFlow = blockIndent === undefined;
    if (c === '"' || c === "'") {
      const q = this.#quoted(p);
      if (q) return { value: q.scalar, end: q.end };
      if (c === '"' && !inFlow) return this.#multiLineQuoted(p, blockIndent);
      throw GIVE_UP;
    }
    if (c === '[' || c === '{') return this.#flow(p, depth);
    if (c === '*') {
      // `yaml`'s alias name runs to a space, a line break or a flow indicator.
      let end = p + 1;
      while (end < text.length && !ALIAS_END.has(text[end] ?? '')) end++;
      const name = text.slice(p + 1, end);
      const after = text[end];
      if (name === '' || name.endsWith(':') || (after !== undefined && after !== ' ' && after !== '\n' && after !== '\r' && !inFlow)) {
        throw GIVE_UP;
      }
      return { value: this.#alias(name, p), end };
    }
    if (c === undefined || NOT_PLAIN_START.has(c) || (c === '-' && this.#isSeqItem(p))) throw GIVE_UP;
    // A plain scalar runs to a comment (` #`) or the line's end; in a flow collection also to `,[]{}`. A `: ` in
    // it would make it a key.
    const lineEnd = this.#lineEnd(p);
    let q: number;
    if (inFlow) {
      q = p;
      while (q < lineEnd) {
        const ch = text.charCodeAt(q);
        if (ch === HASH && text.charCodeAt(q - 1) === SP) break;
        if (ch === COLON && (this.#separated(q + 1) || FLOW_END.has(text[q + 1] ?? ''))) throw GIVE_UP;
        if (FLOW_END.has(text[q] ?? '')) break;
        q++;
      }
    } else {
      const comment = this.#comments.at(p);
      q = comment === -1 || comment >= lineEnd ? lineEnd : comment + 1;
      for (let colon = this.#colons.at(p); colon !== -1 && colon < q; colon = this.#colons.at(colon + 1)) {
        if (this.#separated(colon + 1)) throw GIVE_UP;
      }
    }
    let end = q;
    while (text.charCodeAt(end - 1) === SP) end--;
    if (end <= p) throw GIVE_UP;
    return { value: this.#plain(text.slice(p, end), p), end };
  }

  /** A one-line quoted scalar at `p` (`"` or `'`): its value and where it ends; undefined when it runs on. */
  #quoted(p: number): { scalar: PScalar; end: number } | undefined {
    const text = this.text;
    const quote = text[p];
    const lineEnd = this.#lineEnd(p);
    let value = '';
    let q = p + 1;
    let from = q;
    for (;;) {
      // The next quote or, in double quotes, backslash (indexOf: see #key).
      const close = text.indexOf(quote ?? '', q);
      const escape = quote === '"' ? this.#backslashes.at(q) : -1;
      q = escape !== -1 && (close === -1 || escape < close) ? escape : close;
      if (q === -1 || q >= lineEnd) return undefined;
      const ch = text[q];
      if (quote === "'") {
        if (text[q + 1] === "'") {
          value += text.slice(from, q + 1);
          q += 2;
          from = q;
          continue;
        }
        break;
      } else if (ch === '"') {
        break;
      } else {
        value += text.slice(from, q);
        const e = text[q + 1] ?? '';
        const simple = ESCAPES[e];
        if (simple !== undefined) {
          value += simple;
          q += 2;
        } else {
          const len = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
          const hex = text.slice(q + 2, q + 2 + len);
          if (len === 0 || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) throw GIVE_UP;
          const code = parseInt(hex, 16);
          if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw GIVE_UP;
          value += String.fromCodePoint(code);
          q += 2 + len;
        }
        from = q;
      }
    }
    value += text.slice(from, q);
    const end = q + 1;
    return { scalar: { kind: 'scalar', value, range: [p + this.offset, end + this.offset], quoted: true }, end };
  }

  /**
   * A double-quoted scalar at `p` that runs over several lines, as a block value in a collection at column
   * `indent`: its lines after the first must be empty or deeper than that column (`yaml` ends it early, with an
   * error, at a line that is not). Folded as `yaml`'s doubleQuotedValue does: a line break is a space, or as many
   * line feeds as there are empty lines; spaces around a line break go. An escaped line break is left to the
   * full reader.
   */
  #multiLineQuoted(p: number, indent: number): { value: PScalar; end: number } {
    const text = this.text;
    // The closing quote: the first `"` after an even number of backslashes.
    let close = text.indexOf('"', p + 1);
    for (;;) {
      if (close === -1) throw GIVE_UP;
      let n = 0;
      while (text[close - 1 - n] === '\\') n++;
      if (n % 2 === 0) break;
      close = text.indexOf('"', close + 1);
    }
    for (let nl = text.indexOf('\n', p); nl !== -1 && nl < close; nl = text.indexOf('\n', nl + 1)) {
      let q = nl + 1;
      while (text.charCodeAt(q) === SP) q++;
      const c = text.charCodeAt(q);
      if (c !== NL && c !== CR && q - nl - 1 <= indent) throw GIVE_UP;
    }
    const source = text.slice(p + 1, close);
    let value = '';
    for (let i = 0; i < source.length; i++) {
      const ch = source[i];
      if (ch === '\r' && source[i + 1] === '\n') continue;
      if (ch === '\n') {
        let fold = '';
        let next = source[i + 1];
        while (next === ' ' || next === '\n' || next === '\r') {
          if (next === '\n') fold += '\n';
          next = source[++i + 1];
        }
        value += fold || ' ';
      } else if (ch === '\\') {
        const e = source[++i] ?? '';
        const simple = ESCAPES[e];
        if (simple !== undefined) {
          value += simple;
          continue;
        }
        const len = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
        const hex = source.slice(i + 1, i + 1 + len);
        if (len === 0 || hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) throw GIVE_UP;
        const code = parseInt(hex, 16);
        if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw GIVE_UP;
        value += String.fromCodePoint(code);
        i += len;
      } else if (ch === ' ') {
        // Spaces before a line break go; others stay.
        let j = i;
        while (source[j + 1] === ' ') j++;
        const after = source[j + 1];
        if (after !== '\n' && !(after === '\r' && source[j + 2] === '\n')) value += source.slice(i, j + 1);
        i = j;
      } else {
        value += ch ?? '';
      }
    }
    const end = close + 1;
    return { value: { kind: 'scalar', value, range: [p + this.offset, end + this.offset], quoted: true }, end };
  }

  /** A flow sequence or mapping that opens at `p` and closes on the same line. */
  #flow(p: number, depth: number): { value: PValue; end: number } {
    const text = this.text;
    const isSeq = text[p] === '[';
    const close = isSeq ? ']' : '}';
    const seq: PSeq = { kind: 'seq', items: [], range: [p + this.offset, p + this.offset] };
    const map: PMap = { kind: 'map', pairs: [], range: [p + this.offset, p + this.offset] };
    const pairs = new PairsBuilder(this.duplicateKeys);
    let q = p + 1;
    const skip = (): void => {
      while (text.charCodeAt(q) === SP) q++;
    };
    skip();
    if (text[q] !== close) {
      for (;;) {
        if (isSeq) {
          const item = this.#inline(q, depth + 1, undefined);
          seq.items.push(item.value);
          q = item.end;
        } else {
          const key = this.#flowKey(q);
          q = key.after;
          if (text.charCodeAt(q) !== SP) throw GIVE_UP;
          skip();
          const item = this.#inline(q, depth + 1, undefined);
          pairs.add(key.scalar, item.value);
          q = item.end;
        }
        skip();
        if (text[q] === ',') {
          q++;
          skip();
          // A trailing comma, and anything that runs onto the next line, are left to the full reader.
          if (text[q] === close || text[q] === ',') throw GIVE_UP;
          continue;
        }
        if (text[q] === close) break;
        throw GIVE_UP;
      }
    }
    const end = q + 1;
    if (isSeq) {
      seq.range[1] = end + this.offset;
      return { value: seq, end };
    }
    map.pairs = pairs.pairs();
    map.range[1] = end + this.offset;
    return { value: map, end };
  }

  /** A key in a flow mapping: plain or quoted, then `:`. */
  #flowKey(q: number): { scalar: PScalar; after: number } {
    const text = this.text;
    const c = text[q];
    if (c === '"' || c === "'") {
      const quoted = this.#quoted(q);
      if (!quoted || text.charCodeAt(quoted.end) !== COLON) throw GIVE_UP;
      return { scalar: quoted.scalar, after: quoted.end + 1 };
    }
    if (c === undefined || NOT_PLAIN_START.has(c) || c === '-') throw GIVE_UP;
    let p = q;
    while (p < text.length) {
      const ch = text[p] ?? '';
      if (ch === ':' || ch === '\n' || ch === '\r' || ch === '#' || FLOW_END.has(ch)) break;
      p++;
    }
    if (text[p] !== ':' || text.charCodeAt(p - 1) === SP) throw GIVE_UP;
    const source = text.slice(q, p);
    if (source === '<<') throw GIVE_UP;
    return { scalar: this.#keyScalar(this.#plain(source, q)), after: p + 1 };
  }

  #anchorName(p: number): string {
    const name = ANCHOR_NAME.exec(this.text.slice(p + 1, p + 201))?.[0];
    if (!name) throw GIVE_UP;
    return name;
  }

  #anchorStart(name: string | undefined): number {
    if (name === undefined) return 0;
    const order = ++this.#anchorCount;
    this.#anchors.set(name, { order });
    return order;
  }

  /** A node with an anchor is read; an anchor of the same name that started inside it stays the later one. */
  #anchorEnd(name: string | undefined, order: number, value: PValue): void {
    if (name === undefined) return;
    const entry = this.#anchors.get(name);
    if (entry?.order === order) entry.value = value;
  }

  /** What an alias stands for: the node of the last anchor of that name, shared, counted against the limit. */
  #alias(name: string, at: number): PValue {
    const anchor = this.#anchors.get(name);
    if (!anchor) {
      // No anchor of that name before it (an anchor name with other characters than ANCHOR_NAME's was given up
      // on): the full reader's error, unless it finds an earlier one. Read on with an empty value in its place.
      this.#unknownAlias ??= { name, at };
      return { kind: 'scalar', value: null, range: [at + this.offset, at + this.offset], quoted: false };
    }
    const value = anchor.value;
    if (!value) throw GIVE_UP;
    this.#aliasNodes += expandedSize(value, this.#sizes);
    if (this.#aliasNodes > this.limits.maxAliasNodes) throw GIVE_UP;
    return value;
  }

  #mergeSources(value: PValue, listed: boolean): PPair[] {
    const sources = listed && value.kind === 'seq' ? value.items : [value];
    const out: PPair[] = [];
    for (const source of sources) {
      if (source.kind !== 'map') throw GIVE_UP;
      for (const pair of source.pairs) out.push(pair);
    }
    return out;
  }
}

/**
 * A block scalar's value from its lines (`source`, the lines after the header), as `yaml`'s resolveBlockScalar
 * gives it for content indented `n` and no explicit indentation.
 */
function blockScalarValue(source: string, literal: boolean, chomp: string, n: number): string {
  const lines = source.split('\n').map((line) => {
    let k = 0;
    while (line.charCodeAt(k) === SP) k++;
    return [line.slice(0, k), line.slice(k)] as const;
  });
  // yaml splits on newlines followed by spaces; a source that ends with a newline has an empty last line.
  let chompStart = lines.length;
  for (let i = lines.length - 1; i >= 0; --i) {
    if ((lines[i]?.[1] ?? '') === '') chompStart = i;
    else break;
  }
  if (chompStart === 0) throw GIVE_UP;
  let contentStart = 0;
  while ((lines[contentStart]?.[1] ?? '') === '') contentStart++;
  for (let i = lines.length - 1; i >= chompStart; --i) if ((lines[i]?.[0].length ?? 0) > n) chompStart = i + 1;
  let value = '';
  let sep = '';
  let prevMoreIndented = false;
  for (let i = 0; i < contentStart; ++i) value += (lines[i]?.[0] ?? '').slice(n) + '\n';
  for (let i = contentStart; i < chompStart; ++i) {
    const [indent, content] = lines[i] ?? ['', ''];
    if (literal) {
      value += sep + indent.slice(n) + content;
      sep = '\n';
    } else if (indent.length > n) {
      if (sep === ' ') sep = '\n';
      else if (!prevMoreIndented && sep === '\n') sep = '\n\n';
      value += sep + indent.slice(n) + content;
      sep = '\n';
      prevMoreIndented = true;
    } else if (content === '') {
      if (sep === '\n') value += '\n';
      else sep = '\n';
    } else {
      value += sep + content;
      sep = ' ';
      prevMoreIndented = false;
    }
  }
  if (chomp === '+') {
    for (let i = chompStart; i < lines.length; ++i) value += '\n' + (lines[i]?.[0] ?? '').slice(n);
    if (!value.endsWith('\n')) value += '\n';
  } else if (chomp === '') {
    value += '\n';
  }
  return value;
}

/**
 * Where `needle` next occurs in `text` at or after a position, remembered: the reader asks with positions that only
 * grow (or repeat), so each is found once and reading stays linear however far apart they are (a text with no
 * backslash, asked at each double-quoted scalar, would otherwise be searched to its end each time).
 */
class NextIndex {
  #from = -1;
  #found = -1;

  constructor(
    readonly text: string,
    readonly needle: string,
  ) {}

  at(from: number): number {
    if (this.#from === -1 || from < this.#from || (this.#found !== -1 && from > this.#found)) {
      this.#from = from;
      this.#found = this.text.indexOf(this.needle, from);
    }
    return this.#found;
  }
}
