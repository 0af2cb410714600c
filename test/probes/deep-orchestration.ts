// The orchestration of audit --deep over an in-memory stand-in for the Engine API (not Docker: the real thing is
// test/lab/deep-audit.ts). What it proves: leftovers go first, what a run made is removed on every way out (a
// create that fails, an interruption, tasks that never end), and nothing is created when no node can run a task.
import t from 'tap';
import type { EngineWriter } from '../../probes/adapters/docker-write.js';
import { EngineApiError } from '../../probes/adapters/docker.js';
import { runDeep, type DeepOptions } from '../../probes/audit/deep.js';

interface Obj {
  id: string;
  name: string;
  labels: Record<string, string>;
}

function frame(text: string): Buffer {
  const payload = Buffer.from(`${text}\n`);
  const head = Buffer.alloc(8);
  head[0] = 1;
  head.writeUInt32BE(payload.length, 4);
  return Buffer.concat([head, payload]);
}

const NODES = [
  {
    ID: 'n1',
    Description: { Hostname: 'one' },
    Spec: { Role: 'manager', Availability: 'active' },
    Status: { State: 'ready', Addr: '198.18.0.101' },
  },
  {
    ID: 'n2',
    Description: { Hostname: 'two' },
    Spec: { Role: 'worker', Availability: 'active' },
    Status: { State: 'ready', Addr: '198.18.0.102' },
  },
];

/** An engine that keeps services and networks in memory; `fail` makes one call throw, `tasksEnd` whether tasks end. */
function fakeEngine(options: { fail?: string; tasksEnd?: boolean; onCreate?: () => void; nodes?: unknown[] } = {}) {
  const services: Obj[] = [];
  const specs: unknown[] = [];
  const networks: Obj[] = [];
  const calls: string[] = [];
  let next = 0;
  const matches = (o: Obj, filters: Record<string, string[]>): boolean =>
    (filters.label ?? []).every((l) => {
      const [k, v] = l.split('=');
      return k !== undefined && k in o.labels && (v === undefined || o.labels[k] === v);
    });
  const maybeFail = (call: string): void => {
    calls.push(call);
    if (options.fail && call.startsWith(options.fail)) throw new EngineApiError(`${call}: HTTP 500: boom`, 500);
  };
  const engine: EngineWriter = {
    call: () => Promise.reject(new Error('not used')),
    listServices: (filters) =>
      Promise.resolve(services.filter((s) => matches(s, filters)).map((s) => ({ ID: s.id, Spec: { Name: s.name } }))),
    listNetworks: (filters) => Promise.resolve(networks.filter((n) => matches(n, filters)).map((n) => ({ Id: n.id, Name: n.name }))),
    listTasks: () =>
      Promise.resolve(
        services.flatMap((s) =>
          ['n1', 'n2'].map((node) => ({
            ID: `${s.id}.${node}`,
            ServiceID: s.id,
            NodeID: node,
            Status: { State: options.tasksEnd === false ? 'running' : 'complete' },
          })),
        ),
      ),
    nodes: () => Promise.resolve(options.nodes ?? NODES),
    info: () => Promise.resolve({}),
    createNetwork: (spec) => {
      maybeFail('createNetwork');
      const s = spec as { Name: string; Labels: Record<string, string> };
      networks.push({ id: `net${String(++next)}`, name: s.Name, labels: s.Labels });
      return Promise.resolve(`net${String(next)}`);
    },
    createService: (spec) => {
      maybeFail(`createService ${(spec as { Name: string }).Name}`);
      specs.push(spec);
      const s = spec as { Name: string; Labels: Record<string, string> };
      services.push({ id: `svc${String(++next)}`, name: s.Name, labels: s.Labels });
      options.onCreate?.();
      return Promise.resolve(`svc${String(next)}`);
    },
    removeService: (id) => {
      calls.push(`removeService ${id}`);
      services.splice(
        services.findIndex((s) => s.id === id),
        1,
      );
      return Promise.resolve();
    },
    removeNetwork: (id) => {
      calls.push(`removeNetwork ${id}`);
      networks.splice(
        networks.findIndex((n) => n.id === id),
        1,
      );
      return Promise.resolve();
    },
    serviceLogs: (id) => {
      const s = services.find((x) => x.id === id);
      const kind = s?.name.endsWith('-host') ? 'host' : s?.name.endsWith('-enc') ? 'encrypted' : 'plain';
      return Promise.resolve(
        Buffer.concat(
          ['n1', 'n2'].map((node) =>
            frame(
              `com.docker.swarm.node.id=${node},com.docker.swarm.task.id=${id}.${node} ${JSON.stringify({ swarmlint: 'deep-probe', version: 1, kind, node: { id: node, hostname: node }, self: null, peers: [], control: [], notes: [] })}`,
            ),
          ),
        ),
      );
    },
  };
  return { engine, services, networks, calls, specs };
}

