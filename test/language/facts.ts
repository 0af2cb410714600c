import t from 'tap';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { loadFacts } from '../../language/loader/facts.js';
import { LoadError } from '../../language/loader/errors.js';
import type { PreflightFacts } from '../../language/facts-format.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/facts.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

const preflight: PreflightFacts = {
  format: 'swarmlint-facts/1',
  kind: 'preflight',
  collectedAt: '2026-11-23T00:00:00.000Z',
  source: 'node-4',
  nodes: [],
  networks: [
    {
      id: 'i',
      name: 'ingress',
      driver: 'overlay',
      scope: 'swarm',
      ingress: true,
      attachable: false,
      internal: false,
      encrypted: false,
      subnets: ['10.0.0.0/24'],
      attachments: 0,
      vips: 0,
      nodes: [],
    },
  ],
  services: [],
  outcomes: [{ probe: 'icmp', status: 'skipped', reason: 'not root and no CAP_NET_RAW', subject: 'path MTU to 198.18.0.101' }],
  host: {
    hostname: 'node-4',
    os: 'linux',
    kernel: '6.1.0',
    arch: 'x86_64',
    root: false,
    capNetRaw: false,
    iptablesBackend: 'nf_tables',
    engine: { version: '28.2.2', swarmState: 'inactive' },
    interfaces: [{ name: 'eth0', mtu: 1450, up: true, addresses: ['198.18.0.104/24'], driver: 'vmxnet3', txChecksumIpGeneric: true }],
    routes: [{ destination: 'default', device: 'eth0', gateway: '198.18.0.1' }],
    firewall: [
      { protocol: 'udp', port: 4789, from: 'any', verdict: 'drop', rule: '-A INPUT -p udp --dport 4789 -j DROP', source: 'iptables-nft' },
    ],
    listeners: [{ protocol: 'tcp', port: 7946, address: '0.0.0.0', process: 'memberlist-demo' }],
    modules: [{ name: 'xt_u32', state: 'missing' }],
  },
  peers: [
    {
      address: '198.18.0.101',
      role: 'manager',
      device: 'eth0',
      deviceMtu: 1450,
      checks: [
        { protocol: 'tcp', port: 2377, state: 'open', method: 'connect' },
        { protocol: 'udp', port: 4789, state: 'open-or-filtered', method: 'icmp-unreachable', detail: 'no responder' },
      ],
      pathMtu: 1450,
      pathMtuProbedUpTo: 1500,
    },
  ],
};

t.test('a preflight document: valid against the schema, and read into the model with positions', (t) => {
  t.ok(validate(preflight), JSON.stringify(validate.errors));
  const text = JSON.stringify(preflight, null, 2);
  const facts = loadFacts(text, 'preflight.json');
  t.equal(facts.kind, 'preflight');
  t.equal(facts.source, 'node-4');
  const host = facts.host;
  if (!host) throw new Error('no host');
  t.same(
    [host.hostname, host.root, host.capNetRaw, host.iptablesBackend, host.engine],
    ['node-4', false, false, 'nf_tables', { version: '28.2.2', swarmState: 'inactive' }],
  );
  t.same(
    host.interfaces.map((i) => [i.name, i.mtu, i.up, i.addresses, i.driver, i.txChecksumIpGeneric, i.ref?.name]),
    [['eth0', 1450, true, ['198.18.0.104/24'], 'vmxnet3', true, 'eth0']],
  );
  t.same(
    host.firewall.map((f) => [f.protocol, f.port, f.from, f.verdict, f.source, f.ref?.name]),
    [['udp', 4789, 'any', 'drop', 'iptables-nft', '4789/udp']],
  );
  t.same(
    host.modules.map((m) => [m.name, m.state]),
    [['xt_u32', 'missing']],
  );
  t.same(
    host.listeners.map((l) => [l.protocol, l.port, l.process]),
    [['tcp', 7946, 'memberlist-demo']],
  );
  t.same(
    host.routes.map((r) => [r.destination, r.device, r.gateway]),
    [['default', 'eth0', '198.18.0.1']],
  );
  const [peer] = facts.peers;
  t.same(
    [peer?.address, peer?.role, peer?.deviceMtu, peer?.pathMtu, peer?.pathMtuProbedUpTo],
    ['198.18.0.101', 'manager', 1450, 1450, 1500],
  );
  t.same(
    peer?.checks.map((c) => [c.protocol, c.port, c.state, c.method, c.ref?.name]),
    [
      ['tcp', 2377, 'open', 'connect', '198.18.0.101:2377/tcp'],
      ['udp', 4789, 'open-or-filtered', 'icmp-unreachable', '198.18.0.101:4789/udp'],
    ],
  );
  const line = text.split('\n').findIndex((l) => l.includes('"port": 4789')) + 1;
  t.ok(
    (host.firewall[0]?.loc.start.line ?? 0) < line && line <= (host.firewall[0]?.loc.end.line ?? 0),
    'the verdict points into the document',
  );
  t.end();
});

t.test('not a facts document this version reads', (t) => {
  t.throws(() => loadFacts('{"format": "swarmlint-facts/9"}', 'x.json'), LoadError);
  t.throws(() => loadFacts('[1]', 'x.json'), LoadError);
  t.end();
});
