// `npm run new-rule <id> [stack|audit|preflight ...]`: scaffolds a rule as DEVELOPING.md ("Writing a rule") asks:
// rules/<id>.ts, test/rules/<id>.ts (a table test and the doc check), docs/rules/<id>.md (the headings the doc
// check wants), and the rule registered in rules/index.ts in id order. The scaffold is meant to fail its tests
// until the rule, its cases and its examples are written (a TODO is never a pass). Like eslint-plugin-yml's
// tools/new-rule.ts. `--root DIR` scaffolds into another checkout (the test uses it).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
let root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const rootAt = args.indexOf('--root');
if (rootAt !== -1) {
  root = resolve(args[rootAt + 1] ?? '.');
  args.splice(rootAt, 2);
}
const [id, ...checked] = args;
const fail = (message) => {
  process.stderr.write(`new-rule: ${message}\n`);
  process.exit(2);
};
if (!id || !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(id)) fail('usage: npm run new-rule <id> [stack|audit|preflight ...] (id in kebab-case)');
const checks = checked.length > 0 ? checked : ['stack'];
for (const c of checks) if (!['stack', 'audit', 'preflight'].includes(c)) fail(`"${c}": a rule checks stack, audit or preflight`);
const files = { rule: `rules/${id}.ts`, test: `test/rules/${id}.ts`, doc: `docs/rules/${id}.md` };
for (const f of Object.values(files)) if (existsSync(join(root, f))) fail(`${f} exists already`);
const camel = id.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
const visitor = checks.includes('stack') ? 'Stack' : 'Facts';
const checksText = checks.map((c) => (c === 'stack' ? 'stack files' : c)).join(', ');

const rule = `import { createRule, report, visit } from './utils/create-rule.js';

export default createRule({
  name: '${id}',
  meta: {
    type: 'problem',
    docs: {
      description: 'TODO: one sentence, the same as the quote at the top of docs/rules/${id}.md.',
      severity: 'error',
      recommended: true,
      checks: [${checks.map((c) => `'${c}'`).join(', ')}],
      remediation: 'TODO: how to fix it, in a sentence or three of markdown (also in the page under "How to fix").',
    },
    schema: [],
    defaultOptions: [],
    messages: {
      // One messageId per distinct problem, each with its own sentence: what is wrong, and what breaks.
      todo: 'TODO: what is wrong with {{name}}, and what breaks because of it.',
    },
  },
  create(context) {
    return visit({
      ${visitor}(root) {
        // TODO: the check. Report at the value, not the whole node: report(context, node.at.field ?? node, ...).
        if (root.range[1] < 0) report(context, root, 'todo', { name: 'TODO' });
      },
    });
  },
});
`;

const test = `import { checkRuleDocs } from '../helpers/rule-docs.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/${id}.js';

testRule('${id}', rule, {
  valid: [{ name: 'TODO: a case that must stay clean', code: 'TODO' }],
  invalid: [
    {
      name: 'TODO: a case that must be reported',
      code: 'TODO',
      errors: [{ messageId: 'todo', line: 1, column: 1 }],
    },
  ],
});

checkRuleDocs('${id}', rule);
`;

const doc = `# ${id}

> TODO: one sentence, the same as the quote at the top of docs/rules/${id}.md.

| Severity | In \`recommended\` | Fixable | Checks |
| -------- | ---------------- | ------- | ------ |
| error    | yes              | no      | ${checksText} |

## What it checks

TODO

## Why it matters

TODO (with the Docker documentation or moby issue it rests on)

## How to fix

TODO: how to fix it, in a sentence or three of markdown (also in the page under "How to fix").

## Options

None.

## Examples

### Bad

\`\`\`${checks.includes('stack') ? 'yaml' : 'json'}
TODO
\`\`\`

### Good

\`\`\`${checks.includes('stack') ? 'yaml' : 'json'}
TODO
\`\`\`

## Sources

- TODO
`;

const indexPath = join(root, 'rules/index.ts');
const index = readFileSync(indexPath, 'utf8');
const imports = [...index.matchAll(/^import (\w+) from '\.\/([a-z0-9-]+)\.js';$/gm)];
const after = imports.filter((m) => m[2] < id).at(-1) ?? imports[0];
const entries = [...index.matchAll(/^ {2}(?:'([a-z0-9-]+)'|([a-z0-9]+)): \w+,$|^ {2}([a-z0-9]+),$/gm)];
const key = /-/.test(id) ? `'${id}'` : id;
const entryAfter = entries.filter((m) => (m[1] ?? m[2] ?? m[3]) < id).at(-1);
if (!after || !entries.length) fail('rules/index.ts: no imports or entries found');
let out = index;
const importLine = `import ${camel} from './${id}.js';\n`;
const importAt = after[2] < id ? after.index + after[0].length + 1 : after.index;
out = out.slice(0, importAt) + importLine + out.slice(importAt);
const shift = importLine.length;
const entryLine = `  ${key === camel ? key : `${key}: ${camel}`},\n`;
const first = entries[0];
const entryAt = entryAfter ? entryAfter.index + shift + entryAfter[0].length + 1 : first.index + shift;
out = out.slice(0, entryAt) + entryLine + out.slice(entryAt);

writeFileSync(join(root, files.rule), rule);
writeFileSync(join(root, files.test), test);
writeFileSync(join(root, files.doc), doc);
writeFileSync(indexPath, out);
process.stdout.write(
  `new-rule: wrote ${files.rule}, ${files.test}, ${files.doc} and registered ${id} in rules/index.ts.\n` +
    `Next: write the check, the cases and the page, then npx prettier --write them and npx tap ${files.test}.\n`,
);
