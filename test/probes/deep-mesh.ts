import t from 'tap';
import { demuxLogs } from '../../probes/parse/log-stream.js';
import {
  buildMesh,
  deepNodes,
  deepTasks,
  meets,
  parseConstraint,
  parseProbeResult,
  resultsFromLogs,
  skipReason,
  type DeepNode,
  type ProbeResult,
} from '../../probes/audit/mesh.js';

/** A frame of the Engine API's multiplexed log stream. */
function frame(stream: number, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(payload.length, 4);
  return Buffer.concat([head, payload]);
}
const details = (node: string, task: string): string =>
  `com.docker.swarm.node.id=${node},com.docker.swarm.service.id=svc,com.docker.swarm.task.id=${task}`;

t.test('log stream: frames, streams, details', (t) => {
  const data = Buffer.concat([
    frame(1, `${details('n1', 't1')} {"a":1}\n`),
    frame(2, `${details('n1', 't1')} progress\n`),
    frame(1, ` no attributes\n`),
    frame(1, `com.docker.swarm.node.id=n%2F2,x=a+b {"b":2}\n`),
  ]);
  const lines = demuxLogs(data);
  t.same(
    lines.map((l) => [l.stream, l.attrs['com.docker.swarm.node.id'], l.text]),
    [
      ['stdout', 'n1', '{"a":1}'],
      ['stderr', 'n1', 'progress'],
      ['stdout', undefined, 'no attributes'],
      ['stdout', 'n/2', '{"b":2}'],
    ],
  );
  t.equal(lines[3]?.attrs.x, 'a b');
  t.same(
    demuxLogs(Buffer.from('plain text\nsecond\n'), false).map((l) => l.text),
    ['plain text', 'second'],
    'a TTY stream is not framed',
  );
  const cut = frame(1, `${details('n1', 't1')} {"a":1}\n`);
  t.same(
    demuxLogs(cut.subarray(0, cut.length - 3)).map((l) => l.text),
    ['{"a":'],
    'a truncated last frame keeps what came',
  );
  t.end();
});

const result = (kind: string, node: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    swarmlint: 'deep-probe',
    version: 1,
    run: 'r1',
    kind,
    node: { id: node, hostname: `h-${node}` },
    self: { address: `10.1.0.${node.slice(1)}`, mtu: 1450 },
    peers: [],
    control: [],
    notes: [],
    elapsed_ms: 5,
    ...extra,
  });

t.test('probe results: parsed defensively, one per node from the log details', (t) => {
  t.equal(parseProbeResult('not json'), undefined);
  t.equal(parseProbeResult('{"swarmlint":"deep-probe","version":2,"kind":"plain"}'), undefined, 'another version');
  t.equal(parseProbeResult('{"swarmlint":"deep-probe","version":1,"kind":"sideways"}'), undefined, 'another kind');
  const r = parseProbeResult(
    result('plain', 'n1', {
      peers: [
        {
          address: '10.1.0.2',
          node: null,
          small: { size: 92, sent: 3, received: 3 },
          large: { size: 1450, sent: 3, received: 0 },
          error: 'x\u001b[31m',
        },
        {
          address: '10.1.0.3',
          node: { id: 'n3', hostname: 'h3' },
          small: { size: 92, sent: 0, received: 0, untested: 'no DF' },
          large: 'bad',
        },
      ],
      control: [
        { to: '198.18.0.101', port: 2377, verdict: 'open' },
        { to: 'x', port: 1, verdict: 'maybe' },
      ],
      notes: ['a'.repeat(400)],
    }),
  );
  t.same(r?.peers[0], {
    address: '10.1.0.2',
    node: null,
    small: { size: 92, sent: 3, received: 3 },
    large: { size: 1450, sent: 3, received: 0 },
    error: 'x [31m',
  });
  t.same(r?.peers[1]?.small, { size: 92, sent: 0, received: 0, untested: 'no DF' });
  t.equal(r?.peers[1]?.large, null);
  t.same(r?.control, [{ to: '198.18.0.101', port: 2377, verdict: 'open' }], 'an unknown verdict is dropped');
  t.equal(r?.notes[0]?.length, 300, 'notes are cut');

  // Node n2's task names no node (its --node-id was empty): the log details say where it ran.
  const lines = demuxLogs(
    Buffer.concat([
      frame(1, `${details('n1', 't1')} ${result('plain', 'n1')}\n`),
      frame(1, `${details('n2', 't2')} ${result('plain', '')}\n`),
      frame(1, `${details('n3', 't3')} ${result('encrypted', 'n3')}\n`),
      // A line split by the log driver: joined again.
      frame(1, `${details('n4', 't4')} ${result('plain', 'n4').slice(0, 40)}\n`),
      frame(1, `${details('n4', 't4')} ${result('plain', 'n4').slice(40)}\n`),
    ]),
  );
  const results = resultsFromLogs(lines, 'plain');
  t.same([...results.keys()].sort(), ['n1', 'n2', 'n4'], 'the encrypted kind is not the plain one');
  t.equal(results.get('n2')?.self?.address, '10.1.0.', 'n2 found by the details');
  t.end();
});

