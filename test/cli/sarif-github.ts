// SARIF for code scanning and GitHub annotations: URIs relative to the repository root (`%SRCROOT%`, the git top
// level or --sarif-root), fingerprints that two checkouts in different folders agree on, a category per command,
// rule descriptions from the doc pages; `--format github` workflow commands.
import t, { type Test } from 'tap';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readScenario, serveEngineApi } from '../../bench/audit-replay.js';
import { AUDIT_OPTIONS, PREFLIGHT_OPTIONS, parse } from '../../cli/args.js';
import { runAudit } from '../../cli/audit.js';
import { reportPreflight } from '../../cli/preflight.js';
import { formatsFor, readReportOptions } from '../../cli/report-options.js';
import { loadConfig } from '../../engine/config.js';
import { github } from '../../reporters/github.js';
import { factsArtifactName, sarif } from '../../reporters/sarif.js';
import { swarmlintInProcess, TWO_PROBLEMS } from '../helpers/cli.js';
import { PREFLIGHT_ICMP_SKIPPED } from '../helpers/facts.js';
import { githubProblems } from '../helpers/github-sarif.js';
import { lintTexts, STACK_A } from '../helpers/reports.js';
import { errorsOf, validateSarif } from '../helpers/schemas.js';

t.setTimeout(600_000);

interface Log {
  runs: {
    tool: { driver: { rules: { id: string; shortDescription: { text: string }; fullDescription: { text: string } }[] } };
    originalUriBaseIds: Record<string, { uri: string }>;
    automationDetails: { id: string };
    artifacts?: { location: { uri: string }; description: { text: string } }[];
    results: {
      ruleId: string;
      message: { text: string };
      partialFingerprints: Record<string, string>;
      locations: {
        physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } };
        logicalLocations?: { fullyQualifiedName: string }[];
      }[];
    }[];
  }[];
}

/** Two clones of one repository, in folders of different depth and name. */
const base = t.testdir({
  one: { stacks: { 'docker-stack.yml': TWO_PROBLEMS } },
  elsewhere: { deeper: { two: { stacks: { 'docker-stack.yml': TWO_PROBLEMS } } } },
});
const one = join(base, 'one');
const two = join(base, 'elsewhere', 'deeper', 'two');
for (const checkout of [one, two]) mkdirSync(join(checkout, '.git'));

t.test('SARIF: relative to the git top level, the same fingerprints in two checkouts', async (t) => {
  const logs: Log[] = [];
  for (const checkout of [one, two]) {
    // Run from the stacks folder: the root is still the checkout's top level, not the working folder.
    const r = await swarmlintInProcess(['lint', '-f', 'sarif', 'docker-stack.yml'], { cwd: join(checkout, 'stacks') });
    t.equal(r.code, 1);
    t.equal(r.stderr, '');
    const log = JSON.parse(r.stdout) as Log;
    t.ok(validateSarif(log), `valid SARIF 2.1.0: ${errorsOf(validateSarif)}`);
    t.same(githubProblems(log, r.stdout), [], 'what code scanning accepts');
    logs.push(log);
  }
  const [a, b] = logs.map((l) => l.runs[0]);
  if (!a || !b) throw new Error('no run');
  t.equal(a.originalUriBaseIds['%SRCROOT%']?.uri, pathToFileURL(`${one}/`).href, '%SRCROOT% is the checkout');
  t.equal(a.results.length, 2);
  for (const r of [...a.results, ...b.results]) {
    t.same(r.locations[0]?.physicalLocation.artifactLocation, { uri: 'stacks/docker-stack.yml', uriBaseId: '%SRCROOT%' }, 'relative URI');
    t.notMatch(r.message.text, base, 'no absolute path in the message');
  }
  t.same(
    a.results.map((r) => r.partialFingerprints),
    b.results.map((r) => r.partialFingerprints),
    'identical fingerprints in both checkouts',
  );
  t.equal(a.automationDetails.id, 'swarmlint/lint/', 'a category per command');
  const rule = a.tool.driver.rules.find((r) => r.id === 'dnsrr-ingress-port');
  t.match(
    rule?.fullDescription.text,
    /^Every service whose `deploy\.endpoint_mode` is `dnsrr`/,
    "fullDescription: the doc page's What it checks",
  );
  t.not(rule?.fullDescription.text, rule?.shortDescription.text);
});

