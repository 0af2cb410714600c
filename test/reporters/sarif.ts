import t from 'tap';
import { pathToFileURL } from 'node:url';
import type { LintReport } from '../../engine/findings.js';
import { TOOL_VERSION } from '../../language/meta.js';
import { sarif } from '../../reporters/sarif.js';
import type { ReportContext } from '../../reporters/types.js';
import { lintTexts, STACK_A, STACK_B } from '../helpers/reports.js';
import { errorsOf, validateSarif } from '../helpers/schemas.js';

const cwd = t.testdirName;

interface Region {
  startLine: number;
  startColumn: number;
  endLine?: number;
  endColumn?: number;
}
interface Artifact {
  uri: string;
  uriBaseId?: string;
}
interface Result {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations?: {
    physicalLocation?: { artifactLocation: Artifact; region: Region };
    logicalLocations?: { name: string; fullyQualifiedName: string; kind: string }[];
  }[];
  partialFingerprints: Record<string, string>;
  fixes?: {
    description: { text: string };
    artifactChanges: {
      artifactLocation: Artifact;
      replacements: { deletedRegion: { charOffset: number; charLength: number }; insertedContent: { text: string } }[];
    }[];
  }[];
}
interface Rule {
  id: string;
  name: string;
  shortDescription: { text: string };
  helpUri?: string;
  help: { text: string; markdown: string };
  defaultConfiguration: { level: string };
  properties: { fixable?: boolean };
}
interface Log {
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; rules: Rule[] } };
    originalUriBaseIds: Record<string, { uri: string }>;
    invocations: {
      executionSuccessful: boolean;
      toolExecutionNotifications: {
        level: string;
        message: { text: string };
        associatedRule?: { id: string; index?: number };
        locations?: { physicalLocation: { artifactLocation: Artifact; region?: Region } }[];
      }[];
    }[];
    results: Result[];
  }[];
}

function run(report: LintReport, context: ReportContext): Log['runs'][number] {
  const log = JSON.parse(sarif(report, context)) as Log;
  t.ok(validateSarif(log), `valid SARIF 2.1.0: ${errorsOf(validateSarif)}`);
  t.equal(log.version, '2.1.0');
  t.equal(log.runs.length, 1);
  const only = log.runs[0];
  if (!only) throw new Error('no run');
  return only;
}

