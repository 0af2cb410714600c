// `npm run new-rule <id>` writes the rule, its test and its page, and registers the rule in id order; bad ids and
// existing rules are refused with exit 2.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/new-rule.mjs', import.meta.url));
const root = t.testdir({});
for (const d of ['rules', 'test/rules', 'docs/rules']) mkdirSync(join(root, d), { recursive: true });
copyFileSync(fileURLToPath(new URL('../../rules/index.ts', import.meta.url)), join(root, 'rules/index.ts'));
const run = (...args: string[]) => spawnSync(process.execPath, [script, '--root', root, ...args], { encoding: 'utf8' });

t.test('scaffolds a facts rule', (t) => {
  const r = run('lost-gossip', 'audit', 'preflight');
  t.equal(r.status, 0, r.stderr);
  const rule = readFileSync(join(root, 'rules/lost-gossip.ts'), 'utf8');
  t.match(rule, "name: 'lost-gossip'");
  t.match(rule, "checks: ['audit', 'preflight']");
  t.match(rule, 'Facts(root)');
  t.match(readFileSync(join(root, 'test/rules/lost-gossip.ts'), 'utf8'), "checkRuleDocs('lost-gossip', rule)");
  const doc = readFileSync(join(root, 'docs/rules/lost-gossip.md'), 'utf8');
  for (const h of [
    '# lost-gossip',
    '## What it checks',
    '## Why it matters',
    '## How to fix',
    '## Options',
    '### Bad',
    '### Good',
    '## Sources',
  ])
    t.match(doc, `${h}\n`);
  t.match(doc, '| audit, preflight |');
  const index = readFileSync(join(root, 'rules/index.ts'), 'utf8');
  const at = (s: string): number => index.indexOf(s);
  t.ok(at("import kernelPrerequisites from './kernel-prerequisites.js';") < at("import lostGossip from './lost-gossip.js';"));
  t.ok(at("import lostGossip from './lost-gossip.js';") < at("import missingIngress from './missing-ingress.js';"));
  t.ok(at("  'kernel-prerequisites': kernelPrerequisites,") < at("  'lost-gossip': lostGossip,"));
  t.ok(at("  'lost-gossip': lostGossip,") < at("  'missing-ingress': missingIngress,"));
  t.end();
});

t.test('refuses a bad id, an unknown document and an existing rule', (t) => {
  for (const args of [['Bad_Id'], ['x-rule', 'cluster'], ['lost-gossip'], []]) {
    const r = run(...args);
    t.equal(r.status, 2, `${args.join(' ')}: exit 2`);
    t.match(r.stderr, /^new-rule: /);
  }
  t.end();
});
