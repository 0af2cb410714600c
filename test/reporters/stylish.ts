import t from 'tap';
import type { Finding, LintReport } from '../../engine/findings.js';
import { stylish } from '../../reporters/stylish.js';
import type { ReportContext } from '../../reporters/types.js';
import { lintTexts, STACK_A, STACK_B } from '../helpers/reports.js';

const ESC = '\x1b[';
const cwd = t.testdirName;

t.test('grouped by file, with positions, rule ids, how to fix and a summary', (t) => {
  const { report, context } = lintTexts(cwd, { 'stacks/a.yml': STACK_A, 'b-stack.yml': STACK_B });
  const out = stylish(report, context);
  t.notMatch(out, ESC, 'no colour escapes when color is false');
  const lines = out.split('\n');
  const a = lines.indexOf('stacks/a.yml');
  const b = lines.indexOf('b-stack.yml');
  t.ok(a >= 0 && b >= 0, 'each file is a heading, relative to cwd');
  t.equal(lines.filter((l) => l === 'stacks/a.yml').length, 1, 'a file is one group');
  const groupOf = (from: number): string[] => lines.slice(from + 1, lines.indexOf('', from));
  const groupA = groupOf(a);
  const groupB = groupOf(b);
  const inA = report.findings.filter((f) => f.file?.endsWith('a.yml'));
  t.equal(groupA.length, inA.length, 'one line per finding of a.yml under its heading');
  t.equal(groupB.length, 1, 'one line under b-stack.yml');
  for (const [i, f] of inA.entries()) {
    const line = groupA[i] ?? '';
    t.match(line, new RegExp(`^  ${String(f.line)}:${String(f.column)}\\s+${f.severity}\\s+`), `${f.ruleId}: position then severity`);
    t.ok(line.includes(f.message), `${f.ruleId}: the message`);
    t.ok(line.endsWith(`  ${f.ruleId}`), `${f.ruleId}: rule id last`);
    t.equal(line.includes('(fixable)'), f.fix !== undefined, `${f.ruleId}: "(fixable)" only when there is a fix`);
  }
  t.match(groupA.map((l) => /^ {2}(\d+):/.exec(l)?.[1]).join(','), '3,4,6', 'in line order');
  t.match(groupB[0], /^ {2}4:5\s+warning\s+Service `api`: `restart`/);

  const how = lines.indexOf('How to fix:');
  t.ok(how > b, '"How to fix:" after the findings');
  const fixes = lines.slice(how + 1, lines.indexOf('', how));
  const reported = [...new Set(report.findings.map((f) => f.ruleId))].sort();
  t.same(
    fixes.map((l) => /^ {2}(\S+):/.exec(l)?.[1]),
    reported,
    'once per rule that reported, sorted (swarm-ignored-key reported twice, listed once)',
  );
  for (const line of fixes) {
    const id = /^ {2}(\S+):/.exec(line)?.[1] ?? '';
    const rule = context.rules.find((r) => r.id === id);
    t.ok(rule?.remediation && line.includes(rule.remediation), `${id}: its remediation`);
    t.ok(rule?.helpUri && line.endsWith(` ${rule.helpUri}`), `${id}: its docs URL`);
  }
  t.notOk(
    fixes.some((l) => l.includes('schema:')),
    'a rule that ran without reporting is not listed',
  );
  t.equal(lines.at(-3), '✖ 4 problems (1 error, 2 warnings, 1 suggestion)', 'summary counts by severity');
  t.equal(lines.at(-2), '  1 problem can be fixed with --fix.', 'and the fixable count');
  t.equal(lines.at(-1), '', 'ends with a newline');
  t.end();
});