t.test('rules, results, regions, fingerprints, logical locations and fixes', (t) => {
  const { report, context, documents } = lintTexts(cwd, { 'stacks/a.yml': STACK_A, 'b-stack.yml': STACK_B });
  const r = run(report, context);
  t.equal(r.tool.driver.name, 'swarmlint');
  t.equal(r.tool.driver.version, TOOL_VERSION);
  t.equal(r.originalUriBaseIds['%SRCROOT%']?.uri, pathToFileURL(`${cwd}/`).href, '%SRCROOT% is the working folder, ending in /');
  t.same(
    r.tool.driver.rules.map((x) => x.id),
    [...report.rulesRun].sort(),
    'every rule that ran, sorted (schema ran and found nothing: listed all the same)',
  );
  for (const id of new Set(report.findings.map((f) => f.ruleId))) {
    const rule = r.tool.driver.rules.find((x) => x.id === id);
    const d = context.rules.find((x) => x.id === id);
    if (!rule || !d) throw new Error(`${id} missing`);
    t.equal(rule.helpUri, d.helpUri, `${id}: helpUri`);
    t.ok(d.helpUri?.startsWith('https://'), `${id}: helpUri is a web page`);
    t.equal(rule.help.text, d.remediation, `${id}: help.text is the remediation`);
    t.ok(
      rule.help.markdown.startsWith(d.remediation ?? '-') && rule.help.markdown.includes(`(${String(d.helpUri)})`),
      `${id}: help.markdown`,
    );
    t.equal(rule.defaultConfiguration.level, { error: 'error', warning: 'warning', info: 'note', suggestion: 'note' }[d.severity]);
    t.equal(rule.shortDescription.text, d.description, `${id}: shortDescription`);
    t.equal(rule.properties.fixable, d.fixable ? true : undefined, `${id}: fixable marked only when it is`);
  }
  t.equal(r.tool.driver.rules.find((x) => x.id === 'example/explicit-image-tag')?.name, 'ExampleExplicitImageTag', 'name in PascalCase');

  t.equal(r.results.length, report.findings.length, 'one result per finding');
  const seen = new Set<string>();
  for (const [i, res] of r.results.entries()) {
    const f = report.findings[i];
    if (!f) throw new Error('no finding');
    t.equal(r.tool.driver.rules[res.ruleIndex]?.id, res.ruleId, `${res.ruleId}: ruleIndex points at its rule`);
    t.equal(res.level, { error: 'error', warning: 'warning', info: 'note', suggestion: 'note' }[f.severity], `${res.ruleId}: level`);
    const loc = res.locations?.[0];
    t.same(
      loc?.physicalLocation?.region,
      { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
      `${res.ruleId}: region`,
    );
    t.same(loc?.physicalLocation?.artifactLocation, {
      uri: f.file?.endsWith('a.yml') ? 'stacks/a.yml' : 'b-stack.yml',
      uriBaseId: '%SRCROOT%',
    });
    const service = f.logical.find((l) => l.kind === 'service')?.name;
    t.same(
      loc?.logicalLocations,
      [{ name: service, kind: 'service', fullyQualifiedName: `stack:stack/service:${String(service)}` }],
      `${res.ruleId}: logical location of the service`,
    );
    const fp = res.partialFingerprints['swarmlint/v1'];
    t.equal(fp, f.fingerprint, `${res.ruleId}: partialFingerprints`);
    t.notOk(seen.has(String(fp)), 'fingerprints are unique');
    seen.add(String(fp));
  }
  const fixable = r.results.filter((x) => x.fixes);
  t.equal(fixable.length, 1, 'fixes only where a rule offers one');
  const change = fixable[0]?.fixes?.[0]?.artifactChanges[0];
  t.same(change?.artifactLocation, { uri: 'stacks/a.yml', uriBaseId: '%SRCROOT%' });
  const rep = change?.replacements[0];
  const text = documents[0]?.text ?? '';
  const patched =
    text.slice(0, rep?.deletedRegion.charOffset) +
    String(rep?.insertedContent.text) +
    text.slice((rep?.deletedRegion.charOffset ?? 0) + (rep?.deletedRegion.charLength ?? 0));
  t.match(patched, /\n {4}image: nginx:latest\n/, 'applying the replacement gives the fixed text');
  t.same(r.invocations, [{ executionSuccessful: true, toolExecutionNotifications: [] }], 'a run without errors was successful');
  t.end();
});

t.test('load errors and rule failures are tool execution notifications', (t) => {
  const { report, context } = lintTexts(cwd, { 'stacks/a.yml': STACK_A });
  report.errors.push(
    { kind: 'load', message: 'not YAML', file: `${cwd}/bad.yml`, line: 3, column: 2 },
    { kind: 'load', message: 'too deep', file: `${cwd}/deep.yml`, line: 4 },
    { kind: 'io', message: 'no such file or folder', file: `${cwd}/gone.yml` },
    { kind: 'rule', ruleId: 'schema', message: 'rule schema failed', file: `${cwd}/stacks/a.yml` },
    { kind: 'rule', ruleId: 'gone/rule', message: 'rule gone/rule failed' },
  );
  const r = run(report, context);
  const inv = r.invocations[0];
  t.equal(inv?.executionSuccessful, false, 'executionSuccessful: false');
  const n = inv?.toolExecutionNotifications ?? [];
  t.same(
    n.map((x) => [x.level, x.message.text]),
    report.errors.map((e) => ['error', e.message]),
    'one error notification per error, with its message',
  );
  t.same(n[0]?.locations?.[0]?.physicalLocation, {
    artifactLocation: { uri: 'bad.yml', uriBaseId: '%SRCROOT%' },
    region: { startLine: 3, startColumn: 2 },
  });
  t.same(n[1]?.locations?.[0]?.physicalLocation.region, { startLine: 4, startColumn: 1 }, 'a missing column is 1');
  t.same(
    n[2]?.locations?.[0]?.physicalLocation,
    { artifactLocation: { uri: 'gone.yml', uriBaseId: '%SRCROOT%' } },
    'no region without a line',
  );
  t.same(n[3]?.associatedRule, { id: 'schema', index: r.tool.driver.rules.findIndex((x) => x.id === 'schema') }, 'the rule that failed');
  t.same(n[4]?.associatedRule, { id: 'gone/rule' }, 'a rule not in the list: its id only');
  t.notOk(n[4]?.locations, 'no location without a file');
  t.end();
});

t.test('cluster findings, files outside the working folder, stdin, rules without docs', (t) => {
  const report: LintReport = {
    findings: [
      {
        ruleId: 'local/x',
        severity: 'info',
        message: 'about a node',
        logical: [
          { kind: 'swarm', name: 'swarm' },
          { kind: 'node', name: 'n1', id: 'abc' },
        ],
        fingerprint: 'f1',
      },
      { ruleId: 'local/x', severity: 'suggestion', message: 'about nothing', logical: [], fingerprint: 'f2' },
      {
        ruleId: 'local/x',
        severity: 'warning',
        message: 'elsewhere',
        file: '/elsewhere/my stack.yml',
        line: 2,
        endLine: 3,
        logical: [],
        fingerprint: 'f3',
      },
      { ruleId: 'local/x', severity: 'warning', message: 'stdin', file: '<stdin>', line: 1, column: 3, logical: [], fingerprint: 'f4' },
    ],
    errors: [],
    files: [],
    rulesRun: [],
  };
  const r = run(report, {
    cwd,
    rules: [{ id: 'local/x', description: 'd', severity: 'info', fixable: false }],
    color: false,
    command: 'audit',
  });
  const rule = r.tool.driver.rules[0];
  t.same(
    rule && { helpUri: rule.helpUri, help: rule.help, level: rule.defaultConfiguration.level },
    { helpUri: undefined, help: { text: 'd', markdown: 'd' }, level: 'note' },
    'without docs: help is the description, no helpUri',
  );
  // Code scanning rejects a result without a physical location: what has none points at the audit's stand-in.
  const standIn = { artifactLocation: { uri: 'swarmlint-audit.json' }, region: { startLine: 1, startColumn: 1 } };
  t.same(
    r.results[0]?.locations,
    [{ physicalLocation: standIn, logicalLocations: [{ name: 'n1', kind: 'node', fullyQualifiedName: 'swarm:swarm/node:n1' }] }],
    'no file: the stand-in, and the logical location',
  );
  t.same(r.results[1]?.locations, [{ physicalLocation: standIn }], 'nothing to point at: the stand-in alone');
  t.same(
    r.results[2]?.locations?.[0]?.physicalLocation,
    { artifactLocation: { uri: pathToFileURL('/elsewhere/my stack.yml').href }, region: { startLine: 2, startColumn: 1, endLine: 3 } },
    'outside the working folder: a file URL; an end line without an end column',
  );
  t.same(
    r.results[3]?.locations?.[0]?.physicalLocation?.artifactLocation,
    { uri: '%3Cstdin%3E' },
    'stdin: a relative reference of its own',
  );
  const unknown = JSON.parse(sarif(report, { cwd, rules: [], color: false, command: 'audit' })) as Log;
  t.same(unknown.runs[0]?.tool.driver.rules[0]?.defaultConfiguration, { level: 'warning' }, 'a rule without a descriptor: warning');
  t.end();
});

t.test('the SARIF schema is not a rubber stamp', (t) => {
  const { report, context } = lintTexts(cwd, { 'stacks/a.yml': STACK_A });
  const log = JSON.parse(sarif(report, context)) as Log;
  const bad = structuredClone(log);
  const res = bad.runs[0]?.results[0];
  if (res) res.level = 'fatal';
  t.notOk(validateSarif(bad), 'rejects an unknown level');
  const badUri = structuredClone(log);
  const rule = badUri.runs[0]?.tool.driver.rules[0];
  if (rule) rule.helpUri = 'not a uri';
  t.notOk(validateSarif(badUri), 'rejects a helpUri that is not a URI (formats are checked)');
  const badRef = structuredClone(log);
  const loc = badRef.runs[0]?.results[0]?.locations?.[0]?.physicalLocation;
  if (loc) loc.artifactLocation.uri = 'my stack.yml';
  t.notOk(validateSarif(badRef), 'rejects an artifact URI with a raw space');
  t.end();
});
