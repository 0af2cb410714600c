import { editDistance } from '../language/edit-distance.js';

/**
 * The known words closest to an unknown one (a typo, a missing or extra prefix), nearest first, at most `max`:
 * "did you mean" for rule ids, config keys, options, commands and formats.
 */
export function suggest(word: string, known: Iterable<string>, max = 3): string[] {
  const scored: [string, number][] = [];
  const lower = word.toLowerCase();
  for (const k of new Set(known)) {
    // Two letters swapped (`lnit`) is one slip of the fingers, not two edits.
    const d = swapped(lower, k.toLowerCase()) ? 1 : editDistance(lower, k.toLowerCase());
    // Close enough to be a typo: one edit in a short word (not `xml` for `html`), two in a longer one, one in
    // five characters for long ones; or the word is the start of this one (`--max` for `--max-warnings`).
    const limit = k.length <= 4 ? 1 : Math.max(2, Math.floor(k.length / 5));
    if (d <= limit || (lower.length >= 3 && k.toLowerCase().startsWith(lower))) scored.push([k, d]);
  }
  return scored
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, max)
    .map(([k]) => k);
}

/** ` (did you mean "a" or "b"?)`, or nothing when no known word is close. */
export function didYouMean(word: string, known: Iterable<string>, quote: (s: string) => string = (s) => `"${s}"`): string {
  const near = suggest(word, known);
  return near.length > 0 ? ` (did you mean ${near.map(quote).join(' or ')}?)` : '';
}

/** `b` is `a` with two neighbouring characters swapped. */
function swapped(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff: number[] = [];
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) diff.push(k);
  const [i, j] = diff;
  return diff.length === 2 && i !== undefined && j === i + 1 && a[i] === b[j] && a[j] === b[i];
}
