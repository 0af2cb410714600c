import { rules } from '../rules/index.js';

/** `swarmlint rules`: id, default severity, recommended, fixable, description. */
export function listRules(): string {
  const rows = Object.entries(rules).map(([id, rule]) => {
    const docs = rule.meta.docs;
    return [id, docs?.severity ?? '', docs?.recommended ? 'recommended' : '', rule.meta.fixable ? 'fixable' : '', docs?.description ?? ''];
  });
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return `${rows.map((r) => r.map((c, i) => (i < 4 ? c.padEnd(widths[i] ?? 0) : c)).join('  ')).join('\n')}\n`;
}
