// `swarmlint audit` against a replay of Engine API answers recorded from the real lab (bench/audit-replay.ts on a
// unix socket): through the CLI's main in this process with its own streams and environment where exit codes and
// what is printed matter (the built CLI in a child process for an exit status and for an engine that hangs, where the
// process must end), and through runAudit for the many variations. Findings, exit
// codes, --save-facts, baselines, the prometheus textfile, workers, engines that fail or hang, contexts, usage
// errors. The real swarm is test/lab/audit.ts.
import t, { type Test } from 'tap';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { Ajv } from 'ajv';
import { readScenario, serveEngineApi, type Answers, type Replay, type ReplayOptions } from '../../bench/audit-replay.js';
import { runAudit } from '../../cli/audit.js';
import { AUDIT_OPTIONS, LINT_OPTIONS, parse } from '../../cli/args.js';
import { runLint } from '../../cli/lint.js';
import { profileFromFacts } from '../../engine/cluster-profile.js';
import { loadFacts } from '../../language/loader/facts.js';
import type { Facts } from '../../language/model.js';
import { baselineKeys, newFindings } from '../../engine/baseline.js';
import type { Finding } from '../../engine/findings.js';
import { prometheus } from '../../reporters/prometheus.js';
import { swarmlint, swarmlintInProcess, type Run } from '../helpers/cli.js';

// A hang limit, not a speed bound.
t.setTimeout(600_000);

const FIXTURES = new URL('../../fixtures/engine-api/', import.meta.url).pathname;
const scenario = (name: string): Answers => readScenario(join(FIXTURES, name));
const schema = JSON.parse(readFileSync(new URL('../../schemas/facts.schema.json', import.meta.url), 'utf8')) as object;
const validateFacts = new Ajv({ allErrors: true, strict: false }).compile(schema);
const SIX = [
  'GET /info',
  'GET /networks',
  'GET /nodes',
  'GET /services?status=true',
  'GET /swarm',
  'GET /tasks?filters=%7B%22desired-state%22%3A%5B%22running%22%5D%7D',
];

