// The encryption-leak check (probes/deep/leak.ts): reading VXLAN headers out of what a raw IPPROTO_UDP socket
// receives, counting by sender, the host kind's listening until its deadline, an unopenable socket as untested, the
// VNI from a network's inspect, and the mesh's leak section.
import t from 'tap';
import { buildMesh, parseProbeResult, type DeepNode, type ProbeResult } from '../../probes/audit/mesh.js';
import { dataPathPortOf, ipv4Source, LeakCounter, vniOf, vxlanVni } from '../../probes/deep/leak.js';
import { deepProbeOptions } from '../../probes/deep/result.js';
import { emptyResult, runDeepProbe, type DeepProbeIo } from '../../probes/deep/run.js';

/** An IPv4 packet of UDP to `port` from `source` carrying an 8-byte VXLAN header (flags, VNI) and a 14-byte frame. */
function vxlanPacket(source: string, port: number, vni: number, flags = 0x08, options: { ihl?: number; fragment?: number } = {}): Buffer {
  const ihl = options.ihl ?? 5;
  const ip = Buffer.alloc(ihl * 4);
  ip[0] = 0x40 | ihl;
  ip[9] = 17;
  ip.writeUInt16BE(options.fragment ?? 0, 6);
  source.split('.').forEach((b, i) => (ip[12 + i] = Number(b)));
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(40000, 0);
  udp.writeUInt16BE(port, 2);
  const vxlan = Buffer.alloc(8);
  vxlan[0] = flags;
  vxlan.writeUIntBE(vni, 4, 3);
  return Buffer.concat([ip, udp, vxlan, Buffer.alloc(14)]);
}

t.test('vxlanVni reads the VNI of VXLAN to the port, and nothing else', (t) => {
  t.equal(vxlanVni(vxlanPacket('10.0.0.1', 4789, 4097), 4789), 4097);
  t.equal(vxlanVni(vxlanPacket('10.0.0.1', 4789, 0xabcdef), 4789), 0xabcdef, 'all 24 bits');
  t.equal(vxlanVni(vxlanPacket('10.0.0.1', 4789, 4097, 0x08, { ihl: 6 }), 4789), 4097, 'IP options move the UDP header');
  t.equal(vxlanVni(vxlanPacket('10.0.0.1', 7789, 4097), 4789), undefined, 'another port');
  t.equal(vxlanVni(vxlanPacket('10.0.0.1', 7789, 4097), 7789), 4097, 'a custom data-path port');
  t.equal(vxlanVni(vxlanPacket('10.0.0.1', 4789, 4097, 0x00), 4789), undefined, 'I flag not set');
  t.equal(vxlanVni(vxlanPacket('10.0.0.1', 4789, 4097, 0x08, { fragment: 0x2000 | 3 }), 4789), undefined, 'a later fragment');
  t.equal(vxlanVni(vxlanPacket('10.0.0.1', 4789, 4097).subarray(0, 35), 4789), undefined, 'too short for a VXLAN header');
  const tcp = vxlanPacket('10.0.0.1', 4789, 4097);
  tcp[9] = 6;
  t.equal(vxlanVni(tcp, 4789), undefined, 'not UDP');
  const v6 = vxlanPacket('10.0.0.1', 4789, 4097);
  v6[0] = 0x65;
  t.equal(vxlanVni(v6, 4789), undefined, 'not IPv4');
  t.equal(ipv4Source(vxlanPacket('198.18.0.101', 4789, 1)), '198.18.0.101');
  t.end();
});

t.test('LeakCounter counts the VNI by sender, most first', (t) => {
  const counter = new LeakCounter(4789, 4097);
  for (let i = 0; i < 3; i++) t.ok(counter.add(vxlanPacket('10.0.0.1', 4789, 4097)));
  t.ok(counter.add(vxlanPacket('10.0.0.2', 4789, 4097)));
  t.notOk(counter.add(vxlanPacket('10.0.0.2', 4789, 4098)), 'the plain overlay VNI is not counted');
  t.notOk(counter.add(Buffer.alloc(10)), 'garbage');
  t.same(counter.from(), [
    { address: '10.0.0.1', packets: 3 },
    { address: '10.0.0.2', packets: 1 },
  ]);
  t.end();
});

t.test('the VNI from a network inspect, the data-path port from the swarm', (t) => {
  t.equal(vniOf({ Options: { 'com.docker.network.driver.overlay.vxlanid_list': '4097' } }), 4097);
  t.equal(vniOf({ Options: { 'com.docker.network.driver.overlay.vxlanid_list': '4101,4102' } }), 4101, 'the first subnet');
  t.equal(vniOf({ Options: { encrypted: '' } }), undefined, 'not allocated yet');
  t.equal(vniOf({ Options: { 'com.docker.network.driver.overlay.vxlanid_list': '99999999' } }), undefined, 'beyond 24 bits');
  t.equal(vniOf(null), undefined);
  t.equal(dataPathPortOf({ DataPathPort: 7789 }), 7789);
  t.equal(dataPathPortOf({ DataPathPort: 0 }), 4789);
  t.equal(dataPathPortOf({}), 4789);
  t.end();
});

t.test('options: --leak-vni is the host kind', (t) => {
  t.same(deepProbeOptions({ kind: 'host', 'leak-vni': '4097' }).leak, { vni: 4097, port: 4789 });
  t.same(deepProbeOptions({ kind: 'host', 'leak-vni': '4097', 'leak-port': '7789' }).leak, { vni: 4097, port: 7789 });
  t.throws(() => deepProbeOptions({ kind: 'plain', service: 's', 'leak-vni': '4097' }), { message: /host kind/ });
  t.throws(() => deepProbeOptions({ kind: 'host', 'leak-port': '4789' }), { message: /needs --leak-vni/ });
  t.throws(() => deepProbeOptions({ kind: 'host', 'leak-vni': '16777216' }), { message: /leak-vni/ });
  t.end();
});