t.test('--sarif-root: another root; the fingerprints follow it', async (t) => {
  const r = await swarmlintInProcess(['lint', '-f', 'sarif', '--sarif-root', '..', 'stacks/docker-stack.yml'], { cwd: one });
  const run = (JSON.parse(r.stdout) as Log).runs[0];
  t.same(run?.results[0]?.locations[0]?.physicalLocation.artifactLocation, { uri: 'one/stacks/docker-stack.yml', uriBaseId: '%SRCROOT%' });
  t.equal(run?.originalUriBaseIds['%SRCROOT%']?.uri, pathToFileURL(`${base}/`).href);
  const missing = await swarmlintInProcess(['lint', '-f', 'sarif', '--sarif-root', 'nowhere', 'stacks/docker-stack.yml'], { cwd: one });
  t.same([missing.code, missing.stdout, missing.stderr], [2, '', 'swarmlint: --sarif-root nowhere: not a folder\n']);
});

t.test('--format github: workflow commands with repository-relative files', async (t) => {
  const r = await swarmlintInProcess(['lint', '-f', 'github', 'docker-stack.yml'], { cwd: join(two, 'stacks') });
  t.equal(r.code, 1);
  const lines = r.stdout.trimEnd().split('\n');
  t.equal(lines.length, 2);
  t.match(
    lines[0],
    /^::warning file=stacks\/docker-stack\.yml,line=5,col=5,endLine=5,endColumn=\d+,title=swarmlint swarm-ignored-key::Service `web`/,
  );
  t.match(
    lines[1],
    /^::error file=stacks\/docker-stack\.yml,line=7,col=9,.*title=swarmlint dnsrr-ingress-port::.*%0Ahttps:\/\/\S+dnsrr-ingress-port\.md$/,
  );
  const clean = await swarmlintInProcess(
    ['lint', '-f', 'github', '--rule', 'dnsrr-ingress-port:off', '--rule', 'swarm-ignored-key:off', 'docker-stack.yml'],
    {
      cwd: join(two, 'stacks'),
    },
  );
  t.same([clean.code, clean.stdout], [0, ''], 'nothing to annotate: no output');
});

t.test('github: data and properties escaped; findings without a file and fatal errors annotated', (t) => {
  const cwd = t.testdirName;
  const { report, context } = lintTexts(cwd, { 'a, b:c%.yml': STACK_A });
  const text = github(
    {
      ...report,
      findings: [
        ...report.findings,
        {
          ruleId: 'probe-skipped',
          severity: 'info',
          message: 'line one\nline two: 100%',
          logical: [{ kind: 'node', name: 'n1' }],
          fingerprint: 'f',
        },
      ],
      errors: [{ kind: 'load', message: 'not YAML', file: join(cwd, 'bad.yml'), line: 2, column: 3 }],
    },
    { ...context, root: cwd },
  );
  t.match(text, /^::error file=a%2C b%3Ac%25\.yml,line=6,col=9,/m, 'file name escaped as a property');
  t.match(text, /^::notice title=swarmlint probe-skipped::line one%0Aline two: 100%25 \(node n1\)$/m, 'no file: the logical location');
  t.match(text, /^::error file=bad\.yml,line=2,col=3,title=swarmlint could not check this::not YAML$/m);
  t.equal(text.split('\n').filter((l) => l && !l.startsWith('::')).length, 0, 'one command per line');
  t.end();
});

t.test('sarif reporter: root given to the context; a file outside it is a file: URL', (t) => {
  const cwd = t.testdirName;
  const { report, context } = lintTexts(cwd, { 'sub/x.yml': STACK_A });
  const log = JSON.parse(sarif(report, { ...context, root: join(cwd, 'sub') })) as Log;
  t.same(log.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation, { uri: 'x.yml', uriBaseId: '%SRCROOT%' });
  const outside = JSON.parse(sarif(report, { ...context, root: join(cwd, 'other') })) as Log;
  t.match(outside.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation, { uri: /^file:\/\/\/.*\/sub\/x\.yml$/ });
  t.end();
});

/** Reads a SARIF file, checks it against the 2.1.0 schema and GitHub's rules, and returns its one run. */
function ingest(t: Test, file: string): Log['runs'][number] {
  const text = readFileSync(file, 'utf8');
  const log = JSON.parse(text) as Log;
  t.ok(validateSarif(log), `valid SARIF 2.1.0: ${errorsOf(validateSarif)}`);
  t.same(githubProblems(log, text), [], 'what code scanning accepts: a physical location for every result');
  const [run] = log.runs;
  if (!run) throw new Error('no run');
  t.ok(run.results.length > 0, `${String(run.results.length)} result(s)`);
  return run;
}

