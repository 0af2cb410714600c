import { LoadError } from './errors.js';
import type { LoadLimits } from './limits.js';
import type { Position, SourceLocation } from '../model.js';

/** Line starts of a text, for turning offsets into 1-based lines and 0-based columns. */
export class LineIndex {
  readonly starts: number[] = [0];

  constructor(readonly text: string) {
    // Without a carriage return, the line feeds are found by indexOf (a saved audit is megabytes: 2.5× faster).
    if (!text.includes('\r')) {
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.starts[lo] ?? 0) };
  }

  loc(start: number, end: number): SourceLocation {
    return { start: this.position(start), end: this.position(end) };
  }
}

/**
 * Bytes to text the way a YAML reader should see them, or a LoadError: too large, binary (a NUL byte), not
 * UTF-8 (with the byte offset's line and column), or nested deeper than the limit. A byte-order mark is removed
 * and remembered so a fix can put it back.
 */
export function decodeText(bytes: Uint8Array, file: string, limits: LoadLimits): { text: string; bom: boolean } {
  if (bytes.length > limits.maxFileBytes) throw tooLarge(bytes.length, file, limits);
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    const at = positionOfByte(bytes, nul);
    throw new LoadError('binary data (a NUL byte), not a YAML text', file, at.line, at.column);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const at = positionOfByte(bytes, bad);
    throw new LoadError('invalid UTF-8', file, at.line, at.column);
  }
  // TextDecoder drops a leading byte-order mark by itself; look at the bytes to remember it.
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  checkDepth(text, file, limits.maxDepth);
  return { text, bom };
}

/** The error for a file over the size limit (also used before reading a file whose size is known). */
export function tooLarge(size: number, file: string, limits: LoadLimits, what = 'a stack file'): LoadError {
  return new LoadError(`file is ${formatBytes(size)}, over the ${formatBytes(limits.maxFileBytes)} limit for ${what}`, file, 1, 1);
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MiB` : `${String(Math.ceil(n / 1024))} KiB`;
}

function positionOfByte(bytes: Uint8Array, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index; i++) {
    if (bytes[i] === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: index - lineStart + 1 };
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    // Overlong three-byte forms, surrogates, and code points past U+10FFFF.
    const c1 = bytes[i + 1] ?? 0;
    if ((b === 0xe0 && c1 < 0xa0) || (b === 0xed && c1 > 0x9f) || (b === 0xf0 && c1 < 0x90) || (b === 0xf4 && c1 > 0x8f)) return i;
    i += need + 1;
  }
  return bytes.length;
}

/**
 * A linear, conservative scan for nesting depth, run before the YAML parser: past a few hundred levels the
 * parser's recursion can exhaust the stack in a way that aborts the process instead of throwing. Counts flow
 * brackets outside quotes and comments, block indentation levels, and compact `- - -` sequence indicators. It
 * may count a little more than the YAML really nests (inside block scalars), never less.
 */
export function checkDepth(text: string, file: string, maxDepth: number): void {
  const indents: number[] = [];
  let flow = 0;
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    // Start of a line: measure indentation.
    INDENT.lastIndex = i;
    INDENT.test(text);
    const indent = INDENT.lastIndex - i;
    i = INDENT.lastIndex;
    const c = text.charCodeAt(i);
    const blank = i >= n || c === 10 || c === 13 || c === 35; /* # */
    let compact = 0;
    if (!blank && flow === 0) {
      while (indents.length > 0 && (indents[indents.length - 1] ?? 0) >= indent) indents.pop();
      indents.push(indent);
      // Compact nested sequences on one line: `- - - x`.
      let j = i;
      while ((text[j] === '-' || text[j] === '?') && (text[j + 1] === ' ' || text[j + 1] === '\t')) {
        compact++;
        j += 2;
        while (text[j] === ' ') j++;
      }
    }
    // Rest of the line: flow brackets outside quotes and comments. Only the characters SIGNIFICANT finds do
    // anything; the search skips the others (this runs on every file before it is parsed, in code not yet optimised).
    let quote = 0;
    while (i < n) {
      SIGNIFICANT.lastIndex = i;
      if (!SIGNIFICANT.test(text)) {
        i = n;
        break;
      }
      i = SIGNIFICANT.lastIndex - 1;
      const ch = text.charCodeAt(i);
      if (ch === 10 || ch === 13) break;
      if (quote !== 0) {
        if (ch === quote) quote = 0;
        else if (ch === 92 /* \ */ && quote === 34) i++;
        i++;
        continue;
      }
      if (ch === 34 || ch === 39) {
        const prev = text.charCodeAt(i - 1);
        // A quote starts a quoted scalar only after an indicator or space, not inside a plain word (it's).
        if (i === 0 || prev === 32 || prev === 91 || prev === 123 || prev === 44 || prev === 58 || prev === 45 || prev === 9) quote = ch;
        i++;
        continue;
      }
      if (ch === 35 && (i === 0 || text.charCodeAt(i - 1) === 32)) {
        LINE_END.lastIndex = i;
        i = LINE_END.test(text) ? LINE_END.lastIndex - 1 : n;
        break;
      }
      if (ch === 91 || ch === 123) {
        flow++;
        if (indents.length + compact + flow > maxDepth) throw tooDeep(file, line, i, text, maxDepth);
      } else if ((ch === 93 || ch === 125) && flow > 0) flow--;
      i++;
    }
    if (indents.length + compact + flow > maxDepth) throw tooDeep(file, line, i, text, maxDepth);
    // Line break.
    if (i < n && text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10) i++;
    i++;
    line++;
  }
}

const INDENT = / */y;
/** What can change checkDepth's count within a line: quotes, a comment, flow brackets, an escape, a line break. */
const SIGNIFICANT = /["'#[\]{}\\\n\r]/g;
const LINE_END = /[\n\r]/g;

function tooDeep(file: string, line: number, offset: number, text: string, max: number): LoadError {
  const lineStart = Math.max(text.lastIndexOf('\n', offset - 1), text.lastIndexOf('\r', offset - 1)) + 1;
  return new LoadError(`nesting deeper than ${String(max)} levels`, file, line, offset - lineStart + 1);
}
