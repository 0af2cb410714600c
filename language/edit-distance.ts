/**
 * Levenshtein distance (insert, delete, replace), the one copy: "did you mean" for rule ids in config, near
 * misses of allowed words quoted in messages (language/quote.ts), network names close to a declared one.
 */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 0; i < a.length; i++) {
    const cur = [i + 1];
    for (let j = 0; j < b.length; j++) {
      const replace = (prev[j] ?? 0) + (a[i] === b[j] ? 0 : 1);
      cur.push(Math.min((prev[j + 1] ?? 0) + 1, (cur[j] ?? 0) + 1, replace));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
