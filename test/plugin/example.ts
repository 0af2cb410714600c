// Pluggable rules: fixtures/plugins/example (written like the built-in rules) loaded through a config file's
// `plugins`, and a plugin rule that throws.
import t from 'tap';
import { fileURLToPath } from 'node:url';
import example from '../../fixtures/plugins/example/index.js';
import { swarmlintInProcess } from '../helpers/cli.js';
import { testRule } from '../helpers/tap.js';

// In this process (the same main as the binary's, with its own streams and working folder). A hang limit, not a
// speed bound.
t.setTimeout(600_000);

const EXAMPLE = fileURLToPath(new URL('../../fixtures/plugins/example/index.ts', import.meta.url));
const DOCS = 'https://example.com/swarmlint-plugin-example/rules/explicit-image-tag.md';
const REMEDIATION = example.rules['explicit-image-tag'].meta.docs?.remediation ?? '(none)';

const STACK = `version: "3.8"
services:
  web:
    image: nginx
    container_name: web
  api:
    image: registry.example:5000/api
`;

interface Json {
  findings: { ruleId: string; file: string; line: number; message: string; fix?: unknown }[];
  errors: { kind: string; ruleId?: string; message: string; file?: string }[];
  rules: Record<string, { docsUrl?: string; remediation?: string; description: string; severity: string }>;
}

t.test('the example plugin: findings under example/<rule>, with its docs URL', async (t) => {
  const cwd = t.testdir({
    'swarmlint.config.yml': `plugins:\n  example: ${EXAMPLE}\nrules:\n  example/explicit-image-tag: warning\n`,
    'docker-stack.yml': STACK,
  });
  const r = await swarmlintInProcess(['lint', '-f', 'json', 'docker-stack.yml'], { cwd, typescript: true });
  t.equal(r.code, 0, 'warnings only');
  const out = JSON.parse(r.stdout) as Json;
  t.same(
    out.findings.map((f) => [f.ruleId, f.line]),
    [
      ['example/explicit-image-tag', 4],
      ['swarm-ignored-key', 5],
      ['example/explicit-image-tag', 7],
    ],
    'beside the built-in rules, at the image lines (a registry port is not a tag)',
  );
  t.match(out.findings[0]?.message, 'Service `web` runs image `nginx` without a tag');
  t.equal(out.rules['example/explicit-image-tag']?.docsUrl, DOCS, "the plugin's docs URL");
  t.equal(out.rules['example/explicit-image-tag']?.remediation, REMEDIATION);
  const sarif = await swarmlintInProcess(['lint', '-f', 'sarif', 'docker-stack.yml'], { cwd, typescript: true });
  const log = JSON.parse(sarif.stdout) as { runs: { tool: { driver: { rules: { id: string; helpUri?: string }[] } } }[] };
  t.equal(log.runs[0]?.tool.driver.rules.find((x) => x.id === 'example/explicit-image-tag')?.helpUri, DOCS, 'SARIF helpUri');
  const stylish = await swarmlintInProcess(['lint', 'docker-stack.yml'], { cwd, typescript: true });
  t.match(stylish.stdout, `  example/explicit-image-tag: ${REMEDIATION} ${DOCS}`, 'How to fix');
});

t.test('a plugin rule that throws: exit 2 naming the rule; the other rules still report', async (t) => {
  const cwd = t.testdir({
    'boom.mjs': [
      'export default { rules: {',
      "  explode: { meta: { type: 'problem', schema: [] }, create() { return { Service(s) { if (s.name === 'api') throw new Error(`cannot handle ${s.name}`); } }; } },",
      '} };',
      '',
    ].join('\n'),
    'swarmlint.config.yml': 'plugins:\n  boom: ./boom.mjs\nrules:\n  boom/explode: error\n',
    'docker-stack.yml': STACK,
    'other-stack.yml': 'services:\n  web:\n    image: nginx:1\n    restart: "no"\n',
  });
  const r = await swarmlintInProcess(['lint', '-f', 'json', 'docker-stack.yml', 'other-stack.yml'], { cwd });
  t.equal(r.code, 2, 'exit 2');
  const out = JSON.parse(r.stdout) as Json;
  t.same(
    out.errors.map((e) => [e.kind, e.ruleId, e.file]),
    [['rule', 'boom/explode', 'docker-stack.yml']],
    'one error, for the rule and the document it failed on',
  );
  t.match(out.errors[0]?.message, /^rule boom\/explode failed on this document and was skipped: cannot handle api$/);
  t.same(
    out.findings.map((f) => [f.ruleId, f.file, f.line]),
    [
      ['swarm-ignored-key', 'docker-stack.yml', 5],
      ['swarm-ignored-key', 'other-stack.yml', 4],
    ],
    'the built-in rules still report, on both documents',
  );
  const stylish = await swarmlintInProcess(['lint', 'docker-stack.yml'], { cwd });
  t.equal(stylish.code, 2);
  t.match(stylish.stdout, /^docker-stack\.yml: error: rule boom\/explode failed on this document and was skipped: cannot handle api\n/);
  t.match(stylish.stdout, /✖ 1 problem \(1 warning\), 1 rule failed\n$/);
});

// The example rule's own table test, run by the same RuleTester as the built-in rules.
const rule = example.rules['explicit-image-tag'];
testRule('example/explicit-image-tag', rule, {
  valid: [
    'services:\n  web:\n    image: nginx:1.27\n',
    'services:\n  web:\n    image: nginx@sha256:0123\n',
    'services:\n  web:\n    build: .\n',
    { code: 'services:\n  web:\n    image: nginx\n', options: [{ allow: ['nginx'] }] },
  ],
  invalid: [
    {
      code: 'services:\n  web:\n    image: nginx\n',
      errors: [{ messageId: 'noTag', line: 3, column: 12, data: { service: 'web', image: 'nginx' } }],
      output: 'services:\n  web:\n    image: nginx:latest\n',
    },
    {
      name: 'a quoted image is reported, not rewritten',
      code: "services:\n  web:\n    image: 'nginx'\n",
      errors: [{ messageId: 'noTag', line: 3 }],
      output: null,
    },
  ],
});