function hostIo(rawUdp: DeepProbeIo['rawUdp']): DeepProbeIo {
  return {
    now: () => Date.now(),
    resolve: () => Promise.resolve([]),
    interfaces: () => ({}),
    mtuOf: () => undefined,
    dfAvailable: () => ({ ok: true }),
    ping: () => Promise.resolve({ ok: true }),
    connect: () => Promise.resolve({ kind: 'connected' }),
    ...(rawUdp ? { rawUdp } : {}),
    helloPort: 0,
    helloHost: '127.0.0.1',
    log: () => undefined,
  };
}

t.test('the host kind counts until its deadline what the socket hands it', async (t) => {
  const o = deepProbeOptions({ kind: 'host', deadline: '5', 'leak-vni': '4097' });
  let closed = false;
  const started = Date.now();
  const result = await runDeepProbe(
    o,
    hostIo((onPacket) => {
      const timer = setInterval(() => {
        onPacket(vxlanPacket('198.18.0.101', 4789, 4097));
        onPacket(vxlanPacket('198.18.0.102', 4789, 4098));
      }, 500);
      return {
        ok: true,
        close: () => {
          closed = true;
          clearInterval(timer);
        },
      };
    }),
    emptyResult(o),
  );
  const took = Date.now() - started;
  t.ok(closed, 'the socket is closed');
  t.ok(took >= 4000 && took < 5000, `listened until its deadline, less the print margin (${String(took)} ms)`);
  t.equal(result.leak?.vni, 4097);
  t.ok((result.leak?.window_ms ?? 0) >= 4000, 'the window is reported');
  t.same(
    result.leak?.from.map((f) => f.address),
    ['198.18.0.101'],
    'only the encrypted VNI, by sender',
  );
  t.ok((result.leak?.from[0]?.packets ?? 0) >= 7, `${String(result.leak?.from[0]?.packets)} packets`);
  const line = parseProbeResult(JSON.stringify(result));
  t.same(line?.leak?.from, result.leak?.from, 'the orchestrator reads the count back');
});

t.test('a socket that cannot open: untested with a note, never a count of 0', async (t) => {
  const o = deepProbeOptions({ kind: 'host', deadline: '5', 'leak-vni': '4097' });
  const result = await runDeepProbe(
    o,
    hostIo(() => ({ ok: false, reason: 'no raw UDP socket (EPERM)' })),
    emptyResult(o),
  );
  t.same(result.leak, { port: 4789, vni: 4097, window_ms: 0, from: [], untested: 'no raw UDP socket (EPERM)' });
  t.match(result.notes, [/encryption-leak check untested: no raw UDP socket/]);
  const without = await runDeepProbe(o, hostIo(undefined), emptyResult(o));
  t.match(without.leak?.untested, /no raw UDP socket/);
});

t.test('the mesh: counts by sending node, untested nodes said so', (t) => {
  const node = (i: number): DeepNode => ({
    id: `n${String(i)}`,
    hostname: `h${String(i)}`,
    address: `198.18.0.10${String(i)}`,
    role: i === 1 ? 'manager' : 'worker',
    availability: 'active',
    state: 'ready',
    os: 'linux',
    arch: 'x86_64',
    labels: {},
    engineLabels: {},
  });
  const host = (i: number, leak: ProbeResult['leak']): ProbeResult => ({
    kind: 'host',
    node: { id: `n${String(i)}`, hostname: `h${String(i)}` },
    self: null,
    peers: [],
    control: [],
    ...(leak ? { leak } : {}),
    notes: [],
  });
  const results = new Map([
    ['n1', host(1, { port: 4789, vni: 4097, window_ms: 28_000, from: [] })],
    ['n2', host(2, { port: 4789, vni: 4097, window_ms: 0, from: [], untested: 'no raw UDP socket (EPERM)' })],
    [
      'n3',
      host(3, {
        port: 4789,
        vni: 4097,
        window_ms: 28_000,
        from: [
          { address: '198.18.0.101', packets: 20 },
          { address: '203.0.113.9', packets: 1 },
        ],
      }),
    ],
  ]);
  const base = {
    run: 'r1',
    image: 'i',
    nodes: [1, 2, 3, 4].map(node),
    skipped: new Map<string, string>(),
    tasks: [],
    networks: [{ key: 'encrypted' as const, name: 'enc' }],
  };
  const mesh = buildMesh({ ...base, results: new Map([['host', results]]), leak: { vni: 4097, port: 4789 } });
  t.same(mesh.leak, {
    network: 'encrypted',
    vni: 4097,
    port: 4789,
    nodes: [
      { node: 'n1', window_ms: 28_000, from: [] },
      { node: 'n2', window_ms: 0, from: [], untested: 'no raw UDP socket (EPERM)' },
      {
        node: 'n3',
        window_ms: 28_000,
        from: [
          { from: 'n1', packets: 20 },
          { from: '203.0.113.9', packets: 1 },
        ],
      },
      { node: 'n4', window_ms: 0, from: [], untested: "no result from h4's host task" },
    ],
  });
  const unknown = buildMesh({ ...base, results: new Map(), leak: { untested: 'no VNI', port: 4789 } });
  t.same(unknown.leak, { network: 'encrypted', port: 4789, untested: 'no VNI', nodes: [] });
  t.equal(buildMesh({ ...base, results: new Map() }).leak, undefined, 'no encrypted overlay: no section');
  t.end();
});
