// Keeps the registry in step with the rule files, their doc pages and their tests. (Each rule's own test
// checks its doc page in depth: test/helpers/rule-docs.ts.)
import t from 'tap';
import { readdirSync, existsSync } from 'node:fs';
import { Ajv } from 'ajv';
import { rules } from '../../rules/index.js';
import { withoutNeedlessSchemas } from '../../engine/lint.js';

const root = new URL('../../', import.meta.url);
const ruleFiles = readdirSync(new URL('rules/', root))
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .map((f) => f.slice(0, -3));

t.same(Object.keys(rules), [...ruleFiles].sort(), 'the registry lists every rule file, sorted, under its file name');
for (const id of Object.keys(rules)) {
  t.ok(existsSync(new URL(`docs/rules/${id}.md`, root)), `${id} has a doc page`);
  t.ok(existsSync(new URL(`test/rules/${id}.ts`, root)), `${id} has a table test`);
}

// The runner hands ESLint the built-in rules set without options without their schema (engine/lint.ts,
// withoutNeedlessSchemas): that is safe only while every schema is ESLint's array form (no options is then valid)
// and the defaults ESLint merges in satisfy it. Checked here with Ajv, as ESLint reads the array form.
t.test('every built-in schema is an array, and the defaults satisfy it', (t) => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  for (const [id, rule] of Object.entries(rules)) {
    const schema = rule.meta.schema as unknown;
    t.ok(Array.isArray(schema), `${id}: meta.schema is an array`);
    if (!Array.isArray(schema)) continue;
    const validate = ajv.compile(
      schema.length === 0 ? { type: 'array', maxItems: 0 } : { type: 'array', items: schema, minItems: 0, maxItems: schema.length },
    );
    t.ok(validate([]), `${id}: no options is valid`);
    const defaults = (rule.meta as { defaultOptions?: unknown[] }).defaultOptions ?? [];
    t.ok(validate(defaults), `${id}: its defaults are valid${validate.errors ? `: ${ajv.errorsText(validate.errors)}` : ''}`);
  }
  t.end();
});

t.test('ESLint is handed a built-in rule without its schema only when it is set without options', (t) => {
  const [id, rule] = Object.entries(rules).find(([, r]) => (r.meta.schema as unknown[]).length > 0) ?? [];
  if (!id || !rule) throw new Error('no built-in rule takes options');
  const bare = withoutNeedlessSchemas(rules, { [id]: { severity: 'error', options: [] } });
  t.equal(bare[id]?.meta.schema, false);
  t.equal(bare[id]?.meta.docs, rule.meta.docs, 'the same rule otherwise');
  const set = withoutNeedlessSchemas(rules, { [id]: { severity: 'error', options: [{}] } });
  t.equal(set[id], rule, 'options set: the rule as it is');
  const other = { ...rule };
  t.equal(withoutNeedlessSchemas({ [id]: other }, {})[id], other, 'a rule other than the built-in one: as it is');
  t.end();
});
