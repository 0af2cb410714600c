import t from 'tap';
import { isDocument, prepareDocument } from '../../engine/documents.js';
import { lintDocuments, normalised, runContextOf, type LintDocument, type RuleSetting } from '../../engine/lint.js';
import { createRule, report, visit } from '../../rules/utils/create-rule.js';
import type { SwarmlintSourceCode } from '../../language/source-code.js';
import type { SwarmlintRule } from '../../rules/index.js';

// Small rules made for these tests, written like the built-in ones.
const everyService = createRule({
  name: 'every-service',
  meta: {
    type: 'problem',
    docs: {
      description: 'Reports every service.',
      severity: 'error',
      recommended: false,
      remediation: 'None.',
      messageSeverity: { quiet: 'info' },
    },
    schema: [],
    defaultOptions: [],
    messages: { service: 'Service `{{name}}` ({{replicas}} replicas).', quiet: 'Quiet `{{name}}`.' },
  },
  create(context) {
    return visit({
      Service(s) {
        report(context, s.at.name ?? s, s.name.startsWith('q') ? 'quiet' : 'service', { name: s.name, replicas: s.replicas });
      },
    });
  },
});
const throws = createRule({
  name: 'throws',
  meta: {
    type: 'problem',
    docs: { description: 'Throws.', severity: 'error', recommended: false, remediation: 'None.' },
    schema: [],
    defaultOptions: [],
    messages: { x: 'x' },
  },
  create() {
    return visit({
      Stack() {
        throw new Error('boom');
      },
    });
  },
});
const throwsString = createRule({
  name: 'throws-string',
  meta: {
    type: 'problem',
    docs: { description: 'Throws a string.', severity: 'error', recommended: false, remediation: 'None.' },
    schema: [],
    defaultOptions: [],
    messages: { x: 'x' },
  },
  create() {
    return visit({
      Service() {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- what a careless plugin rule does
        throw 'boom';
      },
    });
  },
});
const builtins: Record<string, SwarmlintRule> = { 'every-service': everyService, throws, 'throws-string': throwsString };

function doc(...texts: string[]): LintDocument {
  const d = prepareDocument(texts.map((text, i) => ({ path: `/w/f${String(i)}.yml`, text })));
  if (!isDocument(d)) throw new Error(d.message);
  return d;
}
const on = (...ids: string[]): Record<string, RuleSetting> => Object.fromEntries(ids.map((id) => [id, { severity: 'error', options: [] }]));

t.test('a rule that throws is an error for the document; the others still run', (t) => {
  const r = lintDocuments([doc('services:\n  a:\n    image: x\n')], { rules: on('every-service', 'throws'), builtins });
  t.same(
    r.errors.map((e) => [e.kind, e.ruleId, e.file]),
    [['rule', 'throws', '/w/f0.yml']],
  );
  t.match(r.errors[0]?.message, /rule throws failed on this document and was skipped: boom/);
  t.same(
    r.findings.map((f) => f.ruleId),
    ['every-service'],
  );
  t.end();
});

t.test('a rule that throws a string (no rule id on it) is still found and named', (t) => {
  const r = lintDocuments([doc('services:\n  a:\n    image: x\n')], { rules: on('every-service', 'throws-string'), builtins });
  t.same(
    r.errors.map((e) => [e.kind, e.ruleId]),
    [['rule', 'throws-string']],
  );
  t.same(
    r.findings.map((f) => f.ruleId),
    ['every-service'],
  );
  t.end();
});

t.test('findings: positions, logical locations, severity caps, rules run', (t) => {
  const r = lintDocuments([doc('services:\n  web:\n    image: x\n  quiet:\n    image: y\n')], {
    rules: { 'every-service': { severity: 'warning', options: [] } },
    builtins,
  });
  t.same(
    r.findings.map((f) => [f.line, f.column, f.endLine, f.endColumn, f.severity, f.message]),
    [
      [2, 3, 2, 6, 'warning', 'Service `web` (1 replicas).'],
      [4, 3, 4, 8, 'info', 'Quiet `quiet`.'],
    ],
  );
  t.same(r.findings[0]?.logical, [
    { kind: 'stack', name: 'stack' },
    { kind: 'service', name: 'web' },
  ]);
  t.same(r.rulesRun, ['every-service']);
  t.same(r.files, ['/w/f0.yml']);
  t.end();
});

t.test('a merge set: each finding in the file and line its value came from', (t) => {
  const r = lintDocuments([doc('services:\n  a:\n    image: x\n', '# second\nservices:\n  b:\n    image: y\n')], {
    rules: on('every-service'),
    builtins,
  });
  t.same(
    r.findings.map((f) => [f.file, f.line]),
    [
      ['/w/f0.yml', 2],
      ['/w/f1.yml', 3],
    ],
  );
  t.end();
});