t.test('colour when color is true', (t) => {
  const { report, context } = lintTexts(cwd, { 'stacks/a.yml': STACK_A });
  const out = stylish(report, { ...context, color: true });
  // The escape character written as <ESC>, so that the patterns below need no control characters.
  const shown = out.replaceAll(ESC, '<ESC>[');
  t.ok(shown.includes('<ESC>[4mstacks/a.yml<ESC>[24m'), 'file heading underlined');
  t.match(shown, /<ESC>\[31merror +<ESC>\[39m/, 'error in red');
  t.match(shown, /<ESC>\[33mwarning +<ESC>\[39m/, 'warning in yellow');
  t.ok(shown.includes('<ESC>[90msuggestion<ESC>[39m'), 'suggestion in grey');
  t.ok(shown.includes('<ESC>[1mdnsrr-ingress-port<ESC>[22m:'), 'rule ids in "How to fix" in bold');
  t.match(shown, /<ESC>\[31m✖ 3 problems .*<ESC>\[39m/, 'a summary with errors in red');
  const stripped = shown.replace(/<ESC>\[\d+m/g, '');
  t.equal(stripped, stylish(report, context), 'the same text once the escapes are removed');
  t.end();
});

const finding = (over: Partial<Finding>): Finding => ({
  ruleId: 'overlay-mtu',
  severity: 'warning',
  message: 'too big',
  logical: [],
  fingerprint: 'f',
  ...over,
});

t.test('findings without a file are grouped as "cluster" (or "this host" for preflight)', (t) => {
  const report: LintReport = {
    findings: [
      finding({ logical: [{ kind: 'network', name: 'front' }], severity: 'info', message: 'ESP must pass' }),
      finding({
        logical: [
          { kind: 'service', name: 'web' },
          { kind: 'port', name: '80/tcp' },
        ],
        message: 'published twice',
      }),
      finding({ message: 'about nothing in particular', severity: 'suggestion' }),
      finding({ file: `${cwd}/x.yml`, line: 7, message: 'no column' }),
      finding({ ruleId: 'local/no-docs', file: '<stdin>', line: 1, column: 1, message: 'from stdin' }),
    ],
    errors: [],
    files: [],
    rulesRun: ['overlay-mtu'],
  };
  const context: ReportContext = {
    cwd,
    rules: [{ id: 'local/no-docs', description: 'd', severity: 'warning', remediation: 'Do this.', fixable: false }],
    color: false,
    command: 'audit',
  };
  const out = stylish(report, context);
  const lines = out.split('\n');
  t.equal(lines[0], 'cluster', 'the cluster group');
  t.match(lines[1], /^ {2}network front {2}info {8}ESP must pass {2}overlay-mtu$/, 'a logical location instead of line:column');
  t.match(lines[2], /^ {2}port 80\/tcp {4}warning {5}published twice/, 'the innermost logical location');
  t.match(lines[3], /^ {17}suggestion {2}about nothing/, 'nothing to point at: an empty position');
  t.equal(lines[5], 'x.yml');
  t.match(lines[6], /^ {2}7:1 {2}warning {2}no column/, 'a missing column is column 1');
  t.equal(lines[8], '<stdin>', 'a name that is not a path is shown as it is');
  t.equal(lines[12], '  local/no-docs: Do this.', 'How to fix: only rules with a remediation, the docs URL when there is one');
  t.equal(lines[13], '');
  t.equal(lines.at(-2), '✖ 5 problems (3 warnings, 1 info, 1 suggestion)');
  t.equal(stylish(report, { ...context, command: 'preflight' }).split('\n')[0], 'this host', 'preflight: "this host"');
  t.end();
});

t.test('fatal errors come first; a clean report prints nothing', (t) => {
  const report: LintReport = {
    findings: [],
    errors: [
      { kind: 'load', message: 'not YAML', file: `${cwd}/bad.yml`, line: 3, column: 4 },
      { kind: 'load', message: 'too deep', file: `${cwd}/deep.yml`, line: 9 },
      { kind: 'io', message: 'no such file or folder', file: `${cwd}/gone.yml` },
      { kind: 'rule', ruleId: 'x/boom', message: 'rule x/boom failed', file: `${cwd}/a.yml` },
      { kind: 'config', message: 'no files to lint' },
    ],
    files: [],
    rulesRun: [],
  };
  const context: ReportContext = { cwd, rules: [], color: false, command: 'lint' };
  const lines = stylish(report, context).split('\n');
  t.same(lines.slice(0, 5), [
    'bad.yml:3:4: error: not YAML',
    'deep.yml:9:1: error: too deep',
    'gone.yml: error: no such file or folder',
    'a.yml: error: rule x/boom failed',
    'error: no files to lint',
  ]);
  t.equal(lines.at(-2), '! 0 problems, 4 files not checked, 1 rule failed', 'files not checked and rules that failed, apart');
  t.match(stylish(report, { ...context, color: true }), `${ESC}33m! 0 problems`, 'a summary without problems in yellow');
  t.equal(stylish({ findings: [], errors: [], files: [`${cwd}/a.yml`], rulesRun: ['schema'] }, context), '', 'clean: no output');
  t.end();
});
