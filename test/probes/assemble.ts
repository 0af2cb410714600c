// Probe results into one preflight facts document: valid against the schema, read back by the loader, the firewall
// evaluated for every peer once the data-path port is known, listeners kept to the swarm ports.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { loadFacts } from '../../language/loader/facts.js';
import { assemblePreflight, type ProbeParts } from '../../probes/assemble.js';
import { factsFromAnswers } from '../../probes/audit/collect.js';
import type { FirewallReadings } from '../../probes/host/firewall-facts.js';
import { parseAddrShow, parseRoutes } from '../../probes/parse/ip.js';
import { moduleStates } from '../../probes/parse/kernel.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/facts.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const host = (scenario: string, file: string): string =>
  readFileSync(new URL(`../../fixtures/host/${scenario}/${file}`, import.meta.url), 'utf8');
const api = (file: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/engine-api/healthy-3-nodes/${file}.json`, import.meta.url), 'utf8'));

const manager = factsFromAnswers(
  {
    info: api('info'),
    swarm: api('swarm'),
    nodes: api('nodes') as unknown[],
    networks: api('networks') as unknown[],
    services: api('services') as unknown[],
    tasks: api('tasks') as unknown[],
  },
  [],
  'unix:///run/manager.sock',
  '2026-11-23T00:00:00.000Z',
);
const readings: FirewallReadings = {
  iptablesVersion: { text: host('lab-faults', 'iptables-V.txt') },
  saves: [{ source: 'iptables-nft', family: 4, reading: { text: host('lab-faults', 'iptables-nft-save.txt') } }],
  nft: { json: { text: host('lab-faults', 'nft.json') }, text: { text: host('lab-faults', 'nft.txt') } },
  managers: [],
};
const peerOf = (address: string, role: 'manager' | 'peer') => ({
  peer: {
    address,
    role,
    device: 'eth0',
    deviceMtu: 1300,
    checks: [{ protocol: 'tcp' as const, port: 7946, state: 'filtered' as const, method: 'connect' }],
  },
  family: 4 as const,
  local: '198.18.0.103',
});

const parts: ProbeParts = {
  collectedAt: '2026-11-23T12:00:00.000Z',
  identity: { hostname: 'swl-n3', os: 'linux', kernel: '6.18.44', arch: 'x86_64', root: true, capNetRaw: true },
  interfaces: parseAddrShow(host('lab-faults', 'ip-addr.json')).map((l) => ({
    name: l.name,
    mtu: l.mtu,
    up: l.up,
    addresses: l.addresses,
  })),
  routes: parseRoutes(host('lab-faults', 'ip-route.json')),
  firewall: readings,
  listeners: [
    { protocol: 'udp', port: 4789, address: '0.0.0.0' },
    { protocol: 'tcp', port: 22, address: '0.0.0.0', process: 'sshd' },
  ],
  engine: { version: '20.10.24+dfsg1', swarmState: 'inactive' },
  modules: moduleStates({ config: host('kernel', 'config-excerpt.txt') }),
  peers: [peerOf('198.18.0.101', 'manager'), peerOf('198.18.0.102', 'peer')],
  manager: {
    source: 'unix:///run/manager.sock',
    nodes: manager.nodes,
    networks: manager.networks,
    services: manager.services,
    ...(manager.swarm ? { swarm: manager.swarm } : {}),
  },
  probedDataPathPort: 4789,
  outcomes: [
    { probe: 'peer/198.18.0.101/udp/4789', status: 'skipped', reason: 'no responder', subject: 'b' },
    { probe: 'manager/engine-api/networks', status: 'ok' },
    { probe: 'peer/198.18.0.101/udp/4789', status: 'skipped', reason: 'no responder', subject: 'a' },
  ],
};

t.test('a whole preflight document: valid, and read back by the loader', (t) => {
  const facts = assemblePreflight(parts);
  t.ok(validate(facts), JSON.stringify(validate.errors));
  t.equal(facts.kind, 'preflight');
  t.equal(facts.source, 'swl-n3');
  t.equal(facts.swarm?.dataPathPort, 4789);
  t.equal(facts.networks.find((n) => n.ingress)?.subnets[0], '10.0.0.0/24', "the manager's ingress");
  t.same(
    facts.outcomes.map((o) => `${o.probe} ${o.subject ?? ''}`),
    ['manager/engine-api/networks ', 'peer/198.18.0.101/udp/4789 a', 'peer/198.18.0.101/udp/4789 b'],
    'sorted',
  );
  const h = facts.host;
  t.equal(h?.iptablesBackend, 'nf_tables');
  t.same(h?.listeners, [{ protocol: 'udp', port: 4789, address: '0.0.0.0' }], 'only the swarm ports');
  t.equal(h?.firewall.length, 10, 'five ports from each of two peers');
  t.same(
    h?.firewall.filter((v) => v.from === '198.18.0.102').map((v) => `${v.protocol}/${String(v.port ?? '')} ${v.verdict}`),
    ['tcp/2377 accept', 'tcp/7946 drop', 'udp/7946 drop', 'udp/4789 drop', 'esp/ drop'],
  );
  const model = loadFacts(`${JSON.stringify(facts, null, 2)}\n`, 'preflight.json');
  t.equal(model.host?.interfaces.find((i) => i.name === 'eth0')?.mtu, 1300);
  t.equal(model.peers.length, 2);
  t.equal(model.host?.firewall[1]?.rule, '-A INPUT -p tcp -m tcp --dport 7946 -m comment --comment swarmlint-lab-fault -j DROP');
  t.end();
});

t.test("the swarm's data-path port, when it is not the one the peers were probed on", (t) => {
  const other = {
    ...parts,
    manager: {
      ...(parts.manager ?? { source: '', nodes: [], networks: [], services: [] }),
      swarm: { id: 's', dataPathPort: 4790, defaultAddrPools: [], subnetSize: 24 },
    },
  };
  const facts = assemblePreflight(other);
  t.same(
    facts.outcomes.find((o) => o.probe === 'peers/data-path-port'),
    {
      probe: 'peers/data-path-port',
      status: 'skipped',
      reason: "the swarm's data-path port is 4790, but the peers were probed on UDP 4789 (run again with --data-path-port 4790)",
      subject: 'whether UDP 4790 (VXLAN) reaches the peers',
    },
  );
  t.ok(
    facts.host?.firewall.some((v) => v.port === 4790),
    'the firewall is asked about the real one',
  );
  const local = assemblePreflight({
    ...parts,
    manager: undefined,
    engine: { version: '1', swarmState: 'active', role: 'worker', dataPathPort: 4790 },
  });
  t.ok(
    local.outcomes.some((o) => o.probe === 'peers/data-path-port'),
    "or the local engine's, when it is in the swarm already",
  );
  t.end();
});

t.test('the least a run can give: no identity, no peers, no manager', (t) => {
  const facts = assemblePreflight({
    collectedAt: '2026-11-23T12:00:00.000Z',
    peers: [],
    probedDataPathPort: 4789,
    outcomes: [],
    firewall: readings,
  });
  t.ok(validate(facts), JSON.stringify(validate.errors));
  t.equal(facts.source, 'this host');
  t.equal(facts.host, undefined);
  t.same([facts.nodes, facts.networks, facts.services, facts.peers], [[], [], [], []]);
  const anyone = assemblePreflight({
    collectedAt: '2026-11-23T12:00:00.000Z',
    identity: { hostname: 'h', os: 'linux', kernel: '', arch: '', root: false, capNetRaw: false },
    peers: [],
    probedDataPathPort: 4789,
    outcomes: [],
    firewall: readings,
  });
  t.same(
    anyone.host?.firewall.map((v) => v.from),
    ['any', 'any', 'any', 'any', 'any'],
    'no peers: verdicts for traffic from anywhere',
  );
  t.same(
    [anyone.host?.interfaces, anyone.host?.routes, anyone.host?.listeners, anyone.host?.modules, anyone.host?.engine],
    [[], [], [], [], undefined],
  );
  const bare = { peer: { address: '198.18.0.101', role: 'manager' as const, checks: [] }, family: 4 as const };
  const noRoute = assemblePreflight({
    ...parts,
    peers: [bare],
    outcomes: [
      { probe: 'host/routes', status: 'error', subject: 's' },
      { probe: 'host/routes', status: 'error' },
      { probe: 'host/routes', status: 'error', subject: 'r' },
    ],
  });
  t.same(
    noRoute.host?.firewall.map((v) => v.verdict),
    ['accept', 'drop', 'drop', 'drop', 'drop'],
    'a peer without a known route: evaluated without an interface',
  );
  t.same(
    noRoute.outcomes.map((o) => o.subject),
    [undefined, 'r', 's'],
  );
  const noFirewall = assemblePreflight({ ...parts, firewall: undefined, peers: [bare] });
  t.same(noFirewall.host?.firewall, []);
  t.equal(noFirewall.host?.iptablesBackend, undefined);
  t.end();
});