const nodesAnswer = [
  {
    ID: 'n1',
    Description: { Hostname: 'swl-n1', Platform: { OS: 'linux', Architecture: 'x86_64' }, Engine: { Labels: { tier: 'core' } } },
    Spec: { Role: 'manager', Availability: 'active', Labels: { zone: 'a' } },
    Status: { State: 'ready', Addr: '0.0.0.0' },
    ManagerStatus: { Addr: '198.18.0.101:2377', Leader: true },
  },
  {
    ID: 'n2',
    Description: { Hostname: 'swl-n2' },
    Spec: { Role: 'worker', Availability: 'active', Labels: { zone: 'B' } },
    Status: { State: 'ready', Addr: '198.18.0.102' },
  },
  {
    ID: 'n3',
    Description: { Hostname: 'swl-n3' },
    Spec: { Role: 'worker', Availability: 'drain' },
    Status: { State: 'ready', Addr: '198.18.0.103' },
  },
  {
    ID: 'n4',
    Description: { Hostname: 'swl-n4' },
    Spec: { Role: 'worker', Availability: 'active' },
    Status: { State: 'down', Addr: '198.18.0.104' },
  },
  { ID: 'n5', Description: { Hostname: 'swl-n5', Platform: { OS: 'Windows' } }, Spec: {}, Status: { State: 'ready' } },
];

t.test('nodes, constraints and why a node is skipped', (t) => {
  const nodes = deepNodes(nodesAnswer);
  t.equal(nodes[0]?.address, '198.18.0.101', "a manager's address from ManagerStatus");
  t.same(parseConstraint('node.labels.zone==a'), { key: 'node.labels.zone', equal: true, value: 'a' });
  t.throws(() => parseConstraint('zone=a'), /not a placement constraint/);
  t.throws(() => parseConstraint('node.colour==red'), /unknown key node.colour/);
  const [n1, n2] = nodes as [DeepNode, DeepNode];
  t.ok(meets(n1, 'node.role == manager'));
  t.ok(meets(n2, 'node.labels.zone==b'), 'without case, as swarmkit');
  t.ok(meets(n2, 'node.labels.missing!=x'));
  t.notOk(meets(n2, 'engine.labels.tier==core'));
  t.ok(meets(n1, 'engine.labels.tier==core'));
  t.ok(meets(n1, 'node.platform.arch==x86_64'));
  t.same(
    nodes.map((n) => skipReason(n, ['node.labels.zone!=b'])),
    [
      undefined,
      'outside --deep-constraint node.labels.zone!=b',
      'drained (availability drain): swarm starts no tasks on it',
      'down (not ready): the managers cannot reach it, so no task can start there',
      'not Linux (windows): the probe image is a Linux image',
    ],
  );
  t.end();
});

