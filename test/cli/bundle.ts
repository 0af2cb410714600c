// The built CLI is a bundle (scripts/bundle-vendored.mjs): what the bundling leaves out must not show. ESLint's
// JavaScript rules are placeholders in the vendored bundle, so a suppression comment naming one is still a known
// rule that reported nothing (unused), and one naming no rule is still ESLint's error; and `swarmlint lint` loads
// its bundle and the vendored one, nothing else of dist/.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, swarmlint } from '../helpers/cli.js';

t.setTimeout(600_000);

const cwd = t.testdir({
  'stack.yml': [
    'version: "3.8"',
    'services:',
    '  web:',
    '    # eslint-disable-next-line no-console',
    '    image: nginx:1.27',
    '    # eslint-disable-next-line no-such-rule-anywhere',
    '    command: ["nginx"]',
    '',
  ].join('\n'),
});

t.test('a suppression naming an ESLint core rule is unused; one naming no rule is an error', async (t) => {
  const r = await swarmlint(['lint', '-f', 'json', 'stack.yml'], { cwd });
  t.equal(r.code, 1, r.stderr);
  const { findings } = JSON.parse(r.stdout) as { findings: { ruleId: string; line: number; message: string; severity: string }[] };
  t.same(
    findings.map((f) => [f.line, f.ruleId, f.severity, f.message]),
    [
      [4, 'unused-suppression', 'warning', 'Unused suppression: no problem from no-console was reported here.'],
      [6, 'no-such-rule-anywhere', 'error', "Definition for rule 'no-such-rule-anywhere' was not found."],
    ],
  );
});

t.test('dist/cli/main.js and lint.js import only Node, the vendored bundle and what they load lazily', (t) => {
  const staticImports = (file: string): string[] => [
    ...new Set(
      [...readFileSync(join(ROOT, 'dist/cli', file), 'utf8').matchAll(/^import\s[^'"]*?['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? ''),
    ),
  ];
  t.same(
    staticImports('main.js').filter((p) => !p.startsWith('node:')),
    [],
    'main.js: Node only',
  );
  t.same(
    staticImports('lint.js').filter((p) => !p.startsWith('node:')),
    ['../engine/vendored.js'],
    'lint.js: Node and the vendored bundle',
  );
  t.end();
});
