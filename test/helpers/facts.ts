// Facts documents for rule tests, and where things are in them (so expected lines are computed, not guessed).

export function factsDoc(parts: Record<string, unknown>, kind: 'audit' | 'preflight' = 'audit'): string {
  return JSON.stringify({ format: 'swarmlint-facts/1', kind, ...parts }, null, 2);
}

/** The 1-based line of the object whose first line after `{` contains `needle` (objects are reported at their `{`). */
export function objectLine(code: string, needle: string): number {
  const lines = code.split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  if (i < 1) throw new Error(`${needle} is not in the document`);
  for (let j = i; j >= 0; j--) if (lines[j]?.trimEnd().endsWith('{')) return j + 1;
  throw new Error(`no object around ${needle}`);
}