t.test('suppressions: both spellings, blocks, lines, unused ones', (t) => {
  const text = [
    'services:',
    '  # swarmlint-disable-next-line every-service -- reason',
    '  a:',
    '    image: x',
    '  b: # eslint-disable-line swarmlint/every-service',
    '    image: x',
    '  # eslint-disable swarmlint/every-service',
    '  c:',
    '    image: x',
    '  # eslint-enable swarmlint/every-service',
    '  d:',
    '    image: x',
    '  # swarmlint-disable-next-line every-service',
    '    # (nothing on the next line)',
    '  e:',
    '    image: x',
  ].join('\n');
  const r = lintDocuments([doc(text)], { rules: on('every-service'), builtins });
  t.same(
    r.findings.map((f) => [f.ruleId, f.line]),
    [
      ['unused-suppression', 13],
      ['every-service', 11],
      ['every-service', 15],
    ].sort((a, b) => Number(a[1]) - Number(b[1])),
  );
  t.match(
    r.findings.find((f) => f.ruleId === 'unused-suppression')?.message,
    /Unused suppression: no problem from every-service was reported here/,
  );
  const off = lintDocuments([doc(text)], { rules: on('every-service'), builtins, unusedSuppressions: 'off' });
  t.notOk(
    off.findings.some((f) => f.ruleId === 'unused-suppression'),
    'unusedSuppressions: off',
  );
  t.end();
});

t.test('fingerprints stay while the problem stays', (t) => {
  const fp = (text: string): string[] =>
    lintDocuments([doc(text)], { rules: on('every-service'), builtins }).findings.map((f) => f.fingerprint);
  const base = fp('services:\n  a:\n    image: x\n    deploy:\n      replicas: 2\n');
  t.same(fp('# a comment\n\nservices:\n  a:\n    image: x\n    deploy:\n      replicas: 2\n'), base, 'moved down two lines');
  t.same(fp('services:\n  a:\n    image: x\n    deploy:\n      replicas: 7\n'), base, 'numbers in the message are folded');
  t.not(fp('services:\n  b:\n    image: x\n')[0], base[0], 'another service is another finding');
  const twice = lintDocuments([doc('services:\n  a:\n    image: x\n'), doc('services:\n  a:\n    image: x\n')], {
    rules: on('every-service'),
    builtins,
  }).findings;
  t.equal(twice.length, 2);
  t.equal(twice[1]?.fingerprint, `${twice[0]?.fingerprint ?? ''}:2`, 'repeats are numbered');
  t.end();
});

t.test('run context: ingress ports of every stack document', (t) => {
  const ctx = runContextOf([
    doc('services:\n  a:\n    image: x\n    ports: ["80:80", "9000"]\n'),
    doc(
      '# x\nservices:\n  b:\n    image: x\n    ports:\n      - {target: 53, published: 53, protocol: udp}\n      - {target: 1, published: 2, mode: host}\n',
    ),
  ]);
  t.same(ctx.publishedPorts, [
    { port: 80, protocol: 'tcp', service: 'a', document: 'doc0.stack', order: 0, file: '/w/f0.yml', line: 4 },
    { port: 53, protocol: 'udp', service: 'b', document: 'doc1.stack', order: 1, file: '/w/f0.yml', line: 6 },
  ]);
  t.end();
});

t.test('a facts document is linted with the facts language', (t) => {
  const d = prepareDocument([
    {
      path: '/w/facts.json',
      text: JSON.stringify({ format: 'swarmlint-facts/1', kind: 'audit', services: [{ name: 'api', replicas: 2 }] }, null, 2),
    },
  ]);
  if (!isDocument(d)) throw new Error(d.message);
  t.equal(d.kind, 'facts');
  const r = lintDocuments([d], { rules: on('every-service'), builtins });
  t.same(
    r.findings.map((f) => [f.message, f.file, f.logical.at(-1)?.name]),
    [['Service `api` (2 replicas).', '/w/facts.json', 'api']],
  );
  t.end();
});

t.test("ESLint's config array is normalised once per run (the fast path is active with this ESLint)", (t) => {
  const array = normalised([{ files: ['**/*.stack'], rules: {} }]) as unknown as { getConfig?: unknown };
  t.type(array.getConfig, 'function', 'a FlatConfigArray: Linter#verify reuses it instead of normalising per document');
  t.end();
});

t.test('inline rule configuration in a comment is refused, with its position', (t) => {
  const r = lintDocuments([doc('services:\n  a:\n    image: x # eslint swarmlint/every-service: off\n')], {
    rules: on('every-service'),
    builtins,
  });
  t.match(r.errors, [{ message: /inline rule configuration is not supported in stack files; use the config file/, line: 3, column: 14 }]);
  t.end();
});

t.test("a rule may ask for a node's parent", (t) => {
  const parents: string[] = [];
  const parentOf = createRule({
    name: 'parent-of',
    meta: {
      type: 'problem',
      docs: { description: 'Parents.', severity: 'error', recommended: false, remediation: 'None.' },
      schema: [],
      defaultOptions: [],
      messages: { x: 'x' },
    },
    create(context) {
      return visit({
        Service(s) {
          parents.push((context.sourceCode as unknown as SwarmlintSourceCode).getParent(s)?.type ?? 'none');
        },
      });
    },
  });
  lintDocuments([doc('services:\n  a:\n    image: x\n')], { rules: on('parent-of'), builtins: { 'parent-of': parentOf } });
  t.same(parents, ['Stack']);
  t.end();
});

t.test('prepareDocument: no files; limits passed to the loader', (t) => {
  t.match(prepareDocument([]), { kind: 'config', message: 'no files to lint' });
  const deep = prepareDocument([{ path: 'deep.yml', text: 'services:\n  a:\n    deploy:\n      labels:\n        x: y\n' }], {
    limits: { maxFileBytes: 1 << 20, maxFactsBytes: 1 << 20, maxDepth: 3, maxAliasNodes: 100 },
  });
  t.match(deep, { kind: 'load', file: 'deep.yml', message: /nest/ });
  t.end();
});