t.test('preflight: every result has a physical location, the saved facts or a declared stand-in', async (t) => {
  const config = await loadConfig({ cwd: one, ruleOverrides: [] });
  const run = async (args: string[]) => {
    const parsed = parse([...args, '--format', 'sarif'], PREFLIGHT_OPTIONS);
    const options = readReportOptions(parsed.values, one, formatsFor('preflight'));
    await reportPreflight(PREFLIGHT_ICMP_SKIPPED, { args: parsed, cwd: one, config, options, started: performance.now() });
  };
  await run(['-o', join(one, 'live.sarif')]);
  const live = ingest(t, join(one, 'live.sarif'));
  for (const r of live.results) {
    t.same(r.locations[0]?.physicalLocation, {
      artifactLocation: { uri: 'swarmlint-preflight.json' },
      region: { startLine: 1, startColumn: 1 },
    });
    t.match(r.locations[0]?.logicalLocations, [{ fullyQualifiedName: /probe:peer\/198\.18\.0\.101\/icmp/ }], 'the logical location stays');
  }
  t.same(
    live.artifacts?.map((a) => a.location.uri),
    [factsArtifactName('preflight')],
    'the stand-in is declared',
  );
  t.match(live.artifacts?.[0]?.description.text, /^Not a file of the repository: the host the preflight checked\./);

  await run(['--save-facts', join(one, 'facts', 'preflight.json'), '-o', join(one, 'saved.sarif')]);
  const saved = ingest(t, join(one, 'saved.sarif'));
  for (const r of saved.results)
    t.same(r.locations[0]?.physicalLocation.artifactLocation, { uri: 'facts/preflight.json', uriBaseId: '%SRCROOT%' }, 'the saved facts');
  t.equal(saved.artifacts, undefined, 'no stand-in to declare');
});

t.test('audit: every result has a physical location, the saved facts or a declared stand-in', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'swl-sarif-'));
  const replay = await serveEngineApi(join(dir, 'engine.sock'), {
    answers: readScenario(new URL('../../fixtures/engine-api/overlapping-overlay/', import.meta.url).pathname),
  });
  t.teardown(async () => {
    await replay.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const audit = (args: string[]) =>
    runAudit(parse(['--docker-host', `unix://${replay.socketPath}`, '--format', 'sarif', ...args], AUDIT_OPTIONS), one);

  await audit(['-o', join(one, 'audit-live.sarif')]);
  const live = ingest(t, join(one, 'audit-live.sarif'));
  t.ok(
    live.results.every((r) => r.locations[0]?.physicalLocation.artifactLocation.uri === 'swarmlint-audit.json'),
    'a live audit: the declared stand-in',
  );
  t.same(
    live.artifacts?.map((a) => a.location.uri),
    ['swarmlint-audit.json'],
  );
  t.equal(live.automationDetails.id, 'swarmlint/audit/');

  await audit(['--save-facts', join(one, 'facts', 'audit.json'), '-o', join(one, 'audit-saved.sarif')]);
  const saved = ingest(t, join(one, 'audit-saved.sarif'));
  t.ok(
    saved.results.every((r) => r.locations[0]?.physicalLocation.artifactLocation.uri === 'facts/audit.json'),
    'a saved audit: the facts file',
  );
  t.ok(
    saved.results.some((r) => (r.locations[0]?.physicalLocation.region.startLine ?? 0) > 1),
    'findings with a position keep it',
  );
});

t.test('sarif reporter: a finding in a file but on no line points at line 1 of it', (t) => {
  const cwd = t.testdirName;
  const { report, context } = lintTexts(cwd, { 'x.yml': STACK_A });
  const [first] = report.findings;
  if (!first) throw new Error('no finding');
  const log = JSON.parse(sarif({ ...report, findings: [{ ...first, line: undefined }] }, { ...context, root: cwd })) as Log;
  t.same(log.runs[0]?.results[0]?.locations[0]?.physicalLocation, {
    artifactLocation: { uri: 'x.yml', uriBaseId: '%SRCROOT%' },
    region: { startLine: 1, startColumn: 1 },
  });
  t.same(githubProblems(log), []);
  t.end();
});
