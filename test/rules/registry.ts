// Keeps the registry in step with the rule files, their doc pages and their tests. (Each rule's own test
// checks its doc page in depth: test/helpers/rule-docs.ts.)
import t from 'tap';
import { readdirSync, existsSync } from 'node:fs';
import { rules } from '../../rules/index.js';

const root = new URL('../../', import.meta.url);
const ruleFiles = readdirSync(new URL('rules/', root))
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .map((f) => f.slice(0, -3));

t.same(Object.keys(rules), [...ruleFiles].sort(), 'the registry lists every rule file, sorted, under its file name');
for (const id of Object.keys(rules)) {
  t.ok(existsSync(new URL(`docs/rules/${id}.md`, root)), `${id} has a doc page`);
  t.ok(existsSync(new URL(`test/rules/${id}.ts`, root)), `${id} has a table test`);
}
