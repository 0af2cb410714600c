import { TOOL_NAME, TOOL_VERSION } from '../language/meta.js';
import { rules } from '../rules/index.js';
import type { SwarmlintDocs } from '../rules/utils/create-rule.js';

export const RULES_HELP = `Usage: swarmlint rules [--format text|json]
       swarmlint help rules [--format text|json]

Lists the built-in rules: id, default severity, recommended, fixable, description. --format json adds what
each checks (stack files, audit, preflight), its remediation, docs URL and options schema, for tools.`;

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

/** `swarmlint rules --format json`: every rule as tools need it (editor integrations, docs sites, CI summaries). */
export function rulesJson(): string {
  const out = {
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    rules: Object.entries(rules).map(([id, rule]) => {
      const docs = rule.meta.docs as SwarmlintDocs & { url?: string };
      return {
        id,
        description: docs.description,
        severity: docs.severity,
        recommended: docs.recommended,
        fixable: Boolean(rule.meta.fixable),
        checks: docs.checks ?? [],
        remediation: docs.remediation,
        ...(docs.url ? { docsUrl: docs.url } : {}),
        schema: rule.meta.schema,
      };
    }),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