/** A replay of `answers` on a unix socket in a short folder of its own, closed after the test. */
async function engine(t: Test, answers: Answers, options: Omit<ReplayOptions, 'answers'> = {}): Promise<Replay> {
  const dir = mkdtempSync(join(tmpdir(), 'swl-audit-'));
  const replay = await serveEngineApi(join(dir, 'engine.sock'), { answers, ...options });
  t.teardown(async () => {
    await replay.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return replay;
}

/**
 * The CLI in `cwd` (in this process, or `swarmlint`: the built CLI in a child), DOCKER_HOST at the replay; no docker
 * config of this machine leaks in.
 */
function audit(
  args: string[],
  cwd: string,
  replay: Replay | string | undefined,
  env: Record<string, string | undefined> = {},
  run: typeof swarmlint = swarmlintInProcess,
): Promise<Run> {
  const host = typeof replay === 'string' ? replay : replay ? `unix://${replay.socketPath}` : undefined;
  return run(['audit', ...args], {
    cwd,
    env: {
      DOCKER_HOST: host,
      DOCKER_CONTEXT: undefined,
      DOCKER_CONFIG: join(cwd, '.no-docker-config'),
      DOCKER_TLS_VERIFY: undefined,
      DOCKER_CERT_PATH: undefined,
      ...env,
    },
  });
}

/** runAudit in this process; the report goes to an `-o` file. */
function auditHere(args: string[], cwd: string, replay: Replay | string): Promise<number> {
  const host = typeof replay === 'string' ? replay : `unix://${replay.socketPath}`;
  return runAudit(parse(['--docker-host', host, ...args], AUDIT_OPTIONS), cwd);
}

interface JsonReport {
  findings: Finding[];
  errors: unknown[];
}
const json = (r: Run): JsonReport => JSON.parse(r.stdout) as JsonReport;
const readJson = (path: string): JsonReport => JSON.parse(readFileSync(path, 'utf8')) as JsonReport;
const summary = (findings: Finding[]): string[][] =>
  findings.map((f) => [f.ruleId, f.severity, f.logical.map((l) => `${l.kind}:${l.name}`).join('/'), f.message]);

t.test('healthy lab answers: exit 0, the encrypted overlay reminder only, six GET requests', async (t) => {
  const cwd = t.testdir({});
  const replay = await engine(t, scenario('healthy-3-nodes'));
  const r = await audit([], cwd, replay, {}, swarmlint);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /network secure +info +Network `secure` is encrypted .*encrypted-overlay-prerequisites/);
  t.match(r.stdout, '✖ 1 problem (1 info)');
  t.same([...replay.requests].sort(), SIX, 'one request per kind');
  t.equal(await auditHere(['-f', 'json', '-o', 'r.json'], cwd, replay), 0);
  t.equal(await auditHere(['-f', 'json', '-o', 'again.json'], cwd, replay), 0);
  t.same(
    readJson(join(cwd, 'again.json')).findings.map((f) => f.fingerprint),
    readJson(join(cwd, 'r.json')).findings.map((f) => f.fingerprint),
    'the same audit twice: the same fingerprints',
  );
  t.same(
    readJson(join(cwd, 'r.json')).findings.map((f) => [f.ruleId, f.severity, f.logical, f.file]),
    [['encrypted-overlay-prerequisites', 'info', [{ kind: 'network', name: 'secure', id: '112h3fmr6qmk46xdin8itwsxf' }], undefined]],
    'a live audit has logical locations only',
  );
  t.equal(replay.requests.length, 18, 'six more for each run');
});

t.test('overlapping overlay: subnet-overlap names the network and the nodes, exit 1', async (t) => {
  const cwd = t.testdir({});
  const r = await audit(['-f', 'json'], cwd, await engine(t, scenario('overlapping-overlay')));
  t.equal(r.code, 1);
  const overlap = json(r).findings.filter((f) => f.ruleId === 'subnet-overlap');
  t.equal(overlap.length, 1);
  t.same(
    overlap[0]?.logical.map((l) => l.name),
    ['lab-overlap'],
  );
  t.match(
    overlap[0]?.message,
    /^Subnet 198\.18\.0\.0\/24 of network `lab-overlap` holds node `swl-n1` \(198\.18\.0\.101\), node `swl-n2` \(198\.18\.0\.102\), node `swl-n3` \(198\.18\.0\.103\)/,
  );
});

t.test('task density: a lowered limit names the node over it', async (t) => {
  const cwd = t.testdir({
    'swarmlint.config.yml': 'rules:\n  container-density: [warning, { limit: 8 }]\n',
    'none.yml': 'extends: recommended\n',
  });
  const replay = await engine(t, scenario('task-density'));
  const r = await audit(['-f', 'json'], cwd, replay);
  t.equal(r.code, 0, 'a warning does not fail at the default threshold');
  t.same(summary(json(r).findings.filter((f) => f.ruleId === 'container-density')), [
    [
      'container-density',
      'warning',
      'node:swl-n2',
      'Node `swl-n2` runs 13 tasks, above 8: with about 1000 containers on one host, overlay networking becomes unstable (a Linux bridge takes at most 1023 ports) and new containers cannot be reached.',
    ],
  ]);
  t.equal((await audit(['--failure-threshold', 'warning'], cwd, replay)).code, 1, '--failure-threshold warning');
  t.equal(await auditHere(['--failure-threshold', 'none', '--max-warnings', '0', '-o', 'r.txt'], cwd, replay), 1, '--max-warnings 0');
  t.equal(await auditHere(['--failure-threshold', 'none', '-o', 'r.txt'], cwd, replay), 0, '--failure-threshold none');
  t.equal(
    await auditHere(['--rule', 'container-density:off', '--failure-threshold', 'warning', '-o', 'r.txt'], cwd, replay),
    0,
    '--rule turns it off',
  );
  t.equal(
    await auditHere(['--config', 'none.yml', '--failure-threshold', 'warning', '-o', 'r.txt'], cwd, replay),
    0,
    'the default limit (1000) is far',
  );
});

t.test('--save-facts, then swarmlint lint FACTS gives the same findings', async (t) => {
  const cwd = t.testdir({});
  const replay = await engine(t, scenario('overlapping-overlay'));
  const live = await audit(['-f', 'json', '--save-facts', 'facts.json'], cwd, replay);
  t.equal(live.code, 1);
  const saved = JSON.parse(readFileSync(join(cwd, 'facts.json'), 'utf8')) as { kind: string; source: string; nodes: unknown[] };
  t.ok(validateFacts(saved), `valid facts: ${JSON.stringify(validateFacts.errors)}`);
  t.same([saved.kind, saved.source, saved.nodes.length], ['audit', `unix://${replay.socketPath}`, 3]);
  const offline = await swarmlintInProcess(['lint', '-f', 'json', 'facts.json'], { cwd });
  t.equal(offline.code, live.code, 'same exit code');
  t.same(summary(json(offline).findings), summary(json(live).findings), 'same rules, severities, objects and messages');
  t.ok(
    json(live).findings.every((f) => f.file === 'facts.json' && typeof f.line === 'number'),
    'findings of a saved audit point into the file',
  );
  t.equal(replay.requests.length, 6, 'lint asked the engine nothing');
});

t.test('lint --cluster-facts: a stack checked against a saved audit', async (t) => {
  const cwd = t.testdir({
    'stack.yml': [
      'services:',
      '  shop:',
      '    image: nginx:1.27',
      '    ports: ["8080:80"]',
      '    networks: [back]',
      'networks:',
      '  back:',
      '    driver: overlay',
      '    ipam:',
      '      config:',
      '        - subnet: 10.0.1.0/24',
      '',
    ].join('\n'),
  });
  t.equal(await auditHere(['--save-facts', 'facts.json', '-o', 'r.txt'], cwd, await engine(t, scenario('healthy-3-nodes'))), 0);
  const plain = await runLint(parse(['-f', 'json', '-o', 'plain.json', 'stack.yml'], LINT_OPTIONS), cwd);
  t.equal(plain, 0, 'without the audit: nothing known, nothing found');
  const code = await runLint(parse(['-f', 'json', '-o', 'lint.json', '--cluster-facts', 'facts.json', 'stack.yml'], LINT_OPTIONS), cwd);
  t.equal(code, 1);
  const found = readJson(join(cwd, 'lint.json')).findings;
  t.same(
    found.map((f) => [f.ruleId, f.messageId, f.line]),
    [
      ['published-port-conflict', 'conflictInCluster', 4],
      ['subnet-overlap', 'overlapsExisting', 11],
    ],
  );
  t.match(found[0]?.message, /`web`/, 'the lab service that publishes 8080');
  t.match(found[1]?.message, /10\.0\.1\.0\/24 of the existing network `app`/, 'the lab network with that subnet');
});

t.test('the cluster profile of an audit', (t) => {
  const doc = (parts: object): Facts => loadFacts(JSON.stringify({ format: 'swarmlint-facts/1', kind: 'audit', ...parts }), 'f.json');
  const node = (hostname: string, extra: object = {}): object => ({
    id: hostname,
    hostname,
    address: `10.9.0.${String(hostname.length)}`,
    ...extra,
  });
  t.same(profileFromFacts(doc({})), { networks: [], publishedPorts: [] }, 'nothing known');
  const profile = profileFromFacts(
    doc({
      swarm: { dataPathPort: 4789, defaultAddrPools: [], subnetSize: 26 },
      nodes: [
        node('a', { underlayMtu: 1450 }),
        node('bb', { os: 'windows', underlayMtu: 1400 }),
        node('ccc', { os: 'windows', availability: 'drain' }),
        node('dddd', { state: 'down' }),
        { id: 'e' },
      ],
      networks: [{ name: 'ingress', ingress: true, subnets: ['10.0.0.0/24'], mtu: 1400 }],
    }),
  );
  t.same(
    [profile.nodes, profile.windowsNodes, profile.underlayMtu, profile.subnetSize, profile.defaultAddrPools, profile.ingressSubnet],
    [3, 1, 1400, 26, undefined, '10.0.0.0/24'],
    'ready and active nodes only (the Windows one drained does not count); the smallest MTU; no pools said',
  );
  t.same(
    profile.nodeAddresses?.map((n) => n.name),
    ['a', 'bb', 'ccc', 'dddd'],
    'nodes with an address',
  );
  const down = profileFromFacts(
    doc({
      nodes: [node('x', { state: 'down', os: 'windows' }), node('y', { state: 'down' })],
      networks: [{ name: 'n', scope: '', subnets: [] }],
      services: [
        { name: 's', ports: [{ target: 80 }, { target: 81, published: 81, mode: 'host' }, { target: 82, published: 82, protocol: 'udp' }] },
      ],
    }),
  );
  t.same(
    [down.nodes, down.windowsNodes, down.ingressSubnet, down.underlayMtu],
    [2, 1, undefined, undefined],
    'no node ready: all of them count',
  );
  t.same(down.networks, [{ name: 'n', subnets: [], encrypted: false }], 'a network without a scope');
  t.same(down.publishedPorts, [{ port: 82, protocol: 'udp', service: 's' }], 'ports published in ingress mode only');
  t.end();
});

/** The answers as after a restart of every task and a reboot of every node: new task IDs, container IDs, addresses, times. */
function restarted(answers: Answers): Answers {
  const copy = structuredClone(answers);
  const bump = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 25);
  type Task = {
    ID: string;
    Status: { Timestamp: string; ContainerStatus?: { ContainerID: string } };
    NetworksAttachments?: { Addresses: string[] }[];
  };
  for (const task of copy.tasks as Task[]) {
    task.ID = bump(task.ID);
    task.Status.Timestamp = '2026-11-24T03:00:00.000000000Z';
    if (task.Status.ContainerStatus) task.Status.ContainerStatus.ContainerID = bump(task.Status.ContainerStatus.ContainerID);
    for (const a of task.NetworksAttachments ?? [])
      a.Addresses = a.Addresses.map((x) => x.replace(/\.(\d+)\//, (_m, n: string) => `.${String(Number(n) + 20)}/`));
  }
  for (const node of copy.nodes as { UpdatedAt: string; Version: { Index: number } }[]) {
    node.UpdatedAt = '2026-11-24T03:00:00.000000000Z';
    node.Version.Index += 100;
  }
  return copy;
}

t.test('--baseline: only new findings; stable across runs, saved facts, restarts and reboots', async (t) => {
  const cwd = t.testdir({});
  const overlapping = await engine(t, scenario('overlapping-overlay'));
  const first = await audit(['--baseline', 'baseline.json', '--update-baseline'], cwd, overlapping);
  t.same([first.code, first.stdout, first.stderr], [0, '', ''], 'writing the baseline accepts the findings: quiet, exit 0');
  const baseline = JSON.parse(readFileSync(join(cwd, 'baseline.json'), 'utf8')) as {
    format: string;
    findings: Record<string, { ruleId: string }>;
  };
  t.same(
    [
      baseline.format,
      Object.values(baseline.findings)
        .map((f) => f.ruleId)
        .sort(),
    ],
    ['swarmlint-baseline/1', ['encrypted-overlay-prerequisites', 'subnet-overlap']],
  );
  const again = await audit(['--baseline', 'baseline.json'], cwd, overlapping);
  t.same([again.code, again.stdout, again.stderr], [0, '', ''], 'the same audit again: quiet');
  const quiet = async (args: string[], replay: Replay, what: string): Promise<void> => {
    t.equal(await auditHere(['--baseline', 'baseline.json', '-f', 'json', '-o', 'r.json', ...args], cwd, replay), 0, what);
    t.same(readJson(join(cwd, 'r.json')).findings, [], `${what}: no finding`);
  };
  await quiet(['--save-facts', 'facts.json'], overlapping, 'with --save-facts (findings now point into a file): still quiet');
  await quiet(
    [],
    await engine(t, restarted(scenario('overlapping-overlay'))),
    'after task restarts and node reboots (new task IDs, addresses)',
  );

  // Something new: the density limit lowered shows container-density, and only that.
  writeFileSync(join(cwd, 'swarmlint.config.yml'), 'rules:\n  container-density: [error, { limit: 2 }]\n');
  t.equal(await auditHere(['--baseline', 'baseline.json', '-f', 'json', '-o', 'r.json'], cwd, overlapping), 1);
  t.same(
    readJson(join(cwd, 'r.json')).findings.map((f) => f.ruleId),
    ['container-density'],
    'only the new finding',
  );

  const bad = t.testdir({
    'baseline.json': '{"format": "something else", "findings": {}}',
    'list.json': '{"format": "swarmlint-baseline/1", "findings": []}',
    'null.json': '{"format": "swarmlint-baseline/1", "findings": null}',
  });
  const requests = overlapping.requests.length;
  await t.rejects(auditHere(['--baseline', 'baseline.json'], bad, overlapping), {
    name: 'BaselineError',
    message: 'not a baseline (format "something else", expected "swarmlint-baseline/1")',
    file: join(bad, 'baseline.json'),
  });
  await t.rejects(auditHere(['--baseline', 'list.json'], bad, overlapping), { name: 'BaselineError', message: /^not a baseline/ });
  await t.rejects(auditHere(['--baseline', 'null.json'], bad, overlapping), { name: 'BaselineError', message: /^not a baseline/ });
  await t.rejects(auditHere(['--baseline', 'missing.json'], bad, overlapping), {
    name: 'BaselineError',
    message: /^cannot read the baseline: ENOENT/,
  });
  t.equal(overlapping.requests.length, requests, 'a baseline that cannot be read stops the run before the engine is asked');
  const partial = await engine(t, scenario('overlapping-overlay'), { failures: { tasks: { status: 500 } } });
  t.equal(await auditHere(['--baseline', 'partial.json', '--update-baseline', '-f', 'json', '-o', 'r.json'], bad, partial), 2);
  t.notOk(existsSync(join(bad, 'partial.json')), 'an audit with facts missing does not write the baseline');
  t.same(
    readJson(join(bad, 'r.json'))
      .findings.map((f) => f.ruleId)
      .sort(),
    ['encrypted-overlay-prerequisites', 'probe-skipped', 'subnet-overlap'],
    'and shows its findings',
  );
  await t.rejects(auditHere(['--baseline', join(bad, 'r.json', 'b.json'), '--update-baseline', '-o', 'r.txt'], bad, overlapping), {
    name: 'BaselineError',
    message: /^cannot write the baseline: (EEXIST|ENOTDIR)/,
  });
});

t.test('baseline keys: what a finding is about, not where it was printed', (t) => {
  const f = (over: Partial<Finding>): Finding => ({
    ruleId: 'container-density',
    messageId: 'nodeTooMany',
    severity: 'warning',
    message: 'Node `swl-n2` runs 13 tasks, above 8.',
    logical: [{ kind: 'node', name: 'swl-n2', id: 'n8dwgdiw4bql3b82hgtwv1olq' }],
    fingerprint: 'a',
    ...over,
  });
  const [base] = baselineKeys([f({})]);
  t.same(
    baselineKeys([
      f({ message: 'Node `swl-n2` runs 14 tasks, above 8.', file: 'facts.json', line: 9, fingerprint: 'b', severity: 'error' }),
    ]),
    [base],
    'numbers, file, line, fingerprint and severity do not count',
  );
  t.same(baselineKeys([f({ logical: [{ kind: 'node', name: 'swl-n2', id: 'a-new-id' }] })]), [base], 'a node that rejoined under its name');
  t.not(baselineKeys([f({ logical: [{ kind: 'node', name: 'swl-n3' }] })])[0], base, 'another node');
  t.not(baselineKeys([f({ messageId: undefined })])[0], base, 'another message kind');
  t.not(baselineKeys([f({ ruleId: 'other' })])[0], base, 'another rule');
  t.same(baselineKeys([f({}), f({}), f({})]), [base, `${String(base)}:2`, `${String(base)}:3`], 'repeats are numbered');
  const baseline = { format: 'swarmlint-baseline/1' as const, findings: { [String(base)]: { ruleId: 'container-density', message: '' } } };
  t.same(
    newFindings([f({}), f({ logical: [] })], baseline).map((x) => x.logical.length),
    [0],
    'new: what the baseline does not hold',
  );
  t.end();
});

const sample = (text: string, name: string, labels: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

t.test('--format prometheus: a textfile that keeps the last success when a run fails', async (t) => {
  const cwd = t.testdir({ fresh: {} });
  const replay = await engine(t, scenario('healthy-3-nodes'));
  const before = Math.floor(Date.now() / 1000);
  const ok = await audit(['-f', 'prometheus', '-o', 'swarmlint.prom'], cwd, replay);
  t.same([ok.code, ok.stdout, ok.stderr], [0, '', '']);
  const text = readFileSync(join(cwd, 'swarmlint.prom'), 'utf8');
  for (const metric of [
    'swarmlint_findings',
    'swarmlint_not_checked',
    'swarmlint_duration_seconds',
    'swarmlint_last_success_timestamp_seconds',
  ]) {
    t.match(text, new RegExp(`^# HELP ${metric} \\S.*\\n# TYPE ${metric} gauge$`, 'm'), `${metric}: HELP and TYPE`);
  }
  t.equal(sample(text, 'swarmlint_findings', 'command="audit",rule="encrypted-overlay-prerequisites",severity="info"'), 1);
  for (const severity of ['error', 'warning', 'info', 'suggestion'])
    t.equal(
      sample(text, 'swarmlint_findings', `command="audit",rule="subnet-overlap",severity="${severity}"`),
      0,
      `a rule that ran and found nothing: 0 (${severity})`,
    );
  t.equal(sample(text, 'swarmlint_not_checked', 'command="audit"'), 0);
  const last = sample(text, 'swarmlint_last_success_timestamp_seconds', 'command="audit"') ?? 0;
  t.ok(last >= before && last <= Date.now() / 1000 + 1, 'last success: now');
  t.ok((sample(text, 'swarmlint_duration_seconds', 'command="audit"') ?? -1) > 0, 'duration');
  t.ok(text.endsWith('\n') && !text.includes('\n\n'), 'one sample per line, ending in a newline');

  // The engine is gone: exit 2, nothing checked, the last success kept.
  const gone = await audit(['-f', 'prometheus', '-o', 'swarmlint.prom'], cwd, `unix://${join(cwd, 'gone.sock')}`);
  t.equal(gone.code, 2);
  t.match(gone.stderr, /^swarmlint: cannot reach the Docker Engine at unix:\/\/.*gone\.sock: no Docker socket there/);
  const failed = readFileSync(join(cwd, 'swarmlint.prom'), 'utf8');
  t.equal(sample(failed, 'swarmlint_not_checked', 'command="audit"'), 1);
  t.equal(sample(failed, 'swarmlint_last_success_timestamp_seconds', 'command="audit"'), last, 'the last success is kept');
  t.notMatch(failed, /^swarmlint_findings\{/m, 'no findings series when nothing was checked');

  // One call fails: the rest is checked, probe-skipped says what was not; still not a success.
  const tasksFail = await engine(t, scenario('healthy-3-nodes'), {
    failures: { tasks: { status: 500, message: 'rpc error: code = DeadlineExceeded' } },
  });
  t.equal(await auditHere(['-f', 'prometheus', '-o', 'swarmlint.prom'], cwd, tasksFail), 2, 'facts missing: exit 2');
  const half = readFileSync(join(cwd, 'swarmlint.prom'), 'utf8');
  t.equal(sample(half, 'swarmlint_findings', 'command="audit",rule="probe-skipped",severity="error"'), 1);
  t.equal(sample(half, 'swarmlint_not_checked', 'command="audit"'), 1);
  t.equal(sample(half, 'swarmlint_last_success_timestamp_seconds', 'command="audit"'), last, 'the last success is still the first run');

  // A first run that fails, or is partial, has no last success to keep.
  await t.rejects(auditHere(['-f', 'prometheus', '-o', 'fresh/x.prom'], cwd, `unix://${join(cwd, 'gone.sock')}`), {
    name: 'EngineApiError',
  });
  t.notMatch(readFileSync(join(cwd, 'fresh/x.prom'), 'utf8'), 'swarmlint_last_success_timestamp_seconds');
  t.equal(await auditHere(['-f', 'prometheus', '-o', 'fresh/x.prom'], cwd, tasksFail), 2);
  t.notMatch(
    readFileSync(join(cwd, 'fresh/x.prom'), 'utf8'),
    'swarmlint_last_success_timestamp_seconds',
    'nor does a partial run after it',
  );
  await t.rejects(
    auditHere(['-f', 'prometheus', '-o', 'fresh/x.prom/y.prom'], cwd, replay),
    { name: 'UsageError', message: /^--output-file .*fresh\/x\.prom\/y\.prom: (EEXIST|ENOTDIR)/ },
    'an unwritable textfile (a file where its folder should be) is a usage error',
  );
  await t.rejects(
    auditHere(['-f', 'prometheus', '-o', 'fresh/x.prom/y.prom'], cwd, 'unix:///nonexistent.sock'),
    { name: 'UsageError' },
    'also when the audit failed',
  );
});

t.test('prometheus reporter: label values escaped, every severity of every rule', (t) => {
  const finding = (ruleId: string, severity: Finding['severity']): Finding => ({
    ruleId,
    severity,
    message: 'm',
    logical: [],
    fingerprint: 'f',
  });
  const text = prometheus(
    {
      findings: [finding('plug/"odd"\\rule\nx', 'warning'), finding('plug/"odd"\\rule\nx', 'warning'), finding('b', 'error')],
      errors: [],
      files: [],
      rulesRun: ['a', 'b'],
    },
    { cwd: '/', rules: [], color: false, command: 'audit' },
  );
  t.equal(
    sample(text, 'swarmlint_findings', 'command="audit",rule="plug/\\"odd\\"\\\\rule\\nx",severity="warning"'),
    2,
    'quote, backslash and newline escaped',
  );
  t.equal(text.split('\n').filter((l) => l.startsWith('swarmlint_findings{')).length, 12, 'three rules, four severities each');
  t.notMatch(text, /swarmlint_(duration|last_success)/, 'no duration or last success when the context has none');
  t.end();
});

t.test('a worker: exit 2, run it on a manager', async (t) => {
  const cwd = t.testdir({});
  const worker = {
    ...scenario('healthy-3-nodes'),
    info: JSON.parse(readFileSync(join(FIXTURES, 'healthy-3-nodes', 'info.swl-n2.json'), 'utf8')) as unknown,
  };
  const refusal = {
    status: 503,
    message:
      "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.",
  };
  const replay = await engine(t, worker, {
    failures: { swarm: refusal, nodes: refusal, networks: refusal, services: refusal, tasks: refusal },
  });
  const r = await audit(['-f', 'prometheus', '-o', 'x.prom'], cwd, replay);
  t.same([r.code, r.stdout], [2, '']);
  t.match(
    r.stderr,
    /^swarmlint: this engine \(unix:\/\/.*\) is not a swarm manager: run swarmlint audit on a manager, or point DOCKER_HOST at one\n$/,
  );
  t.equal(sample(readFileSync(join(cwd, 'x.prom'), 'utf8'), 'swarmlint_not_checked', 'command="audit"'), 1);
});

t.test('an engine that hangs: the deadline ends the audit, what answered is checked', async (t) => {
  const cwd = t.testdir({});
  const replay = await engine(t, scenario('overlapping-overlay'), { failures: { tasks: { hang: true } } });
  const started = Date.now();
  const r = await audit(['--deadline', '1', '-f', 'json'], cwd, replay, {}, swarmlint);
  // The engine never answers /tasks, so without the deadline the CLI would wait forever; the bound only proves it
  // ends, with room for a loaded machine (seen: 16.8 s to start and finish under a load average of 28).
  t.ok(Date.now() - started < 60_000, `the CLI is done in ${String(Date.now() - started)} ms`);
  t.equal(r.code, 2);
  t.same(
    summary(json(r).findings).map((f) => f.slice(0, 2)),
    [
      ['encrypted-overlay-prerequisites', 'info'],
      ['probe-skipped', 'error'],
      ['subnet-overlap', 'error'],
    ],
  );
  t.match(
    json(r).findings.find((f) => f.ruleId === 'probe-skipped')?.message,
    "engine-api/tasks failed: timed out (the audit's deadline of 1 s passed)",
  );
  t.equal(await auditHere(['--timeout', '0.5', '-f', 'json', '-o', 'r.json'], cwd, replay), 2);
  t.match(
    readJson(join(cwd, 'r.json')).findings.find((f) => f.ruleId === 'probe-skipped')?.message,
    'engine-api/tasks failed: no answer for 0.5 s',
    '--timeout: silence per request',
  );
});

t.test('where the engine is: a Docker context', async (t) => {
  const replay = await engine(t, scenario('healthy-3-nodes'));
  const context = 'lab-manager';
  const id = createHash('sha256').update(context).digest('hex');
  const cwd = t.testdir({
    docker: {
      'config.json': JSON.stringify({ currentContext: context }),
      contexts: {
        meta: { [id]: { 'meta.json': JSON.stringify({ Name: context, Endpoints: { docker: { Host: `unix://${replay.socketPath}` } } }) } },
      },
    },
  });
  const viaContext = await audit(['--save-facts', 'facts.json'], cwd, undefined, {
    DOCKER_HOST: undefined,
    DOCKER_CONFIG: join(cwd, 'docker'),
  });
  t.equal(viaContext.code, 0, viaContext.stderr);
  t.equal(
    (JSON.parse(readFileSync(join(cwd, 'facts.json'), 'utf8')) as { source: string }).source,
    `unix://${replay.socketPath} (context lab-manager)`,
  );
  t.equal(replay.requests.length, 6);
});

t.test('usage errors: exit 2 before the engine is asked anything', async (t) => {
  const cwd = t.testdir({ 'broken.json': '{' });
  const replay = await engine(t, scenario('healthy-3-nodes'));
  const one = await audit(['--deadline', 'soon'], cwd, replay);
  t.same([one.code, one.stdout, one.stderr], [2, '', 'swarmlint: --deadline takes a number of seconds\n'], 'exit 2, one line');
  for (const [args, message] of [
    [['stack.yml'], /audit takes no files \(got stack\.yml\)/],
    [['--update-baseline'], /--update-baseline needs --baseline FILE/],
    [['--timeout', '0'], /--timeout takes a number of seconds/],
    [['-f', 'xml'], /unknown format "xml"/],
    [['--failure-threshold', 'fatal'], /--failure-threshold fatal: one of error, warning, info, suggestion, none/],
    [['--max-warnings', 'x'], /--max-warnings x: a whole number/],
    [['--max-warnings', 'O'], /--max-warnings O: a whole number/],
    [['--baseline', 'broken.json'], /cannot read the baseline/],
    [['--config', 'missing.yml'], /the config file does not exist/],
    [['--docker-host', 'ftp://h'], /unsupported Docker host scheme ftp:/],
    [['--deep-sample', '2'], /--deep-sample needs --deep/],
    [['--deep', '--deep-seed', 'x'], /--deep-seed needs --deep-sample/],
    [['--deep', '--deep-sample', '0'], /--deep-sample takes a number of peers from 1 to 10000, not "0"/],
    [['--deep', '--deep-sample', '2', '--deep-seed', 'a b'], /--deep-seed "a b": letters, digits/],
  ] as const) {
    await t.rejects(runAudit(parse([...args], AUDIT_OPTIONS), cwd), { message }, args.join(' '));
  }
  t.equal(replay.requests.length, 0, 'no request was made');
  await t.rejects(
    auditHere(['--save-facts', 'broken.json/f.json'], cwd, replay),
    { name: 'UsageError', message: /^--save-facts .*broken\.json\/f\.json: (EEXIST|ENOTDIR)/ },
    'facts that cannot be saved (a file where its folder should be)',
  );
});