t.test('the mesh: verdicts, untested pairs with reasons, control, node states', (t) => {
  const nodes = deepNodes(nodesAnswer.slice(0, 4));
  const skipped = new Map(nodes.flatMap((n) => (skipReason(n, []) ? [[n.id, skipReason(n, []) as string] as const] : [])));
  const nodes5 = [...nodes, { ...nodes[1], id: 'n6', hostname: 'swl-n6', address: '198.18.0.106' } as DeepNode];
  const tasks = deepTasks(
    [
      {
        ID: 'a',
        ServiceID: 'sp',
        NodeID: 'n1',
        Status: { State: 'complete' },
        NetworksAttachments: [{ Addresses: ['10.1.0.1/24'] }],
        Version: { Index: 5 },
      },
      { ID: 'b', ServiceID: 'sp', NodeID: 'n2', Status: { State: 'complete' }, NetworksAttachments: [{ Addresses: ['10.1.0.2/24'] }] },
      { ID: 'c', ServiceID: 'sp', NodeID: 'n6', Status: { State: 'rejected', Err: 'No such image: x' } },
      { ID: 'd', ServiceID: 'sh', NodeID: 'n1', Status: { State: 'complete' } },
      { ID: 'e', ServiceID: 'other', NodeID: 'n1', Status: { State: 'running' } },
    ],
    new Map([
      ['sp', 'plain'],
      ['sh', 'host'],
    ]),
  );
  t.equal(tasks.length, 4, "another service's tasks are not the run's");
  const peer = (address: string, small: number, large: number) => ({
    address,
    node: null,
    small: { size: 92, sent: 3, received: small },
    large: { size: 1450, sent: 3, received: large },
  });
  const r = (id: string, peers: ProbeResult['peers'], control: ProbeResult['control'] = []): ProbeResult => ({
    kind: 'plain',
    node: { id, hostname: id },
    self: { address: `10.1.0.${id.slice(1)}`, mtu: 1450 },
    peers,
    control,
    notes: [],
  });
  const mesh = buildMesh({
    run: 'r1',
    image: 'img',
    nodes: nodes5,
    skipped,
    tasks,
    results: new Map([
      [
        'plain',
        new Map([
          ['n1', r('n1', [peer('10.1.0.2', 3, 0)])],
          ['n2', r('n2', [peer('10.1.0.1', 0, 0)])],
        ]),
      ],
      [
        'host',
        new Map([
          ['n1', { ...r('n1', [], [{ to: '198.18.0.102', port: 7946, verdict: 'filtered', error: 'no answer' }]), kind: 'host' as const }],
        ]),
      ],
    ]),
    networks: [{ key: 'plain', name: 'swarmlint-deep-r1-plain' }],
  });
  const v = (from: string, to: string) => mesh.pairs.find((p) => p.from === from && p.to === to);
  t.equal(v('n1', 'n2')?.verdict, 'mtu-blackhole');
  t.equal(v('n2', 'n1')?.verdict, 'unreachable');
  t.same(v('n1', 'n6'), {
    from: 'n1',
    to: 'n6',
    network: 'plain',
    verdict: 'untested',
    small: null,
    large: null,
    reason: "swl-n6's task did not run (rejected)",
  });
  t.equal(v('n6', 'n1')?.reason, "no result from swl-n6's task (rejected: No such image: x)");
  t.notOk(
    mesh.pairs.some((p) => p.from === 'n3' || p.to === 'n3' || p.to === 'n4'),
    'no pairs with skipped nodes',
  );
  t.same(mesh.control, [{ from: 'n1', to: 'n2', port: 7946, verdict: 'filtered', error: 'no answer' }]);
  t.same(mesh.networks, [{ key: 'plain', name: 'swarmlint-deep-r1-plain', encrypted: false, mtu: 1450 }]);
  const n = (id: string) => mesh.nodes.find((x) => x.id === id);
  t.same(n('n1')?.tasks, { plain: { state: 'complete', reported: true }, host: { state: 'complete', reported: true } });
  t.equal(n('n3')?.ran, false);
  t.equal(n('n3')?.reason, 'drained (availability drain): swarm starts no tasks on it');
  t.same(n('n6'), { ...n('n6'), ran: false, tasks: { plain: { state: 'rejected', error: 'No such image: x' } } });
  t.notOk('reason' in (n('n6') ?? {}), 'a node that should have run has no reason beforehand');
  t.end();
});
