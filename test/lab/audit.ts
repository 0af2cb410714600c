// `swarmlint audit` against a real swarm: one 3-node lab (1 manager, 2 workers) for the whole file, the real CLI
// in a child process with DOCKER_HOST at the manager's socket, through a recording proxy that logs every request
// line (the GET-only proof). Healthy lab, an encrypted overlay, an overlay on the underlay's subnet, a node over a
// lowered density limit, a worker's socket, --save-facts and lint, baselines across a task restart, the
// prometheus textfile, and a stack linted against the saved audit (--cluster-facts).
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import t from 'tap';
import { up, waitFor } from '../../lab/index.js';
import { SCENARIOS } from '../../scripts/record-engine-api.js';
import type { Finding } from '../../engine/findings.js';
import { swarmlint, type Run } from '../helpers/cli.js';
import { recordingProxy, tempDir, whenLabCan } from '../helpers/lab.js';

interface JsonReport {
  findings: Finding[];
  errors: unknown[];
}
const findingsOf = (r: Run): Finding[] => (JSON.parse(r.stdout) as JsonReport).findings;
const brief = (findings: Finding[]): string[][] =>
  findings.map((f) => [f.ruleId, f.severity, f.logical.map((l) => `${l.kind}:${l.name}`).join('/'), f.message]);

