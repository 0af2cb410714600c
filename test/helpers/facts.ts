// Facts documents for rule tests, and where things are in them (so expected lines are computed, not guessed).
import type { PreflightFacts } from '../../language/facts-format.js';

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

/** A host's preflight facts with one probe that could not run: a warning with no position in any file. */
export const PREFLIGHT_ICMP_SKIPPED: PreflightFacts = {
  format: 'swarmlint-facts/1',
  kind: 'preflight',
  collectedAt: '2026-11-23T12:00:00.000Z',
  source: 'swl-n3',
  nodes: [],
  networks: [],
  services: [],
  outcomes: [
    {
      probe: 'peer/198.18.0.101/icmp',
      status: 'skipped',
      reason: 'no raw ICMP socket',
      subject: 'ICMP echo and the path MTU (DF set) to manager 198.18.0.101',
    },
  ],
  peers: [{ address: '198.18.0.101', role: 'manager', checks: [] }],
};
