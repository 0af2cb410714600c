// The audit's probe over answers recorded from the real lab (fixtures/engine-api/): facts from every scenario
// (schema, counts checked by hand against the answers, no secret), and collectAudit over a replay of those
// answers with failures injected (one call, every call, a worker, no swarm, a deadline that passes).
import t from 'tap';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { EngineApiError, type EngineApi, type Keep } from '../../probes/adapters/docker.js';
import { collectAudit, factsFromAnswers, KEEP, NotAManagerError, type EngineAnswers } from '../../probes/audit/collect.js';
import type { FactsDocument } from '../../language/facts-format.js';
import { lintDocuments } from '../../engine/lint.js';
import { loadFacts } from '../../language/loader/facts.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/facts.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

type Call = keyof EngineAnswers;
const CALLS: readonly Call[] = ['info', 'swarm', 'nodes', 'networks', 'services', 'tasks'];
type Json = Record<string, unknown>;

function read(scenario: string, file: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/engine-api/${scenario}/${file}.json`, import.meta.url), 'utf8')) as unknown;
}

/** The manager's recorded answers of a scenario. */
function recorded(scenario: string): Required<EngineAnswers> {
  return {
    info: read(scenario, 'info'),
    swarm: read(scenario, 'swarm'),
    nodes: read(scenario, 'nodes') as unknown[],
    networks: read(scenario, 'networks') as unknown[],
    services: read(scenario, 'services') as unknown[],
    tasks: read(scenario, 'tasks') as unknown[],
  };
}

const facts = (answers: EngineAnswers): FactsDocument => factsFromAnswers(answers, [], 'unix:///replay.sock', '2026-11-23T18:52:10.000Z');

/** What the scenarios hold, counted by hand from the recorded answers (tasks desired running only). */
const EXPECTED: Record<
  string,
  {
    tasks: Record<string, number>;
    states: Record<string, string>;
    attachments: Record<string, number>;
    vips: Record<string, number>;
    networkNodes: Record<string, string[]>;
    services: Record<string, Record<string, number>>;
  }
> = {
  'healthy-3-nodes': {
    tasks: { 'swl-n1': 1, 'swl-n2': 2, 'swl-n3': 2 },
    states: { 'swl-n1': 'ready', 'swl-n2': 'ready', 'swl-n3': 'ready' },
    attachments: { app: 5, ingress: 2, secure: 2 },
    vips: { app: 2, ingress: 1, secure: 1 },
    networkNodes: { app: ['swl-n1', 'swl-n2', 'swl-n3'], ingress: ['swl-n2', 'swl-n3'], secure: ['swl-n2', 'swl-n3'] },
    services: { web: { 'swl-n2': 1, 'swl-n3': 1 }, 'node-agent': { 'swl-n1': 1, 'swl-n2': 1, 'swl-n3': 1 } },
  },
  'node-down': {
    tasks: { 'swl-n1': 2, 'swl-n2': 2, 'swl-n3': 0 },
    states: { 'swl-n1': 'ready', 'swl-n2': 'ready', 'swl-n3': 'down' },
    attachments: { app: 4, ingress: 2, secure: 2 },
    vips: { app: 2, ingress: 1, secure: 1 },
    networkNodes: { app: ['swl-n1', 'swl-n2'], ingress: ['swl-n1', 'swl-n2'], secure: ['swl-n1', 'swl-n2'] },
    services: { web: { 'swl-n1': 1, 'swl-n2': 1 }, 'node-agent': { 'swl-n1': 1, 'swl-n2': 1 } },
  },
  'task-density': {
    tasks: { 'swl-n1': 2, 'swl-n2': 13, 'swl-n3': 2 },
    states: { 'swl-n1': 'ready', 'swl-n2': 'ready', 'swl-n3': 'ready' },
    attachments: { app: 5, ingress: 2, 'lab-dense': 12, secure: 2 },
    vips: { app: 2, ingress: 1, 'lab-dense': 1, secure: 1 },
    networkNodes: {
      app: ['swl-n1', 'swl-n2', 'swl-n3'],
      ingress: ['swl-n1', 'swl-n3'],
      'lab-dense': ['swl-n2'],
      secure: ['swl-n1', 'swl-n3'],
    },
    services: { web: { 'swl-n1': 1, 'swl-n3': 1 }, 'node-agent': { 'swl-n1': 1, 'swl-n2': 1, 'swl-n3': 1 }, 'lab-dense': { 'swl-n2': 12 } },
  },
  'overlapping-overlay': {
    tasks: { 'swl-n1': 2, 'swl-n2': 1, 'swl-n3': 3 },
    states: { 'swl-n1': 'ready', 'swl-n2': 'ready', 'swl-n3': 'ready' },
    attachments: { app: 5, ingress: 2, 'lab-overlap': 1, secure: 2 },
    vips: { app: 2, ingress: 1, 'lab-overlap': 1, secure: 1 },
    networkNodes: {
      app: ['swl-n1', 'swl-n2', 'swl-n3'],
      ingress: ['swl-n1', 'swl-n3'],
      'lab-overlap': ['swl-n3'],
      secure: ['swl-n1', 'swl-n3'],
    },
    services: {
      web: { 'swl-n1': 1, 'swl-n3': 1 },
      'node-agent': { 'swl-n1': 1, 'swl-n2': 1, 'swl-n3': 1 },
      'lab-overlap-probe': { 'swl-n3': 1 },
    },
  },
};

const SECRET_MARKS = /SWMTKN-|-----BEGIN|hunter2/;

for (const [scenario, expected] of Object.entries(EXPECTED)) {
  t.test(`${scenario}: facts from the recorded answers`, (t) => {
    const answers = recorded(scenario);
    const doc = facts(answers);
    t.ok(validate(doc), `valid against schemas/facts.schema.json: ${JSON.stringify(validate.errors)}`);
    const hostOf = new Map(doc.nodes.map((n) => [n.id, n.hostname]));
    const byName = <T>(items: { name?: string; hostname?: string }[], value: (x: never) => T): Record<string, T> =>
      Object.fromEntries(items.map((x) => [x.hostname ?? x.name ?? '', value(x as never)]));
    t.same(
      byName(doc.nodes, (n: { tasks: number }) => n.tasks),
      expected.tasks,
      'tasks per node',
    );
    t.same(
      byName(doc.nodes, (n: { state: string }) => n.state),
      expected.states,
      'node states',
    );
    t.same(
      doc.nodes.map((n) => [n.hostname, n.role, n.address, n.engineVersion, n.os, n.leader ?? false]).sort(),
      [
        ['swl-n1', 'manager', '198.18.0.101', '20.10.24+dfsg1', 'linux', true],
        ['swl-n2', 'worker', '198.18.0.102', '20.10.24+dfsg1', 'linux', false],
        ['swl-n3', 'worker', '198.18.0.103', '20.10.24+dfsg1', 'linux', false],
      ],
      'roles, addresses, versions, platform, leader',
    );
    const overlays = doc.networks.filter((n) => n.scope === 'swarm');
    t.same(
      byName(overlays, (n: { attachments: number }) => n.attachments),
      expected.attachments,
      'task addresses per overlay',
    );
    t.same(
      byName(overlays, (n: { vips: number }) => n.vips),
      expected.vips,
      'service VIPs per overlay',
    );
    t.same(
      byName(overlays, (n: { nodes: string[] }) => n.nodes.map((id) => hostOf.get(id)).sort()),
      expected.networkNodes,
      'nodes with a task per overlay',
    );
    t.same(
      byName(
        doc.services,
        (s: { tasksByNode: Record<string, number> }) =>
          Object.fromEntries(Object.entries(s.tasksByNode).map(([id, n]) => [hostOf.get(id) ?? id, n])) as Record<string, number>,
      ),
      expected.services,
      'tasks per service and node',
    );
    t.same(
      doc.networks.filter((n) => n.encrypted).map((n) => n.name),
      ['secure'],
      'the encrypted overlay (an `encrypted` option with an empty value)',
    );
    t.same(doc.swarm, { id: (answers.swarm as Json).ID, dataPathPort: 4789, defaultAddrPools: ['10.0.0.0/8'], subnetSize: 24 }, 'swarm');
    const web = doc.services.find((s) => s.name === 'web');
    t.same(web?.ports, [{ target: 80, published: 8080, protocol: 'tcp', mode: 'ingress' }], 'web publishes 8080 in ingress mode');
    t.same(web?.networks, ['app', 'secure'], 'network names, not IDs');
    t.same(doc.services.find((s) => s.name === 'node-agent')?.ports[0]?.mode, 'host', 'node-agent publishes in host mode');
    t.notMatch(JSON.stringify(doc), /<redacted>|APP_MODE|APP_TOKEN/, 'no environment variable and no redacted field reaches the facts');

    // What KEEP keeps of each element (as the adapter streams it) gives the same facts as the whole answers.
    const kept: EngineAnswers = {
      ...answers,
      nodes: answers.nodes.map(KEEP.nodes),
      networks: answers.networks.map(KEEP.networks),
      services: answers.services.map(KEEP.services),
      tasks: answers.tasks.map(KEEP.tasks).filter((x) => x !== undefined),
    };
    t.same(facts(kept), doc, 'the kept fields are all the facts need');
    t.ok(JSON.stringify(kept).length < JSON.stringify(answers).length / 2, 'and less than half of the answers');
    t.end();
  });
}

// Scenarios the lab cannot record (one Docker version, Linux only): recorded answers with only the version or
// platform fields edited (fixtures/engine-api/README.md says which).
const EDITED: Record<string, { files: Record<string, (json: unknown) => void>; rule: string; expected: string[][] }> = {
  'version-skew': {
    files: {
      nodes: (nodes) => {
        for (const n of nodes as Json[]) ((n.Description as Json).Engine as Json).EngineVersion = '20.10.24+dfsg1';
      },
      'info.swl-n2': (info) => {
        (info as Json).ServerVersion = '20.10.24+dfsg1';
      },
      'info.swl-n3': (info) => {
        (info as Json).ServerVersion = '20.10.24+dfsg1';
      },
    },
    rule: 'engine-version-parity',
    expected: [
      [
        'engine-version-parity',
        'warning',
        'node:swl-n2',
        'Node `swl-n2` runs Docker Engine 20.10.25+dfsg1, while the reference manager `swl-n1` runs 20.10.24+dfsg1: same release, different patch level.',
      ],
      [
        'engine-version-parity',
        'error',
        'node:swl-n3',
        'Node `swl-n3` runs Docker Engine 24.0.7, but the reference manager `swl-n1` runs 20.10.24+dfsg1: different releases handle the routing mesh and overlays differently, and some API calls fail ("Unimplemented").',
      ],
    ],
  },
  'windows-node': {
    files: {
      nodes: (nodes) => {
        for (const n of nodes as Json[]) ((n.Description as Json).Platform as Json).OS = 'linux';
      },
      'info.swl-n3': (info) => {
        (info as Json).OSType = 'linux';
      },
    },
    rule: 'windows-encrypted-overlay',
    expected: [
      [
        'windows-encrypted-overlay',
        'error',
        'service:web',
        'Service `web` is attached to the encrypted network `secure`, and its constraints allow the Windows node(s) `swl-n3`: Windows does not support overlay encryption and swarm reports no error, so tasks placed there cannot reach Linux tasks on that network and are not encrypted.',
      ],
    ],
  },
};

for (const [scenario, { files, rule, expected }] of Object.entries(EDITED)) {
  t.test(`${scenario}: the recorded answers with only the fields said edited, reported by ${rule}`, (t) => {
    const names = ['info', 'info.swl-n2', 'info.swl-n3', 'networks', 'nodes', 'services', 'swarm', 'tasks', 'version'];
    for (const name of names) {
      const edited = read(scenario, name);
      const reset = files[name];
      if (reset) {
        t.notSame(edited, read('healthy-3-nodes', name), `${name}: edited`);
        reset(edited);
      }
      t.same(edited, read('healthy-3-nodes', name), `${name}: ${reset ? 'nothing else changed' : 'as recorded'}`);
    }
    const text = JSON.stringify(facts(recorded(scenario)), null, 2);
    const lint = (only: string[]): string[][] =>
      lintDocuments([{ name: scenario, kind: 'facts', text, root: loadFacts(text, `${scenario}.json`), files: [] }], {
        rules: Object.fromEntries(only.map((id) => [id, { severity: 'error' as const, options: [] }])),
      }).findings.map((f) => [f.ruleId, f.severity, f.logical.map((l) => `${l.kind}:${l.name}`).join('/'), f.message]);
    t.same(lint([rule]), expected);
    const healthyText = JSON.stringify(facts(recorded('healthy-3-nodes')), null, 2);
    t.same(
      lintDocuments([{ name: 'h', kind: 'facts', text: healthyText, root: loadFacts(healthyText, 'h.json'), files: [] }], {
        rules: { [rule]: { severity: 'error', options: [] } },
      }).findings,
      [],
      'and not in the answers as recorded',
    );
    t.end();
  });
}

t.test('no secret in the answers reaches the facts, nor what the adapter keeps while streaming', (t) => {
  const answers = structuredClone(recorded('healthy-3-nodes')) as Required<EngineAnswers> & { swarm: Json; info: Json };
  const pem = (what: string): string => `-----BEGIN ${what}-----\nMIIBazCCARCgAwIBAgIUhunter2\n-----END ${what}-----\n`;
  answers.swarm.JoinTokens = { Worker: 'SWMTKN-1-5y2worker-hunter2', Manager: 'SWMTKN-1-5y2manager-hunter2' };
  ((answers.swarm.Spec as Json).CAConfig as Json).SigningCACert = pem('CERTIFICATE');
  ((answers.swarm.Spec as Json).CAConfig as Json).SigningCAKey = pem('EC PRIVATE KEY');
  (answers.swarm.TLSInfo as Json).TrustRoot = pem('CERTIFICATE');
  (((answers.info.Swarm as Json).Cluster as Json).TLSInfo as Json).TrustRoot = pem('CERTIFICATE');
  for (const node of answers.nodes as Json[]) ((node.Description as Json).TLSInfo as Json).TrustRoot = pem('CERTIFICATE');
  for (const service of answers.services as Json[]) {
    const container = ((service.Spec as Json).TaskTemplate as Json).ContainerSpec as Json;
    container.Env = ['APP_TOKEN=hunter2-service-env', 'DB_URL=postgres://app:hunter2@db/app'];
    container.Args = ['--password=hunter2-arg'];
    container.Secrets = [{ SecretID: 'x', SecretName: 'db_password', File: { Name: 'db_password' } }];
  }
  for (const task of answers.tasks as Json[]) ((task.Spec as Json).ContainerSpec as Json).Env = ['APP_TOKEN=hunter2-task-env'];
  const planted = JSON.stringify(answers).match(new RegExp(SECRET_MARKS.source, 'g')) ?? [];
  t.ok(planted.length > 20, `secrets planted in the answers (${String(planted.length)})`);

  t.notMatch(JSON.stringify(facts(answers)), SECRET_MARKS, 'none in the facts');
  const kept = [
    ...answers.nodes.map(KEEP.nodes),
    ...answers.networks.map(KEEP.networks),
    ...answers.services.map(KEEP.services),
    ...answers.tasks.map(KEEP.tasks),
  ];
  t.notMatch(JSON.stringify(kept), SECRET_MARKS, 'none in what the adapter keeps of the list answers');
  t.same(
    [
      KEEP.nodes(null),
      KEEP.nodes('x'),
      KEEP.nodes({ ID: 'n', Description: 'odd', Status: [{ Addr: 'a', Secret: 's' }] }),
      KEEP.tasks({ DesiredState: 'shutdown' }),
    ],
    [null, 'x', { ID: 'n', Description: 'odd', Status: [{ Addr: 'a' }] }, undefined],
    'odd elements are kept as they are, lists field by field, tasks not meant to run dropped',
  );
  t.end();
});

t.test('answers that are missing, empty or of the wrong type give an empty, valid document', (t) => {
  const empty = facts({});
  t.same(empty, {
    format: 'swarmlint-facts/1',
    kind: 'audit',
    collectedAt: '2026-11-23T18:52:10.000Z',
    source: 'unix:///replay.sock',
    nodes: [],
    networks: [],
    services: [],
    outcomes: [],
  });
  const odd = facts({
    info: 'x',
    swarm: null,
    nodes: [null, 3, 'n'],
    networks: [[]],
    services: [{ Spec: 7 }],
    tasks: [{ DesiredState: 'running' }],
  });
  t.ok(validate(odd), JSON.stringify(validate.errors));
  t.equal(odd.nodes.length, 3, 'one node per element, whatever it is');
  t.same(odd.services[0], {
    id: '',
    name: '',
    image: '',
    mode: 'replicated',
    replicas: 1,
    endpointMode: 'vip',
    ports: [],
    networks: [],
    constraints: [],
    tasksByNode: {},
  });
  t.end();
});

t.test('fields the lab does not have (edited copies of recorded objects)', (t) => {
  const answers = recorded('healthy-3-nodes');
  const [manager, worker] = ['swl-n1', 'swl-n2'].map((h) =>
    structuredClone((answers.nodes as Json[]).find((n) => (n.Description as Json).Hostname === h)),
  ) as [Json, Json];
  // A manager that reports 0.0.0.0 (moby/moby#35437) and advertises an IPv6 address; a Windows worker.
  (manager.Status as Json).Addr = '0.0.0.0';
  (manager.ManagerStatus as Json).Addr = '[fd00::101]:2377';
  ((worker.Description as Json).Platform as Json).OS = 'Windows';
  (worker.Spec as Json).Labels = { zone: 'b' };
  const service = structuredClone((answers.services as Json[])[0]) as Json;
  const spec = service.Spec as Json;
  const template = spec.TaskTemplate as Json;
  const modes: [Json, string, number][] = [
    [{ Global: {} }, 'global', 0],
    [{ GlobalJob: {} }, 'global-job', 0],
    [{ ReplicatedJob: { MaxConcurrent: 4, TotalCompletions: 8 } }, 'replicated-job', 4],
    [{ ReplicatedJob: {} }, 'replicated-job', 1],
    [{ Replicated: {} }, 'replicated', 1],
  ];
  const services = modes.map(([mode], i) => {
    const s = structuredClone(service);
    (s.Spec as Json).Name = `s${String(i)}`;
    (s.Spec as Json).Mode = mode;
    return s;
  });
  template.Placement = { Constraints: ['node.role==worker', '', 'node.labels.zone==b'], MaxReplicas: 2 };
  (template.ContainerSpec as Json).Image = 'nginx:1.27@sha256:0123456789abcdef';
  spec.EndpointSpec = {
    Mode: 'dnsrr',
    Ports: [
      { Protocol: 'udp', TargetPort: 53, PublishedPort: 53, PublishMode: 'host' },
      { Protocol: 'sctp', TargetPort: 9 },
      { TargetPort: 7 },
      {},
    ],
  };
  delete service.Endpoint;
  const network = structuredClone((answers.networks as Json[]).find((n) => n.Name === 'app')) as Json;
  network.Options = { 'com.docker.network.driver.mtu': '1400', encrypted: 'false' };
  network.Internal = true;
  const swarmInfo = structuredClone(answers.info) as Json;
  ((swarmInfo.Swarm as Json).Cluster as Json).DataPathPort = 0;
  delete ((swarmInfo.Swarm as Json).Cluster as Json).DefaultAddrPool;
  delete ((swarmInfo.Swarm as Json).Cluster as Json).SubnetSize;

  const doc = facts({ info: swarmInfo, nodes: [manager, worker], networks: [network], services: [service, ...services] });
  t.ok(validate(doc), JSON.stringify(validate.errors));
  t.equal(doc.nodes[0]?.address, 'fd00::101', "a manager's advertised address wins over its Status.Addr");
  t.same([doc.nodes[1]?.os, doc.nodes[1]?.labels], ['windows', { zone: 'b' }], 'OS lower-cased, labels kept');
  const s = doc.services[0];
  t.same(
    [s?.endpointMode, s?.image, s?.constraints, s?.maxReplicasPerNode, s?.ports],
    [
      'dnsrr',
      'nginx:1.27',
      ['node.role==worker', 'node.labels.zone==b'],
      2,
      [
        { target: 53, published: 53, protocol: 'udp', mode: 'host' },
        { target: 9, protocol: 'sctp', mode: 'ingress' },
        { target: 7, protocol: 'tcp', mode: 'ingress' },
        { target: 0, protocol: 'tcp', mode: 'ingress' },
      ],
    ],
    'endpoint mode, image without digest, constraints, max replicas, ports from the spec when there is no endpoint',
  );
  t.same(
    doc.services.slice(1).map((x) => [x.mode, x.replicas]),
    modes.map(([, mode, replicas]) => [mode, replicas]),
    'service modes and replica counts',
  );
  t.same(
    [doc.networks[0]?.mtu, doc.networks[0]?.encrypted, doc.networks[0]?.internal],
    [1400, true, true],
    'MTU option, encrypted even when "false"',
  );
  t.same(
    doc.swarm,
    {
      id: (((answers.info as Json).Swarm as Json).Cluster as Json).ID,
      dataPathPort: 4789,
      defaultAddrPools: ['10.0.0.0/8'],
      subnetSize: 24,
    },
    "no /swarm answer: the swarm from /info, Docker's defaults where it says nothing",
  );
  t.end();
});

// ---- collectAudit over a replay ---------------------------------------------------------------------------

interface ReplayOptions {
  /** Calls that fail with this error. */
  fail?: Partial<Record<Call, Error>>;
  /** Calls that never answer; `ignoreSignal` makes them deaf to the abort too. */
  hang?: Call[];
  ignoreSignal?: boolean;
}

/** An EngineApi that replays recorded answers (applying `keep` per element, as the adapter does). */
function replay(answers: EngineAnswers, options: ReplayOptions = {}): EngineApi & { calls: Call[]; signals: AbortSignal[] } {
  const calls: Call[] = [];
  const signals: AbortSignal[] = [];
  const answer =
    (call: Call) =>
    (signal: AbortSignal, keep?: Keep): Promise<never> => {
      calls.push(call);
      signals.push(signal);
      return new Promise((resolve, reject) => {
        if (options.hang?.includes(call)) {
          if (!options.ignoreSignal)
            signal.addEventListener('abort', () => {
              reject(new EngineApiError('timed out'));
            });
          return;
        }
        const failure = options.fail?.[call];
        if (failure) {
          reject(failure);
          return;
        }
        const value = answers[call];
        resolve((Array.isArray(value) && keep ? value.map(keep).filter((x) => x !== undefined) : value) as never);
      });
    };
  return {
    calls,
    signals,
    info: answer('info'),
    swarm: answer('swarm'),
    nodes: answer('nodes'),
    networks: answer('networks'),
    services: answer('services'),
    tasks: answer('tasks'),
  };
}

const NOW = (): Date => new Date('2026-11-23T19:00:00.000Z');
const NOT_A_MANAGER =
  "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.";

t.test('collectAudit: six calls, each once, the facts of the answers', async (t) => {
  const answers = recorded('task-density');
  const api = replay(answers);
  const { facts: doc, requests } = await collectAudit(api, 'unix:///replay.sock', 5_000, NOW);
  t.same([...api.calls].sort(), [...CALLS].sort(), 'info, swarm, nodes, networks, services, tasks');
  t.equal(requests, 6);
  t.ok(
    api.signals.every((s) => s === api.signals[0] && s.aborted),
    'one signal for all, aborted once they are done (nothing left running)',
  );
  t.same(
    doc.outcomes,
    CALLS.map((c) => `engine-api/${c}`)
      .sort()
      .map((probe) => ({ probe, status: 'ok' })),
  );
  t.equal(doc.collectedAt, '2026-11-23T19:00:00.000Z');
  t.same(
    { ...doc, outcomes: [], collectedAt: '' },
    { ...factsFromAnswers(answers, [], 'unix:///replay.sock', ''), outcomes: [] },
    'the facts of the answers',
  );
});

t.test('collectAudit: one call failing is an outcome, the other facts are kept', async (t) => {
  const answers = recorded('healthy-3-nodes');
  const before = Date.now();
  const { facts: doc } = await collectAudit(
    replay(answers, { fail: { tasks: new EngineApiError('HTTP 500: rpc error: code = Unknown', 500) } }),
    'x',
    5_000,
  );
  t.ok(Date.parse(doc.collectedAt) >= before - 1 && Date.parse(doc.collectedAt) <= Date.now(), 'collected now');
  t.same(
    doc.outcomes.find((o) => o.probe === 'engine-api/tasks'),
    {
      probe: 'engine-api/tasks',
      status: 'error',
      reason: 'HTTP 500: rpc error: code = Unknown',
      subject: 'tasks (placement and addresses per node and network)',
    },
  );
  t.equal(doc.outcomes.filter((o) => o.status === 'ok').length, 5);
  t.same(doc.nodes.map((n) => n.hostname).sort(), ['swl-n1', 'swl-n2', 'swl-n3'], 'nodes still there');
  t.equal(doc.services.length, 2, 'services still there');
  t.ok(validate(doc));
  // The rules say what was not checked, and do not judge what is missing.
  const text = JSON.stringify(doc, null, 2);
  const report = lintDocuments([{ name: 'f.json', kind: 'facts', text, root: loadFacts(text, 'f.json'), files: [] }], {
    rules: { 'probe-skipped': { severity: 'error', options: [] }, 'stale-overlay-network': { severity: 'warning', options: [] } },
  });
  t.same(
    report.findings.map((f) => [f.ruleId, f.message]),
    [
      [
        'probe-skipped',
        'Not checked: tasks (placement and addresses per node and network) (engine-api/tasks failed: HTTP 500: rpc error: code = Unknown).',
      ],
    ],
  );
});

t.test('collectAudit: every call failing is an error', async (t) => {
  const down = Object.fromEntries(CALLS.map((c) => [c, new EngineApiError('connection refused (connect ECONNREFUSED /x.sock)')]));
  await t.rejects(collectAudit(replay({}, { fail: down }), 'unix:///x.sock', 5_000), {
    name: 'EngineApiError',
    message: 'cannot reach the Docker Engine at unix:///x.sock: connection refused (connect ECONNREFUSED /x.sock)',
  });
  // Whatever the calls throw, the reasons are said once each.
  const odd = { ...Object.fromEntries(CALLS.map((c) => [c, new Error('not an EngineApiError')])), swarm: 'a string' as unknown as Error };
  await t.rejects(collectAudit(replay({}, { fail: odd }), 'y', 5_000), {
    name: 'EngineApiError',
    message: /^cannot reach the Docker Engine at y: (not an EngineApiError; a string|a string; not an EngineApiError)$/,
  });
});

t.test('collectAudit: a worker is told to run it on a manager', async (t) => {
  // The worker's own recorded /info (ControlAvailable false); dockerd refuses the cluster calls with 503.
  const info = read('healthy-3-nodes', 'info.swl-n2');
  t.equal(((info as Json).Swarm as Json).ControlAvailable, false, 'the recorded worker info says so');
  const refusals = Object.fromEntries(
    CALLS.filter((c) => c !== 'info').map((c) => [c, new EngineApiError(`HTTP 503: ${NOT_A_MANAGER}`, 503)]),
  );
  const expected = {
    name: 'NotAManagerError',
    message: /^this engine \(unix:\/\/\/w\.sock\) is not a swarm manager: run swarmlint audit on a manager, or point DOCKER_HOST at one$/,
  };
  await t.rejects(collectAudit(replay({ info }, { fail: refusals }), 'unix:///w.sock', 5_000), expected, 'from /info');
  await t.rejects(
    collectAudit(replay({ info }), 'unix:///w.sock', 5_000),
    expected,
    'from /info even if the other calls answered (ControlAvailable is what says it)',
  );
  await t.rejects(
    collectAudit(replay({}, { fail: { ...refusals, info: new EngineApiError('timed out') } }), 'unix:///w.sock', 5_000),
    expected,
    'from the 503s when /info did not answer',
  );
  await t.rejects(
    collectAudit(
      replay(
        {},
        { fail: { ...refusals, info: new EngineApiError('timed out'), nodes: new EngineApiError(`HTTP 500: ${NOT_A_MANAGER}`, 500) } },
      ),
      'unix:///w.sock',
      5_000,
    ),
    expected,
    'one 503 is enough',
  );
  const notManager = new NotAManagerError('x');
  t.ok(notManager instanceof Error);
});

t.test('collectAudit: an engine outside a swarm is told so', async (t) => {
  const info = structuredClone(read('healthy-3-nodes', 'info.swl-n2')) as Json;
  (info.Swarm as Json).LocalNodeState = 'inactive';
  (info.Swarm as Json).ControlAvailable = false;
  const refusals = Object.fromEntries(
    CALLS.filter((c) => c !== 'info').map((c) => [
      c,
      new EngineApiError(
        'HTTP 503: This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.',
        503,
      ),
    ]),
  );
  await t.rejects(collectAudit(replay({ info }, { fail: refusals }), 'tcp://h:2376 (TLS)', 5_000), {
    name: 'NotAManagerError',
    message:
      'this engine (tcp://h:2376 (TLS)) is not part of an active swarm (state: inactive): run swarmlint audit on a swarm manager, or point DOCKER_HOST at one',
  });
  delete (info.Swarm as Json).LocalNodeState;
  await t.rejects(collectAudit(replay({ info }, { fail: refusals }), 'h', 5_000), { message: /\(state: unknown\)/ });
});

t.test('collectAudit: the deadline holds, whether the API honours its signal or not', async (t) => {
  const answers = recorded('healthy-3-nodes');
  for (const ignoreSignal of [false, true]) {
    const started = Date.now();
    const { facts: doc } = await collectAudit(replay(answers, { hang: ['tasks', 'services'], ignoreSignal }), 'x', 300, NOW);
    const took = Date.now() - started;
    t.ok(took >= 290 && took < 1_500, `${ignoreSignal ? 'deaf' : 'listening'} API: done after ${String(took)} ms (deadline 300 ms)`);
    t.same(
      doc.outcomes.filter((o) => o.status === 'error').map((o) => [o.probe, o.reason]),
      [
        ['engine-api/services', "timed out (the audit's deadline of 0.3 s passed)"],
        ['engine-api/tasks', "timed out (the audit's deadline of 0.3 s passed)"],
      ],
    );
    t.equal(doc.nodes.length, 3, 'what answered in time is kept');
  }
  const started = Date.now();
  await t.rejects(collectAudit(replay(answers, { hang: [...CALLS], ignoreSignal: true }), 'x', 200), {
    name: 'EngineApiError',
    message: "cannot reach the Docker Engine at x: timed out (the audit's deadline of 0.2 s passed)",
  });
  t.ok(Date.now() - started < 1_500, 'nothing answering: an error at the deadline');
});