async function main(): Promise<void> {
  const began = Date.now();
  const lab = await up({
    nodes: 3,
    managers: 1,
    log: (line) => {
      t.comment(line);
    },
  });
  t.teardown(() => lab.down());
  const dir = tempDir(t, 'swl-lab-audit-');
  const proxy = await recordingProxy(t, join(dir, 'manager.sock'), lab.node(1).socketPath);
  const [n1, n2, n3] = [lab.node(1), lab.node(2), lab.node(3)];

  // The recorder's healthy scenario: overlays app and secure (encrypted), web (2 replicas, 8080 in ingress mode)
  // and the global node-agent (9100 in host mode).
  const healthy = SCENARIOS['healthy-3-nodes'];
  if (!healthy) throw new Error('no healthy scenario');
  await healthy(lab);
  t.comment(`lab and services ready after ${String(Date.now() - began)} ms`);

  const audit = (args: string[], host = `unix://${proxy.path}`): Promise<Run> =>
    swarmlint(['audit', ...args], {
      cwd: dir,
      env: { DOCKER_HOST: host, DOCKER_CONTEXT: undefined, DOCKER_CONFIG: join(dir, 'no-docker-config'), DOCKER_TLS_VERIFY: undefined },
    });
  const requestsOfRun = async (run: () => Promise<Run>): Promise<{ run: Run; requests: string[] }> => {
    const before = proxy.requests.length;
    const r = await run();
    return { run: r, requests: proxy.requests.slice(before) };
  };
  const SIX = [
    'GET /info',
    'GET /networks',
    'GET /nodes',
    'GET /services?status=true',
    'GET /swarm',
    'GET /tasks?filters=%7B%22desired-state%22%3A%5B%22running%22%5D%7D',
  ];
  const lines = (requests: string[]): string[] => requests.map((l) => l.replace(/ HTTP\/1\.[01]$/, '')).sort();

  await t.test('healthy lab: no error, the encrypted overlay reminder; six GET requests', async (t) => {
    const { run, requests } = await requestsOfRun(() => audit(['-f', 'json', '--save-facts', 'healthy.json']));
    t.equal(run.code, 0, run.stderr);
    const findings = findingsOf(run);
    t.same(
      findings.filter((f) => f.severity === 'error' || f.severity === 'warning'),
      [],
      'no error, no warning',
    );
    t.same(
      brief(findings).map((f) => f.slice(0, 3)),
      [['encrypted-overlay-prerequisites', 'info', 'network:secure']],
      'the info reminder for the encrypted overlay',
    );
    t.same(lines(requests), SIX, `the proxy saw six requests, all GET: ${requests.join(', ')}`);
    t.ok(
      requests.every((l) => l.startsWith('GET ')),
      'only GET',
    );
    // The proxy logs whatever method a client sends: a HEAD of its own goes through and shows as such.
    const head = await new Promise<number | undefined>((resolve, reject) => {
      request({ socketPath: proxy.path, method: 'HEAD', path: '/_ping' }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
        .on('error', reject)
        .end();
    });
    t.same([head, proxy.requests.at(-1)], [200, 'HEAD /_ping HTTP/1.1'], 'the proxy would have seen any other method');

    // --save-facts, then lint the saved facts offline: the same findings.
    const offline = await swarmlint(['lint', '-f', 'json', 'healthy.json'], { cwd: dir });
    t.equal(offline.code, run.code);
    t.same(brief(findingsOf(offline)), brief(findings), 'swarmlint lint FACTS gives the same findings');
    const facts = JSON.parse(readFileSync(join(dir, 'healthy.json'), 'utf8')) as {
      nodes: { hostname: string; address: string; tasks: number }[];
    };
    t.same(
      facts.nodes.map((n) => [n.hostname, n.address]).sort(),
      [n1, n2, n3].map((n) => [n.hostname, n.address]),
      'every node with its underlay address',
    );
    t.equal(
      facts.nodes.reduce((sum, n) => sum + n.tasks, 0),
      5,
      'five tasks: two of web, three of node-agent',
    );
  });

  await t.test('baseline: quiet on the second run and after a task restart; the prometheus textfile', async (t) => {
    const first = await audit(['--baseline', 'baseline.json', '--update-baseline']);
    t.same([first.code, first.stdout, first.stderr], [0, '', ''], 'the baseline written, quietly');
    const second = await audit(['--baseline', 'baseline.json']);
    t.same([second.code, second.stdout, second.stderr], [0, '', ''], 'the second run is quiet');

    // Restart web's tasks (new task IDs, new containers, new addresses).
    const service = lab.manager.getService('web');
    const spec = (await service.inspect()) as { Version: { Index: number }; Spec: { TaskTemplate: { ForceUpdate?: number } } };
    const before = new Set((await lab.tasks('web')).filter((x) => x.DesiredState === 'running').map((x) => x.ID));
    await service.update({
      version: spec.Version.Index,
      ...spec.Spec,
      TaskTemplate: { ...spec.Spec.TaskTemplate, ForceUpdate: (spec.Spec.TaskTemplate.ForceUpdate ?? 0) + 1 },
    });
    await waitFor(
      'web restarted',
      async () => {
        const running = (await lab.tasks('web')).filter((x) => x.DesiredState === 'running' && x.Status.State === 'running');
        const fresh = running.filter((x) => !before.has(x.ID));
        return fresh.length === 2 && running.length === 2
          ? { done: true, value: undefined }
          : { done: false, seen: `${String(fresh.length)} new of ${String(running.length)}` };
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    const started = Math.floor(Date.now() / 1000);
    const after = await audit(['--baseline', 'baseline.json', '-f', 'prometheus', '-o', 'swarmlint.prom']);
    t.same([after.code, after.stdout, after.stderr], [0, '', ''], 'after the task restart: still nothing new');
    const prom = readFileSync(join(dir, 'swarmlint.prom'), 'utf8');
    t.match(prom, /^# HELP swarmlint_findings .*\n# TYPE swarmlint_findings gauge$/m);
    t.match(prom, /^swarmlint_findings\{command="audit",rule="subnet-overlap",severity="error"\} 0$/m, 'a rule that ran: 0');
    t.match(prom, /^swarmlint_not_checked\{command="audit"\} 0$/m);
    const last = /^swarmlint_last_success_timestamp_seconds\{command="audit"\} (\d+)$/m.exec(prom);
    t.ok(last && Number(last[1]) >= started, 'last success: this run');
  });

  await t.test('an overlay on the underlay subnet, and a node over a lowered density limit', async (t) => {
    await lab.fault('overlapping-overlay', 3);
    await lab.fault('task-density', 2, { tasks: 10 });
    await Promise.all([lab.waitTasks('lab-overlap-probe', 1), lab.waitTasks('lab-dense', 10)]);
    const onNode2 = (await lab.tasks()).filter((x) => x.DesiredState === 'running' && lab.nodeOfTask(x).index === 2).length;
    const limit = onNode2 - 2;
    writeFileSync(join(dir, 'dense.yml'), `rules:\n  container-density: [warning, { limit: ${String(limit)} }]\n`);
    const { run, requests } = await requestsOfRun(() => audit(['-f', 'json', '--config', 'dense.yml', '--save-facts', 'faults.json']));
    t.equal(run.code, 1, 'subnet-overlap is an error');
    const findings = findingsOf(run);
    const overlap = findings.filter((f) => f.ruleId === 'subnet-overlap');
    t.same(
      overlap.map((f) => f.logical.map((l) => l.name)),
      [['lab-overlap']],
      'subnet-overlap, on lab-overlap',
    );
    for (const node of [n1, n2, n3])
      t.match(overlap[0]?.message, `node \`${node.hostname}\` (${node.address})`, `it names ${node.hostname} and its address`);
    t.same(
      brief(findings.filter((f) => f.ruleId === 'container-density')),
      [
        [
          'container-density',
          'warning',
          `node:${n2.hostname}`,
          `Node \`${n2.hostname}\` runs ${String(onNode2)} tasks, above ${String(limit)}: with about 1000 containers on one host, overlay networking becomes unstable (a Linux bridge takes at most 1023 ports) and new containers cannot be reached.`,
        ],
      ],
      `container-density names ${n2.hostname} (${String(onNode2)} tasks, limit ${String(limit)}), and no other node`,
    );
    t.same(lines(requests), SIX, `still six requests with 13 more tasks and another network: ${requests.join(', ')}`);
  });

  await t.test("a worker's socket: exit 2, run it on a manager", async (t) => {
    const r = await audit([], `unix://${n2.socketPath}`);
    t.same([r.code, r.stdout], [2, '']);
    t.match(
      r.stderr,
      /^swarmlint: this engine \(unix:\/\/.*\) is not a swarm manager: run swarmlint audit on a manager, or point DOCKER_HOST at one\n$/,
    );
  });

  await t.test('lint --cluster-facts: a stack against the saved audit', async (t) => {
    const facts = JSON.parse(readFileSync(join(dir, 'faults.json'), 'utf8')) as { networks: { name: string; subnets: string[] }[] };
    const app = facts.networks.find((n) => n.name === 'app')?.subnets[0];
    if (!app) throw new Error('no subnet for app in the audit');
    writeFileSync(
      join(dir, 'stack.yml'),
      `services:\n  shop:\n    image: nginx:1.27\n    ports: ["8080:80"]\n    networks: [back]\nnetworks:\n  back:\n    driver: overlay\n    ipam:\n      config:\n        - subnet: ${app}\n`,
    );
    const about = (r: Run): string[][] =>
      findingsOf(r)
        .filter((f) => f.messageId === 'conflictInCluster' || f.messageId === 'overlapsExisting')
        .map((f) => [f.ruleId, String(f.messageId), String(f.line)]);
    const [without, r] = await Promise.all([
      swarmlint(['lint', '-f', 'json', 'stack.yml'], { cwd: dir }),
      swarmlint(['lint', '-f', 'json', '--cluster-facts', 'faults.json', 'stack.yml'], { cwd: dir }),
    ]);
    t.same(about(without), [], 'alone, nothing is known of the port or the subnet in use');
    t.equal(r.code, 1);
    t.same(about(r), [
      ['published-port-conflict', 'conflictInCluster', '4'],
      ['subnet-overlap', 'overlapsExisting', '11'],
    ]);
    const found = findingsOf(r).filter((f) => f.messageId === 'conflictInCluster' || f.messageId === 'overlapsExisting');
    t.match(found[0]?.message, '`web`', 'the lab service that publishes 8080');
    t.match(found[1]?.message, `${app} of the existing network \`app\``, "the lab's network with that subnet");
  });

  t.comment(`lab audit tests: ${String(Date.now() - began)} ms`);
}

await whenLabCan(t, main);
