import { rules } from '../rules/index.js';
import type { SwarmlintDocs } from '../rules/utils/create-rule.js';

/** `swarmlint rules`: id, default severity, recommended, fixable, description. */
export function listRules(): string {
  const rows = Object.entries(rules).map(([id, rule]) => {
    // Every built-in rule has docs (test/rules/registry.ts and each rule's doc check).
    const docs = rule.meta.docs as SwarmlintDocs;
    return [id, docs.severity, docs.recommended ? 'recommended' : '', rule.meta.fixable ? 'fixable' : '', docs.description];
  });
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return `${rows.map((r) => r.map((c, i) => (i < 4 ? c.padEnd(Number(widths[i])) : c)).join('  ')).join('\n')}\n`;
}