const base = (signal = new AbortController().signal): DeepOptions => ({
  image: 'img',
  encrypted: true,
  constraints: [],
  deadlineS: 1,
  startS: 0,
  pollMs: 5,
  signal,
  run: 'r1',
});

t.test('leftovers of an earlier run are removed first; the run removes its own', async (t) => {
  const fake = fakeEngine();
  fake.services.push({ id: 'old', name: 'swarmlint-deep-old-plain', labels: { 'io.swarmlint.deep': '1', 'io.swarmlint.run': 'old' } });
  fake.services.push({ id: 'theirs', name: 'web', labels: {} });
  const run = await runDeep(fake.engine, base());
  t.equal(fake.calls[0], 'removeService old', 'first of all');
  t.same(
    fake.services.map((s) => s.id),
    ['theirs'],
    "a service without the label is the user's, and stays",
  );
  t.same(fake.networks, []);
  t.same(
    run.mesh?.nodes.map((n) => [n.id, n.ran]),
    [
      ['n1', true],
      ['n2', true],
    ],
  );
  t.same(
    run.outcomes.map((o) => o.probe),
    ['deep/mesh'],
  );
});

t.test('a create that fails: the error, and what was made is removed', async (t) => {
  const fake = fakeEngine({ fail: 'createService swarmlint-deep-r1-enc' });
  await t.rejects(runDeep(fake.engine, base()), /HTTP 500: boom/);
  t.same(fake.services, [], 'the plain service removed');
  t.same(fake.networks, [], 'both networks removed');
});

t.test('interrupted after the services exist: rejects, and removes them', async (t) => {
  const controller = new AbortController();
  let created = 0;
  const fake = fakeEngine({
    tasksEnd: false,
    onCreate: () => {
      if (++created === 3) controller.abort();
    },
  });
  await t.rejects(runDeep(fake.engine, base(controller.signal)), /interrupted/);
  t.same(fake.services, []);
  t.same(fake.networks, []);
});

t.test('tasks that never end: an outcome names them, and the run still removes everything', async (t) => {
  const fake = fakeEngine({ tasksEnd: false });
  const run = await runDeep(fake.engine, { ...base(), encrypted: false });
  const waited = run.outcomes.find((o) => o.probe === 'deep/tasks');
  t.equal(waited?.status, 'error');
  // startS 0 + start wait min(0, 1) + twice the 1 s deadline.
  t.match(waited?.reason ?? '', /still not finished after 2 s: one\/plain, one\/host, two\/plain, two\/host/);
  t.same(fake.services, []);
  t.same(fake.networks, []);
});

t.test('no node can run a task: nothing is created', async (t) => {
  const fake = fakeEngine({ nodes: [{ ...NODES[1], Spec: { Role: 'worker', Availability: 'drain' } }] });
  await t.rejects(runDeep(fake.engine, base()), /no node can run the deep audit's tasks: two drained/);
  t.notOk(
    fake.calls.some((c) => c.startsWith('create')),
    'no create call',
  );
});

t.test('a constraint that is not one is refused before anything is asked', async (t) => {
  const fake = fakeEngine();
  await t.rejects(runDeep(fake.engine, { ...base(), constraints: ['zone'] }), /not a placement constraint/);
  t.same(fake.calls, []);
});

t.test('--deep-sample: every task gets the sample, its seed and the tested IDs; the mesh says so', async (t) => {
  const fake = fakeEngine();
  const run = await runDeep(fake.engine, { ...base(), encrypted: false, sample: { peers: 1, seed: 'abc' } });
  const args = fake.specs.map((s) =>
    (s as { TaskTemplate: { ContainerSpec: { Args: string[] } } }).TaskTemplate.ContainerSpec.Args.join(' '),
  );
  t.match(args[0] ?? '', /--kind plain .*--sample 1 --seed abc --ids n1,n2$/);
  t.match(args[0] ?? '', / --start-wait 0 /, 'an overlay task may wait for late ones: min(startS 0, deadline 1 s)');
  t.notMatch(args[1] ?? '', /--start-wait/, 'the host task waits for no one');
  t.match(
    args[1] ?? '',
    /--kind host .*--nodes 198\.18\.0\.101,198\.18\.0\.102 --sample 1 --seed abc --ids n1,n2$/,
    'host: one ID per address',
  );
  t.same(run.mesh?.sample, { peers: 1, seed: 'abc' });
});
