// Checks one rule's doc page against the rule: title, description, headings, remediation, table row, and the
// examples (Bad must be reported by the rule, Good must not). Every test/rules/<id>.ts calls it.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { DOCS_BASE } from '../../language/meta.js';
import { prepareDocument, isDocument } from '../../engine/documents.js';
import { lintDocuments } from '../../engine/lint.js';
import type { SwarmlintRule } from '../../rules/index.js';
import type { ClusterProfile } from '../../language/settings.js';

const HEADINGS = ['## What it checks', '## Why it matters', '## How to fix', '## Options', '## Examples', '## Sources'];

export function checkRuleDocs(id: string, rule: SwarmlintRule): void {
  t.test(`${id}: doc page`, (t) => {
    const docs = rule.meta.docs;
    if (!docs) throw new Error(`${id} has no meta.docs`);
    t.equal((rule as { name?: string }).name, id, 'created under its id');
    t.equal(docs.url, `${DOCS_BASE}${id}.md`, 'docs URL derived from the id');
    const page = readFileSync(new URL(`../../docs/rules/${id}.md`, import.meta.url), 'utf8');
    t.equal(page.split('\n')[0], `# ${id}`, 'page title is the id');
    t.ok(page.includes(`> ${docs.description}\n`), 'page quotes meta.docs.description');
    for (const h of HEADINGS) t.ok(page.includes(`\n${h}\n`), `page has "${h}"`);
    const fix = page.slice(page.indexOf('## How to fix'), page.indexOf('## Options'));
    t.ok(fix.includes(docs.remediation), 'How to fix holds meta.docs.remediation');
    const row = [docs.severity, docs.recommended ? 'yes' : 'no', rule.meta.fixable ? 'yes' : 'no'];
    const checks = (docs.checks ?? []).map((c) => (c === 'stack' ? 'stack files' : c)).join(', ');
    t.ok(checks, 'meta.docs.checks names the documents the rule checks');
    row.push(checks);
    t.match(page, new RegExp(`\\n\\|\\s*${row.join('\\s*\\|\\s*')}\\s*\\|\\n`), `table row is ${row.join(' | ')} (from meta)`);

    for (const [heading, expectFindings] of [
      ['### Bad', true],
      ['### Good', false],
    ] as const) {
      const start = page.indexOf(`\n${heading}\n`);
      t.not(start, -1, `has ${heading}`);
      const end = page.indexOf('\n## ', start + 1);
      const section = page.slice(start + 1, end === -1 ? undefined : end);
      const next = section.indexOf('\n### ');
      const body = next === -1 ? section : section.slice(0, next);
      const blocks = [...body.matchAll(/(?:<!-- cluster: (.*?) -->\n+)?```(?:yaml|json)\n([\s\S]*?)```/g)];
      t.ok(blocks.length > 0, `${heading} has an example`);
      for (const [, clusterJson, code] of blocks) {
        const doc = prepareDocument([{ path: `${id}-example.yml`, text: code ?? '' }]);
        if (!isDocument(doc)) throw new Error(`${id} ${heading} example does not load: ${doc.message}`);
        const cluster = clusterJson ? (JSON.parse(clusterJson) as ClusterProfile) : {};
        const report = lintDocuments([doc], {
          rules: { [id]: { severity: docs.severity, options: [] } },
          cluster,
          builtins: { [id]: rule },
        });
        const mine = report.findings.filter((f) => f.ruleId === id);
        t.same(report.errors, [], `${heading} example runs without errors`);
        if (expectFindings) t.ok(mine.length > 0, `${heading} example is reported`);
        else
          t.same(
            mine.map((f) => f.message),
            [],
            `${heading} example is clean`,
          );
      }
    }
    t.end();
  });
}
