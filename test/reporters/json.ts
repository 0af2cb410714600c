import t from 'tap';
import type { LintReport } from '../../engine/findings.js';
import { TOOL_VERSION } from '../../language/meta.js';
import { json } from '../../reporters/json.js';
import { lintTexts, STACK_A, STACK_B } from '../helpers/reports.js';
import { errorsOf, validateFindings } from '../helpers/schemas.js';

const cwd = t.testdirName;

interface Out {
  format: string;
  tool: { name: string; version: string };
  command: string;
  findings: { ruleId: string; file?: string; line?: number; fix?: { file: string; range: number[]; text: string } }[];
  errors: { kind: string; file?: string; message: string }[];
  rules: Record<string, { description: string; severity: string; docsUrl?: string; remediation?: string }>;
  summary: Record<string, number>;
}

t.test('valid against schemas/findings.schema.json, with paths relative to cwd', (t) => {
  const { report, context } = lintTexts(cwd, { 'stacks/a.yml': STACK_A, 'b-stack.yml': STACK_B });
  report.errors.push({ kind: 'load', message: 'not YAML', file: `${cwd}/deep/bad.yml`, line: 2, column: 1 });
  report.errors.push({ kind: 'config', message: 'no files to lint' });
  const text = json(report, context);
  t.ok(text.endsWith('}\n'), 'one JSON document and a newline');
  const out = JSON.parse(text) as Out;
  t.ok(validateFindings(out), `valid: ${errorsOf(validateFindings)}`);
  t.equal(out.format, 'swarmlint-findings/1');
  t.same(out.tool, { name: 'swarmlint', version: TOOL_VERSION });
  t.equal(out.command, 'lint');
  t.equal(out.findings.length, report.findings.length, 'every finding');
  t.same(new Set(out.findings.map((f) => f.file)), new Set(['stacks/a.yml', 'b-stack.yml']), 'files relative to cwd');
  const fixed = out.findings.find((f) => f.fix);
  t.equal(fixed?.fix?.file, 'stacks/a.yml', 'the fix names its file relative to cwd too');
  t.same(fixed?.fix?.text, ':latest');
  t.same(
    out.errors.map((e) => e.file),
    ['deep/bad.yml', undefined],
    'error files relative to cwd; errors without a file stay without',
  );
  t.same(Object.keys(out.rules).sort(), [...new Set(report.findings.map((f) => f.ruleId))].sort(), 'the rules that reported');
  t.notOk('schema' in out.rules, 'not the rules that only ran');
  const plugin = out.rules['example/explicit-image-tag'];
  t.equal(plugin?.docsUrl, 'https://example.com/swarmlint-plugin-example/rules/explicit-image-tag.md', "a plugin rule's own docs URL");
  t.ok(plugin?.remediation, 'and its remediation');
  t.same(out.summary, { error: 1, warning: 2, info: 0, suggestion: 1, fixable: 1, errors: 2, files: 2 });
  t.end();
});

t.test('findings about the cluster (no file) and rules without docs are valid too', (t) => {
  const report: LintReport = {
    findings: [
      {
        ruleId: 'local/x',
        severity: 'info',
        message: 'm',
        logical: [{ kind: 'node', name: 'n1', id: 'abc' }],
        fingerprint: 'f1',
      },
    ],
    errors: [],
    files: [],
    rulesRun: ['local/x'],
  };
  const out = JSON.parse(
    json(report, { cwd, rules: [{ id: 'local/x', description: 'd', severity: 'info', fixable: false }], color: false, command: 'audit' }),
  ) as Out;
  t.ok(validateFindings(out), `valid: ${errorsOf(validateFindings)}`);
  t.notOk('file' in (out.findings[0] ?? {}), 'no file');
  t.same(out.rules['local/x'], { description: 'd', severity: 'info' }, 'no docsUrl or remediation when the rule has none');
  t.end();
});

t.test('the schema is not a rubber stamp', (t) => {
  const { report, context } = lintTexts(cwd, { 'stacks/a.yml': STACK_A });
  const good = JSON.parse(json(report, context)) as Out & { findings: Record<string, unknown>[] };
  for (const [name, bad] of [
    ['a severity that does not exist', { ...good, findings: [{ ...good.findings[0], severity: 'fatal' }] }],
    ['a line 0', { ...good, findings: [{ ...good.findings[0], line: 0 }] }],
    ['an unknown property', { ...good, extra: 1 }],
    ['a finding without a fingerprint', { ...good, findings: [{ ...good.findings[0], fingerprint: undefined }] }],
  ] as const) {
    t.notOk(validateFindings(JSON.parse(JSON.stringify(bad))), `rejects ${name}`);
  }
  t.end();
});
