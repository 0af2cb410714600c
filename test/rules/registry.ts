// Keeps the parts of every rule in step: registry, file, docs URL, doc page (headings, description,
// remediation, table), table test, and the doc page's examples (Bad must be reported, Good must not).
import t from 'tap';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { rules } from '../../rules/index.js';
import { DOCS_BASE } from '../../engine/meta.js';
import { prepareDocument, isDocument } from '../../engine/documents.js';
import { lintDocuments } from '../../engine/lint.js';
import type { ClusterProfile } from '../../rules/utils/settings.js';

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');
const ruleFiles = readdirSync(new URL('rules/', root))
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .map((f) => f.slice(0, -3));
const HEADINGS = ['## What it checks', '## Why it matters', '## How to fix', '## Options', '## Examples', '## Sources'];

t.test('the registry lists every rule file, sorted, under its file name', (t) => {
  t.same(Object.keys(rules), [...ruleFiles].sort());
  t.same(Object.keys(rules), [...Object.keys(rules)].sort());
  t.end();
});

for (const [id, rule] of Object.entries(rules)) {
  t.test(`rule ${id}`, (t) => {
    const docs = rule.meta.docs;
    if (!docs) throw new Error(`${id} has no meta.docs`);
    t.equal((rule as { name?: string }).name, id, 'created under its id');
    t.equal(docs.url, `${DOCS_BASE}${id}.md`, 'docs URL derived from the id');
    t.ok(existsSync(new URL(`test/rules/${id}.ts`, root)), 'has a table test');
    const page = read(`docs/rules/${id}.md`);
    t.equal(page.split('\n')[0], `# ${id}`, 'page title is the id');
    t.ok(page.includes(`> ${docs.description}\n`), 'page quotes meta.docs.description');
    for (const h of HEADINGS) t.ok(page.includes(`\n${h}\n`), `page has "${h}"`);
    const fix = page.slice(page.indexOf('## How to fix'), page.indexOf('## Options'));
    t.ok(fix.includes(docs.remediation), 'How to fix holds meta.docs.remediation');
    const row = [docs.severity, docs.recommended ? 'yes' : 'no', rule.meta.fixable ? 'yes' : 'no'];
    t.match(page, new RegExp(`\\n\\|\\s*${row.join('\\s*\\|\\s*')}\\s*\\|`), `table row starts with ${row.join(' | ')}`);

    // The examples: each fenced block under ### Bad / ### Good, with an optional <!-- cluster: {...} -->.
    for (const [heading, expectFindings] of [
      ['### Bad', true],
      ['### Good', false],
    ] as const) {
      const start = page.indexOf(`\n${heading}\n`);
      t.not(start, -1, `has ${heading}`);
      const section = page.slice(start, page.indexOf('\n## ', start + 1) === -1 ? undefined : page.indexOf('\n## ', start + 1));
      const next = section.indexOf('\n### ', 2);
      const body = next === -1 ? section : section.slice(0, next);
      const blocks = [...body.matchAll(/(?:<!-- cluster: (.*?) -->\n+)?```(?:yaml|json)\n([\s\S]*?)```/g)];
      t.ok(blocks.length > 0, `${heading} has an example`);
      for (const [, clusterJson, code] of blocks) {
        const doc = prepareDocument([{ path: `${id}-example.yml`, text: code ?? '' }]);
        if (!isDocument(doc)) throw new Error(`${id} ${heading} example does not load: ${doc.message}`);
        const cluster = clusterJson ? (JSON.parse(clusterJson) as ClusterProfile) : {};
        const report = lintDocuments([doc], { rules: { [id]: { severity: docs.severity, options: [] } }, cluster });
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
