// The ESLint plugin (index.ts's default export) inside ESLint's own ESLint class: recommended config over a
// docker-stack.yml, rule ids swarmlint/<rule>, lines, and inline disable comments.
import t from 'tap';
import { ESLint, type Linter } from 'eslint';
import swarmlint from '../../index.js';

const STACK = `version: "3.8"
services:
  web:
    image: nginx:1.27
    container_name: web
    ports:
      - "80:80"
    deploy:
      endpoint_mode: dnsrr
  api:
    image: api:1
    # eslint-disable-next-line swarmlint/swarm-ignored-key -- kept for docker compose up on laptops
    container_name: api
    restart: "no" # swarmlint-disable-line swarm-ignored-key
`;

const recommended = swarmlint.configs?.recommended as Linter.Config;

async function lint(cwd: string, config: Linter.Config[] = [recommended]): Promise<ESLint.LintResult[]> {
  const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: config });
  return eslint.lintFiles(['.']);
}

t.test('recommended config over a docker-stack.yml', async (t) => {
  const cwd = t.testdir({
    'docker-stack.yml': STACK,
    deploy: { 'api-stack.yaml': 'services:\n  x:\n    image: a:1\n    restart: "no"\n' },
    'notes.yml': 'not: a stack\n',
  });
  const results = await lint(cwd);
  t.same(
    results.map((r) => r.filePath.slice(cwd.length + 1)).sort(),
    ['deploy/api-stack.yaml', 'docker-stack.yml'],
    'the stack file patterns, not every YAML file',
  );
  const stack = results.find((r) => r.filePath.endsWith('docker-stack.yml'));
  t.same(
    stack?.messages.map((m) => [m.ruleId, m.line, m.column, m.severity]),
    [
      ['swarmlint/swarm-ignored-key', 5, 5, 1],
      ['swarmlint/dnsrr-ingress-port', 7, 9, 2],
    ],
    'swarmlint/<rule> ids at the right lines; error and warn as the rules say',
  );
  t.same(
    stack?.suppressedMessages.map((m) => [m.ruleId, m.line]),
    [
      ['swarmlint/swarm-ignored-key', 13],
      ['swarmlint/swarm-ignored-key', 14],
    ],
    '# eslint-disable-next-line swarmlint/… and # swarmlint-disable-line … suppress',
  );
  t.match(stack?.suppressedMessages[0]?.suppressions, [{ kind: 'directive', justification: 'kept for docker compose up on laptops' }]);
  const api = results.find((r) => r.filePath.endsWith('api-stack.yaml'));
  t.same(
    api?.messages.map((m) => m.ruleId),
    ['swarmlint/swarm-ignored-key'],
    'restart: "no" becomes restart on any exit in swarm',
  );
});

t.test('rules configured the ESLint way; unused directives reported', async (t) => {
  const cwd = t.testdir({ 'docker-stack.yml': STACK });
  const results = await lint(cwd, [
    recommended,
    { files: ['**/*.yml'], rules: { 'swarmlint/dnsrr-ingress-port': 'off' }, linterOptions: { reportUnusedDisableDirectives: 'error' } },
  ]);
  const messages = results[0]?.messages.map((m) => [m.ruleId, m.line]) ?? [];
  t.same(messages, [['swarmlint/swarm-ignored-key', 5]], 'a rule turned off in the user config');
  const unused = await lint(cwd, [
    { ...recommended, rules: {} },
    { files: ['**/*.yml'], linterOptions: { reportUnusedDisableDirectives: 'error' } },
  ]);
  t.same(
    unused[0]?.messages.map((m) => [m.ruleId, m.line, m.severity]),
    [
      [null, 12, 2],
      [null, 14, 2],
    ],
    'with no rules on, both directives are unused',
  );
});

t.test('a file that is not a stack: a parse error at its line', async (t) => {
  const cwd = t.testdir({ 'docker-stack.yml': 'services:\n  web:\n    image: nginx\n  - oops\n' });
  const [result] = await lint(cwd);
  t.equal(result?.messages.length, 1);
  t.match(result?.messages[0], { fatal: true, line: 4, severity: 2 });
});
