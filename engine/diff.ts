/**
 * A unified diff of two texts (what `--fix-dry-run` would write), line by line with three lines of context, as
 * `diff -u` and `git diff` print it. Lines keep no line break in the output; a change in line breaks alone
 * (CRLF kept by the fixes) does not show. The common head and tail are skipped before the line-by-line
 * comparison, so its cost is that of the changed region.
 */
const CONTEXT = 3;
/** Above this many cells the changed region is shown as one replacement instead of being compared line by line. */
const MAX_CELLS = 4_000_000;

type Op = { kind: ' ' | '-' | '+'; text: string };

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The edit script between two line lists: longest common subsequence, deletions before insertions. */
function script(a: readonly string[], b: readonly string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const ops: Op[] = a.slice(0, head).map((text) => ({ kind: ' ', text }));
  if ((midA.length + 1) * (midB.length + 1) > MAX_CELLS) {
    for (const text of midA) ops.push({ kind: '-', text });
    for (const text of midB) ops.push({ kind: '+', text });
  } else {
    const n = midA.length;
    const m = midB.length;
    // lcs[i][j]: length of the longest common subsequence of midA[i..] and midB[j..].
    const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      const row = lcs[i] as Uint32Array;
      const below = lcs[i + 1] as Uint32Array;
      for (let j = m - 1; j >= 0; j--)
        row[j] = midA[i] === midB[j] ? (below[j + 1] as number) + 1 : Math.max(below[j] as number, row[j + 1] as number);
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        ops.push({ kind: ' ', text: midA[i++] as string });
        j++;
      } else if (j >= m || (i < n && (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) ops.push({ kind: '-', text: midA[i++] as string });
      else ops.push({ kind: '+', text: midB[j++] as string });
    }
  }
  for (const text of a.slice(a.length - tail)) ops.push({ kind: ' ', text });
  return ops;
}

/** `--- a/<label>`, `+++ b/<label>` and the hunks; empty when the texts have the same lines. */
export function unifiedDiff(label: string, before: string, after: string): string {
  const ops = script(splitLines(before), splitLines(after));
  const changed = ops.flatMap((op, index) => (op.kind === ' ' ? [] : [index]));
  if (changed.length === 0) return '';
  let out = `--- a/${label}\n+++ b/${label}\n`;
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, (changed[k] as number) - CONTEXT);
    let end = (changed[k] as number) + CONTEXT + 1;
    while (k + 1 < changed.length && (changed[k + 1] as number) - CONTEXT <= end) end = (changed[++k] as number) + CONTEXT + 1;
    k++;
    end = Math.min(end, ops.length);
    // Line numbers at the hunk's start, counted over the operations before it.
    let lineA = 1;
    let lineB = 1;
    for (const op of ops.slice(0, start)) {
      if (op.kind !== '+') lineA++;
      if (op.kind !== '-') lineB++;
    }
    const hunk = ops.slice(start, end);
    const countA = hunk.filter((op) => op.kind !== '+').length;
    const countB = hunk.filter((op) => op.kind !== '-').length;
    out += `@@ -${String(countA === 0 ? lineA - 1 : lineA)},${String(countA)} +${String(countB === 0 ? lineB - 1 : lineB)},${String(countB)} @@\n`;
    for (const op of hunk) out += `${op.kind}${op.text}\n`;
  }
  return out;
}
