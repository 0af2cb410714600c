import type { FileEdit } from './findings.js';

/**
 * Applies edits to one text the way ESLint's fixer does: in order of position, skipping an edit that
 * overlaps one already applied (it is tried again on the next pass, after re-linting).
 */
export function applyEdits(text: string, edits: readonly FileEdit[]): { text: string; applied: number } {
  const sorted = [...edits].sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
  let out = '';
  let at = 0;
  let applied = 0;
  for (const e of sorted) {
    if (e.range[0] < at || e.range[1] > text.length) continue;
    out += text.slice(at, e.range[0]) + e.text;
    at = e.range[1];
    applied++;
  }
  return { text: out + text.slice(at), applied };
}
