// --format gitlab: GitLab Code Quality JSON, checked against the documented format (schemas/gitlab-codequality…),
// paths relative to the repository root, fingerprints unique and the same in two checkouts.
import t from 'tap';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gitlab } from '../../reporters/gitlab.js';
import { swarmlintInProcess, TWO_PROBLEMS } from '../helpers/cli.js';
import { lintTexts, STACK_A, STACK_B } from '../helpers/reports.js';
import { errorsOf, validateGitlab } from '../helpers/schemas.js';

t.setTimeout(600_000);

interface Issue {
  check_name: string;
  fingerprint: string;
  severity: string;
  description: string;
  location: { path: string; lines: { begin: number } };
}

t.test('the CLI: valid Code Quality JSON, repository-relative paths, stable fingerprints', async (t) => {
  const base = t.testdir({
    a: { deploy: { 'docker-stack.yml': TWO_PROBLEMS } },
    b: { c: { deploy: { 'docker-stack.yml': TWO_PROBLEMS } } },
  });
  const outs: Issue[][] = [];
  for (const checkout of [join(base, 'a'), join(base, 'b', 'c')]) {
    mkdirSync(join(checkout, '.git'));
    const r = await swarmlintInProcess(['lint', '-f', 'gitlab', '-o', 'reports/gl-code-quality.json', 'deploy'], { cwd: checkout });
    t.equal(r.code, 1);
    t.equal(r.stdout, '', 'the report went to the file');
    t.match(
      r.stderr,
      /^swarmlint: failed: 1 error, 1 warning: findings at or over --failure-threshold error; the report is in \S+gl-code-quality\.json\n$/,
    );
    const { readFileSync } = await import('node:fs');
    const issues = JSON.parse(readFileSync(join(checkout, 'reports', 'gl-code-quality.json'), 'utf8')) as Issue[];
    t.ok(validateGitlab(issues), `valid: ${errorsOf(validateGitlab)}`);
    outs.push(issues);
  }
  const [a, b] = outs;
  t.match(a, [
    { check_name: 'swarm-ignored-key', severity: 'minor', location: { path: 'deploy/docker-stack.yml', lines: { begin: 5 } } },
    { check_name: 'dnsrr-ingress-port', severity: 'major', location: { path: 'deploy/docker-stack.yml', lines: { begin: 7 } } },
  ]);
  t.same(
    a?.map((i) => i.fingerprint),
    b?.map((i) => i.fingerprint),
    'the same fingerprints in both checkouts',
  );
});

t.test('the reporter: unique fingerprints, fatal errors as blockers, findings without a file placed', (t) => {
  const cwd = t.testdirName;
  const { report, context } = lintTexts(cwd, { 'one.yml': STACK_A, 'two.yml': STACK_B, 'three.yml': STACK_B });
  const issues = JSON.parse(
    gitlab(
      {
        ...report,
        findings: [
          ...report.findings,
          {
            ruleId: 'probe-skipped',
            severity: 'warning',
            message: 'no ICMP',
            logical: [{ kind: 'probe', name: 'icmp' }],
            fingerprint: 'p1',
          },
        ],
        errors: [{ kind: 'load', message: 'not YAML', file: join(cwd, 'bad.yml'), line: 3 }],
      },
      { ...context, command: 'preflight' },
    ),
  ) as Issue[];
  t.ok(validateGitlab(issues), errorsOf(validateGitlab));
  t.equal(new Set(issues.map((i) => i.fingerprint)).size, issues.length, 'every fingerprint unique');
  t.match(issues.at(-1), { severity: 'blocker', description: 'not YAML', location: { path: 'bad.yml', lines: { begin: 3 } } });
  t.match(
    issues.find((i) => i.check_name === 'probe-skipped'),
    { description: 'no ICMP (probe icmp)', location: { path: 'swarmlint-preflight', lines: { begin: 1 } } },
  );
  t.notOk(validateGitlab([{ ...issues[0], location: { path: '/abs/x.yml', lines: { begin: 1 } } }]), 'the schema refuses an absolute path');
  t.end();
});
