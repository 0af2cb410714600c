import { checkRuleDocs } from '../helpers/rule-docs.js';
import { factsDoc, objectLine } from '../helpers/facts.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/subnet-overlap.js';

/** A stack whose service uses every network, each declared with the subnets given (quoted). */
const stack = (networks: Record<string, string[]>, extra = ''): string => {
  const names = Object.keys(networks);
  let code = `services:\n  web:\n    image: nginx\n    networks: [${names.join(', ')}]\nnetworks:\n`;
  for (const [name, subnets] of Object.entries(networks)) {
    code += `  ${name}:\n${extra}    ipam:\n      config:\n`;
    for (const s of subnets) code += `        - subnet: "${s}"\n`;
  }
  return code;
};

/** Where the subnet written as `text` is: the line of its (last) occurrence, and the column of its quote. */
const at = (code: string, text: string): { line: number; column: number } => {
  const lines = code.split('\n');
  const index = lines.findLastIndex((l) => l.includes(`"${text}"`));
  return { line: index + 1, column: (lines[index] ?? '').indexOf('"') + 1 };
};

const a = stack({ front: ['192.168.0.0/16'], back: ['192.168.10.0/24'] });
const same = stack({ app: ['172.28.0.0/16', '172.28.1.0/24'] });
const ingress = stack({ app: ['10.0.0.0/16'] });
const customIngress = stack({ app: ['10.11.5.0/24'] });
const pool = stack({ app: ['10.20.0.0/16'] });
const customPool = stack({ app: ['192.168.50.0/24'] });
const gwbridge = stack({ app: ['172.18.0.0/24'] });
const wide = stack({ app: ['172.16.0.0/12'] });
const site = stack({ app: ['192.168.0.0/16'] });
const avoid = stack({ app: ['100.64.1.0/24'] });
const existing = stack({ app: ['10.0.5.0/24'] });
const localNet = stack({ app: ['10.11.1.0/24'], other: ['172.18.0.0/24'] });
const realIngress = stack({ app: ['10.255.1.0/24'], other: ['10.0.0.0/24'] });
const v6 = stack({ front: ['fd00::/48'], back: ['fd00:0:0:1::/64'] });
const host = stack({ app: ['192.168.77.7/32'] });
const all = stack({ app: ['0.0.0.0/0'] });
const bad = stack({
  app: ['10.0.0/24', '10.0.0.0/33', '10.0.1.5/24', 'fd00::1/64', 'fe80::%eth0/64', '172.28.0.0', '172.28.0.0/abc', '::/129'],
});

const office = [{ cidr: '192.168.1.0/24', name: 'office LAN' }, { cidr: '10.8.0.0/16' }];

testRule('subnet-overlap', rule, {
  valid: [
    { name: 'no subnets declared', code: 'services:\n  web:\n    image: nginx\nnetworks:\n  app: {}\n' },
    { name: 'a private range clear of everything', code: stack({ app: ['172.28.0.0/16'] }) },
    { name: 'adjacent subnets across networks', code: stack({ front: ['192.168.100.0/24'], back: ['192.168.101.0/24'] }) },
    { name: 'IPv6 subnets that do not overlap', code: stack({ front: ['fd00:1::/64'], back: ['fd00:2::/64'] }) },
    { name: 'IPv4 and IPv6 never overlap', code: stack({ front: ['172.28.0.0/16'], back: ['::/0'] }) },
    {
      name: 'the existing network of an earlier deployment of this stack is this network',
      code: stack({ backend: ['172.28.0.0/16'] }),
      cluster: { networks: [{ name: 'stack_backend', subnets: ['172.28.0.0/16'], encrypted: false, scope: 'swarm' }] },
    },
    { name: 'address pool warnings off', code: pool, options: [{ addressPools: false }] },
    { name: 'deep in the default pool: Docker reaches it only after thousands of networks', code: pool },
    { name: 'no host bridges to avoid', code: gwbridge, options: [{ hostBridges: [] }] },
    {
      name: 'address pools moved away from 10/8: ingress moved with them',
      code: stack({ app: ['10.20.0.0/16'], old: ['10.0.0.0/24'] }),
      cluster: { defaultAddrPools: ['10.128.0.0/9'] },
    },
    { name: 'no address pools declared at all', code: stack({ app: ['10.20.0.0/16'] }), cluster: { defaultAddrPools: [] } },
    { name: 'site networks elsewhere', code: stack({ app: ['172.28.0.0/16'] }), cluster: { siteCidrs: office } },
    {
      name: 'external networks are not declared here',
      code: 'services:\n  web:\n    image: nginx\nnetworks:\n  app:\n    external: true\n',
    },
    {
      name: 'unusable cluster and option CIDRs are ignored',
      code: stack({ app: ['172.28.0.0/16'] }),
      cluster: { siteCidrs: [{ cidr: 'office' }], defaultAddrPools: ['nope'], ingressSubnet: '10.0.0/24' },
      options: [{ avoid: [{ cidr: '1.2.3/4' }], hostBridges: [{ cidr: 'x/y' }] }],
    },
  ],
  invalid: [
    {
      name: "a subnet holding a node's address, known from an audit",
      code: stack({ app: ['192.168.10.0/24'] }),
      cluster: {
        nodeAddresses: [
          { name: 'worker-7', address: '192.168.10.17' },
          { name: 'manager-1', address: '192.168.20.5' },
        ],
      },
      errors: [
        { messageId: 'overlapsNodeAddress', data: { subnet: '192.168.10.0/24', network: 'app', nodes: 'node `worker-7` (192.168.10.17)' } },
      ],
    },
    {
      name: 'overlapping across two networks: reported at the later one',
      code: a,
      errors: [
        {
          messageId: 'overlapsStackSubnet',
          ...at(a, '192.168.10.0/24'),
          data: { subnet: '192.168.10.0/24', network: 'back', other: '192.168.0.0/16', otherNetwork: 'front' },
        },
      ],
    },
    {
      name: 'overlapping within one network',
      code: same,
      errors: [
        {
          messageId: 'overlapsStackSubnet',
          ...at(same, '172.28.1.0/24'),
          data: { subnet: '172.28.1.0/24', network: 'app', other: '172.28.0.0/16', otherNetwork: 'app' },
        },
      ],
    },
    {
      name: 'the default ingress subnet (the address pool warning is left out)',
      code: ingress,
      errors: [
        {
          messageId: 'overlapsIngress',
          ...at(ingress, '10.0.0.0/16'),
          data: { subnet: '10.0.0.0/16', network: 'app', ingress: '10.0.0.0/24' },
        },
      ],
    },
    {
      name: 'a declared ingress subnet replaces the default',
      code: customIngress,
      cluster: { ingressSubnet: '10.11.0.0/16', defaultAddrPools: ['10.128.0.0/9'] },
      errors: [{ messageId: 'overlapsIngress', data: { subnet: '10.11.5.0/24', network: 'app', ingress: '10.11.0.0/16' } }],
    },
    {
      name: "ingress takes the first subnet of the first address pool, at the pool's subnet size",
      code: stack({ app: ['10.20.0.0/20'] }),
      cluster: { defaultAddrPools: ['10.20.0.0/16'], subnetSize: 26 },
      errors: [{ messageId: 'overlapsIngress', data: { subnet: '10.20.0.0/20', network: 'app', ingress: '10.20.0.0/26' } }],
    },
    {
      name: 'a subnet size an IPv4 pool cannot have means /24',
      code: stack({ app: ['172.30.0.128/25'] }),
      cluster: { defaultAddrPools: ['172.30.0.0/16'], subnetSize: 64 },
      errors: [{ messageId: 'overlapsIngress', data: { subnet: '172.30.0.128/25', network: 'app', ingress: '172.30.0.0/24' } }],
    },
    {
      name: 'an unreadable pool leaves ingress at 10.0.0.0/24',
      code: stack({ app: ['10.0.0.0/25'] }),
      cluster: { defaultAddrPools: ['nope'] },
      errors: [{ messageId: 'overlapsIngress', data: { subnet: '10.0.0.0/25', network: 'app', ingress: '10.0.0.0/24' } }],
    },
    {
      name: 'early in the default address pool: a potential conflict',
      code: pool,
      options: [{ poolHeadroom: 6000 }],
      errors: [
        {
          messageId: 'insideAddressPool',
          ...at(pool, '10.20.0.0/16'),
          data: { subnet: '10.20.0.0/16', network: 'app', pool: '10.0.0.0/8', size: '24', before: '5120' },
        },
      ],
    },
    {
      name: 'inside a declared address pool',
      code: customPool,
      cluster: { defaultAddrPools: ['10.128.0.0/9', '192.168.0.0/16'] },
      errors: [
        {
          messageId: 'insideAddressPool',
          data: { subnet: '192.168.50.0/24', network: 'app', pool: '192.168.0.0/16', size: '24', before: '50' },
        },
      ],
    },
    {
      name: 'docker_gwbridge',
      code: gwbridge,
      errors: [
        {
          messageId: 'overlapsHostBridge',
          ...at(gwbridge, '172.18.0.0/24'),
          data: { subnet: '172.18.0.0/24', network: 'app', bridge: '`docker_gwbridge`', cidr: '172.18.0.0/16' },
        },
      ],
    },
    {
      name: 'a /12 covers both bridges',
      code: wide,
      errors: [
        {
          messageId: 'overlapsHostBridge',
          data: { subnet: '172.16.0.0/12', network: 'app', bridge: '`docker_gwbridge`', cidr: '172.18.0.0/16' },
        },
        { messageId: 'overlapsHostBridge', data: { subnet: '172.16.0.0/12', network: 'app', bridge: '`docker0`', cidr: '172.17.0.0/16' } },
      ],
    },
    {
      name: 'bridges given as options, one without a name',
      code: stack({ app: ['10.99.0.0/24'] }),
      options: [{ hostBridges: [{ cidr: '10.99.0.0/16' }], addressPools: false }],
      errors: [
        { messageId: 'overlapsHostBridge', data: { subnet: '10.99.0.0/24', network: 'app', bridge: 'a bridge', cidr: '10.99.0.0/16' } },
      ],
    },
    {
      name: 'site networks, named and unnamed',
      code: site,
      cluster: { siteCidrs: [...office, { cidr: '192.168.200.10/24' }] },
      errors: [
        {
          messageId: 'overlapsSite',
          ...at(site, '192.168.0.0/16'),
          data: { subnet: '192.168.0.0/16', network: 'app', site: 'the site network `office LAN`', cidr: '192.168.1.0/24' },
        },
        {
          messageId: 'overlapsSite',
          data: { subnet: '192.168.0.0/16', network: 'app', site: 'the site network', cidr: '192.168.200.0/24' },
        },
      ],
    },
    {
      name: 'ranges to avoid from the options',
      code: avoid,
      options: [{ avoid: [{ cidr: '100.64.0.0/10', name: 'VPN' }] }],
      errors: [
        {
          messageId: 'overlapsSite',
          data: { subnet: '100.64.1.0/24', network: 'app', site: 'the range to avoid `VPN`', cidr: '100.64.0.0/10' },
        },
      ],
    },
    {
      name: 'an existing swarm network',
      code: existing,
      cluster: { networks: [{ name: 'proxy', subnets: ['10.0.5.0/24'], encrypted: false, scope: 'swarm' }] },
      errors: [{ messageId: 'overlapsExisting', data: { subnet: '10.0.5.0/24', network: 'app', existing: 'proxy', cidr: '10.0.5.0/24' } }],
    },
    {
      name: 'a known docker_gwbridge replaces the usual one',
      code: localNet,
      cluster: { networks: [{ name: 'docker_gwbridge', subnets: ['10.11.0.0/16', 'bogus'], encrypted: false, scope: 'local' }] },
      errors: [
        {
          messageId: 'overlapsHostBridge',
          ...at(localNet, '10.11.1.0/24'),
          data: { subnet: '10.11.1.0/24', network: 'app', bridge: 'the local network `docker_gwbridge`', cidr: '10.11.0.0/16' },
        },
      ],
    },
    {
      name: "the cluster's real ingress network replaces the default",
      code: realIngress,
      cluster: { networks: [{ name: 'ingress', subnets: ['10.255.0.0/16'], encrypted: false, scope: 'swarm' }] },
      errors: [
        { messageId: 'overlapsIngress', data: { subnet: '10.255.1.0/24', network: 'app', ingress: '10.255.0.0/16' } },
        {
          messageId: 'insideAddressPool',
          ...at(realIngress, '10.0.0.0/24'),
          data: { subnet: '10.0.0.0/24', network: 'other', pool: '10.0.0.0/8', size: '24', before: '0' },
        },
      ],
    },
    {
      name: 'IPv6 across networks',
      code: v6,
      errors: [
        {
          messageId: 'overlapsStackSubnet',
          ...at(v6, 'fd00:0:0:1::/64'),
          data: { subnet: 'fd00:0:0:1::/64', network: 'back', other: 'fd00::/48', otherNetwork: 'front' },
        },
      ],
    },
    {
      name: 'a /32 inside a site network',
      code: host,
      cluster: { siteCidrs: [{ cidr: '192.168.0.0/16', name: 'LAN' }] },
      errors: [
        {
          messageId: 'overlapsSite',
          data: { subnet: '192.168.77.7/32', network: 'app', site: 'the site network `LAN`', cidr: '192.168.0.0/16' },
        },
      ],
    },
    {
      name: '/0 overlaps everything IPv4',
      code: all,
      errors: [
        { messageId: 'overlapsIngress', data: { subnet: '0.0.0.0/0', network: 'app', ingress: '10.0.0.0/24' } },
        {
          messageId: 'overlapsHostBridge',
          data: { subnet: '0.0.0.0/0', network: 'app', bridge: '`docker_gwbridge`', cidr: '172.18.0.0/16' },
        },
        { messageId: 'overlapsHostBridge', data: { subnet: '0.0.0.0/0', network: 'app', bridge: '`docker0`', cidr: '172.17.0.0/16' } },
      ],
    },
    {
      name: 'malformed subnets, each reported once and not compared',
      code: bad,
      errors: [
        {
          messageId: 'badAddress',
          ...at(bad, '10.0.0/24'),
          data: { subnet: '10.0.0/24', network: 'app', address: '10.0.0' },
        },
        {
          messageId: 'prefixTooLong',
          data: { subnet: '10.0.0.0/33', network: 'app', prefix: 33, family: 4, bits: 32 },
        },
        {
          messageId: 'hostBits',
          data: { subnet: '10.0.1.5/24', network: 'app', masked: '10.0.1.0/24' },
        },
        {
          messageId: 'hostBits',
          data: { subnet: 'fd00::1/64', network: 'app', masked: 'fd00::/64' },
        },
        {
          messageId: 'badAddress',
          data: { subnet: 'fe80::%eth0/64', network: 'app', address: 'fe80::%eth0' },
        },
        {
          messageId: 'notCidr',
          data: { subnet: '172.28.0.0', network: 'app' },
        },
        {
          messageId: 'badPrefixLength',
          data: { subnet: '172.28.0.0/abc', network: 'app', length: 'abc' },
        },
        {
          messageId: 'prefixTooLong',
          data: { subnet: '::/129', network: 'app', prefix: 129, family: 6, bits: 128 },
        },
      ],
    },
  ],
});

/** A facts document (audit) with these networks. */
const facts = (networks: object[]): string => JSON.stringify({ format: 'swarmlint-facts/1', kind: 'audit', nodes: [], networks }, null, 2);

const gwClash = facts([
  { name: 'docker_gwbridge', driver: 'bridge', scope: 'local', subnets: ['172.18.0.0/16'] },
  { name: 'app', driver: 'overlay', scope: 'swarm', subnets: ['172.18.0.0/24'] },
]);

testRule(
  'subnet-overlap',
  rule,
  {
    valid: [
      {
        name: 'audit: ingress, an overlay and the bridges, all apart',
        code: facts([
          { name: 'ingress', driver: 'overlay', ingress: true, subnets: ['10.0.0.0/24'] },
          { name: 'app', driver: 'overlay', subnets: ['10.0.1.0/24', 'fd00:1::/64'] },
          { name: 'bridge', driver: 'bridge', scope: 'local', subnets: ['172.17.0.0/16'] },
          { name: 'docker_gwbridge', driver: 'bridge', scope: 'local', subnets: ['172.18.0.0/16'] },
        ]),
        cluster: { siteCidrs: office },
      },
      {
        name: "audit: local networks clashing with each other are the daemon's business; unreadable subnets are skipped",
        code: facts([
          { name: 'a', driver: 'bridge', scope: 'local', subnets: ['172.20.0.0/16'] },
          { name: 'b', driver: 'bridge', scope: 'local', subnets: ['172.20.0.0/24', 'n/a'] },
        ]),
      },
      {
        name: "audit: a network's own subnets are not compared",
        code: facts([{ name: 'app', driver: 'overlay', subnets: ['10.0.1.0/24', '10.0.1.0/25'] }]),
      },
    ],
    invalid: [
      {
        name: 'audit: an overlay inside docker_gwbridge',
        code: gwClash,
        errors: [
          {
            messageId: 'overlapsNetwork',
            line: 19,
            column: 9,
            data: { subnet: '172.18.0.0/24', network: 'app', other: '172.18.0.0/16', otherNetwork: 'docker_gwbridge' },
          },
        ],
      },
      {
        name: "audit: an overlay holding the nodes' underlay addresses (the lab's overlapping-overlay fault)",
        code: JSON.stringify(
          {
            format: 'swarmlint-facts/1',
            kind: 'audit',
            nodes: [
              { id: 'b', hostname: 'swl-n2', address: '198.18.0.102' },
              { id: 'a', hostname: 'swl-n1', address: '198.18.0.101' },
              { id: 'c', hostname: 'far', address: '192.0.2.7' },
            ],
            networks: [{ name: 'lab-overlap', driver: 'overlay', scope: 'swarm', subnets: ['198.18.0.0/24'] }],
          },
          null,
          2,
        ),
        errors: [
          {
            messageId: 'overlapsNodeAddress',
            data: { subnet: '198.18.0.0/24', network: 'lab-overlap', nodes: 'node `swl-n1` (198.18.0.101), node `swl-n2` (198.18.0.102)' },
          },
        ],
      },
      {
        name: 'audit: ingress on the office LAN',
        code: facts([{ name: 'ingress', driver: 'overlay', ingress: true, subnets: ['10.0.0.0/24'] }]),
        cluster: { siteCidrs: [{ cidr: '10.0.0.0/16', name: 'office LAN' }] },
        errors: [
          {
            messageId: 'overlapsSite',
            data: { subnet: '10.0.0.0/24', network: 'ingress', site: 'the site network `office LAN`', cidr: '10.0.0.0/16' },
          },
        ],
      },
    ],
  },
  'facts',
);

// Preflight: this host's addresses and routes against what the swarm brings when it joins.
const iface = (name: string, addresses: string[]): object => ({ name, mtu: 1500, up: true, addresses });
const route = (destination: string, device: string, gateway?: string): object => ({ destination, device, ...(gateway ? { gateway } : {}) });
const managerIngress = { name: 'ingress', driver: 'overlay', ingress: true, scope: 'swarm', subnets: ['10.0.0.0/24'] };
const hostDoc = (interfaces: object[], routes: object[], parts: Record<string, unknown> = { networks: [managerIngress] }): string =>
  factsDoc({ host: { hostname: 'joiner', interfaces, routes }, peers: [], outcomes: [], ...parts }, 'preflight');
const lan = [iface('lo', ['127.0.0.1/8', '::1/128']), iface('eth0', ['192.168.1.10/24', 'fe80::1/64'])];
const lanRoutes = [route('default', 'eth0', '192.168.1.1'), route('192.168.1.0/24', 'eth0'), route('224.0.0.0/4', 'eth0')];

const labFault = hostDoc(
  [iface('eth0', ['198.18.0.10/24', '10.0.0.250/24'])],
  [route('198.18.0.0/24', 'eth0'), route('10.0.0.0/24', 'eth0')],
);
const notRead = hostDoc([iface('eth0', ['10.0.5.5/16'])], [route('10.0.0.0/16', 'eth0')], { networks: [] });
const poolsMoved = hostDoc(lan, [...lanRoutes, route('10.128.0.0/16', 'tun0', '10.8.0.1')], {
  swarm: { id: 's', defaultAddrPools: ['10.128.0.0/9'], subnetSize: 24 },
  networks: [],
  outcomes: [{ probe: 'engine-api/networks', status: 'error', reason: 'timed out' }],
});
const backend = hostDoc([...lan, iface('eth1', ['10.50.0.5/24'])], lanRoutes, {
  nodes: [{ id: 'w9', hostname: 'worker-9' }],
  networks: [
    managerIngress,
    { name: 'backend', driver: 'overlay', scope: 'swarm', subnets: ['192.168.0.0/16', 'nonsense'] },
    { name: 'docker_gwbridge', driver: 'bridge', scope: 'local', subnets: ['10.50.0.0/24'] },
  ],
});
const hostGwbridge = hostDoc([iface('eth0', ['172.18.3.4/24'])], [route('172.18.3.0/24', 'eth0')]);
const docker0 = hostDoc(
  [iface('eth0', ['198.18.0.10/24']), iface('docker0', ['192.168.5.1/24'])],
  [route('198.18.0.0/24', 'eth0'), route('192.168.5.0/24', 'docker0'), route('192.168.0.0/16', 'tun0', '10.8.0.1')],
);
const early = hostDoc(lan, [...lanRoutes, route('10.0.4.0/24', 'tun0', '10.8.0.1')]);
const lanWhat = "This host's interface `eth0` (192.168.1.10/24)";

testRule(
  'subnet-overlap',
  rule,
  {
    valid: [
      {
        name: 'preflight: a LAN clear of ingress, the pools and the bridges; loopback, link-local and multicast ignored',
        code: hostDoc(
          [...lan, iface('docker0', ['172.17.0.1/16'])],
          [...lanRoutes, route('172.17.0.0/16', 'docker0'), route('172.28.0.0/16', 'tun0')],
        ),
      },
      {
        name: "preflight: Docker's bridges come from its local pools: not compared with each other (the lab's docker0 --bip)",
        code: hostDoc(
          [iface('eth0', ['198.18.0.101/24']), iface('docker0', ['172.18.1.1/24']), iface('br-5f2a9c', ['172.18.3.1/24'])],
          [route('198.18.0.0/24', 'eth0'), route('172.18.1.0/24', 'docker0'), route('172.18.3.0/24', 'br-5f2a9c')],
        ),
      },
      {
        name: "preflight: a joined host's docker_gwbridge is not a clash with itself",
        code: hostDoc([...lan, iface('docker_gwbridge', ['172.18.0.1/16'])], [...lanRoutes, route('172.18.0.0/16', 'docker_gwbridge')]),
      },
      {
        name: 'preflight: deep in the default pool, Docker reaches it only after thousands of networks',
        code: hostDoc([iface('eth0', ['10.200.5.5/24'])], []),
      },
      { name: 'preflight: address pool warnings off', code: early, options: [{ addressPools: false }] },
      { name: 'preflight: no bridges to avoid', code: hostGwbridge, options: [{ hostBridges: [] }] },
      {
        name: 'preflight: ranges that are not CIDRs, and a route to everything, are skipped',
        code: hostDoc([iface('eth0', ['192.168.1.10', 'bogus'])], [route('0.0.0.0/0', 'eth0'), route('nonsense', 'eth0')]),
      },
    ],
    invalid: [
      {
        name: "preflight, the lab's fault: an address of the ingress subnet on eth0 (its connected route is the same finding)",
        code: labFault,
        errors: [
          {
            messageId: 'hostOverlapsIngress',
            line: objectLine(labFault, '"name": "eth0"'),
            column: 7,
            data: { what: "This host's interface `eth0` (10.0.0.250/24)", range: '10.0.0.0/24', ingress: '10.0.0.0/24', note: '' },
          },
        ],
      },
      {
        name: "preflight: the manager's networks not read: the default ingress subnet",
        code: notRead,
        errors: [
          {
            messageId: 'hostOverlapsIngress',
            line: objectLine(notRead, '"name": "eth0"'),
            data: {
              what: "This host's interface `eth0` (10.0.5.5/16)",
              range: '10.0.0.0/16',
              ingress: '10.0.0.0/24',
              note: " (the default: the manager's networks were not read)",
            },
          },
        ],
      },
      {
        name: "preflight: the networks call failed, the swarm's pools moved: ingress is the first subnet of the first pool",
        code: poolsMoved,
        errors: [
          {
            messageId: 'hostOverlapsIngress',
            line: objectLine(poolsMoved, '"destination": "10.128.0.0/16"'),
            data: {
              what: "This host's route to 10.128.0.0/16 (`tun0`)",
              range: '10.128.0.0/16',
              ingress: '10.128.0.0/24',
              note: " (the default: the manager's networks were not read)",
            },
          },
        ],
      },
      {
        name: 'preflight: ingress from the cluster profile',
        code: hostDoc(lan, lanRoutes, { networks: [] }),
        cluster: { ingressSubnet: '192.168.0.0/20' },
        errors: [
          {
            messageId: 'hostOverlapsIngress',
            data: { what: lanWhat, range: '192.168.1.0/24', ingress: '192.168.0.0/20', note: ' (from the cluster profile)' },
          },
        ],
      },
      {
        name: "preflight: ingress from the cluster profile's networks",
        code: hostDoc(lan, lanRoutes, { networks: [] }),
        cluster: { networks: [{ name: 'ingress', subnets: ['192.168.1.0/24'], encrypted: false }] },
        errors: [
          {
            messageId: 'hostOverlapsIngress',
            data: { what: lanWhat, range: '192.168.1.0/24', ingress: '192.168.1.0/24', note: ' (from the cluster profile)' },
          },
        ],
      },
      {
        name: "preflight: the LAN inside a swarm network of the manager (its local networks are the manager's own)",
        code: backend,
        errors: [
          {
            messageId: 'hostOverlapsNetwork',
            line: objectLine(backend, '"name": "eth0"'),
            data: { what: lanWhat, range: '192.168.1.0/24', subnet: '192.168.0.0/16', network: 'backend' },
          },
        ],
      },
      {
        name: 'preflight: the LAN inside the subnet docker_gwbridge usually takes',
        code: hostGwbridge,
        errors: [
          {
            messageId: 'hostOverlapsBridge',
            line: objectLine(hostGwbridge, '"name": "eth0"'),
            data: {
              what: "This host's interface `eth0` (172.18.3.4/24)",
              range: '172.18.3.0/24',
              bridge: '`docker_gwbridge`',
              cidr: '172.18.0.0/16',
              note: ', its usual subnet',
            },
          },
        ],
      },
      {
        name: "preflight: a VPN route over this host's own docker0",
        code: docker0,
        errors: [
          {
            messageId: 'hostOverlapsBridge',
            line: objectLine(docker0, '"destination": "192.168.0.0/16"'),
            data: {
              what: "This host's route to 192.168.0.0/16 (`tun0`)",
              range: '192.168.0.0/16',
              bridge: '`docker0`',
              cidr: '192.168.5.0/24',
              note: ', as this host has it',
            },
          },
        ],
      },
      {
        name: 'preflight: a bridge without a name, from the option',
        code: hostGwbridge,
        options: [{ hostBridges: [{ cidr: '172.18.3.0/28' }] }],
        errors: [
          {
            messageId: 'hostOverlapsBridge',
            data: {
              what: "This host's interface `eth0` (172.18.3.4/24)",
              range: '172.18.3.0/24',
              bridge: 'a bridge',
              cidr: '172.18.3.0/28',
              note: ', its usual subnet',
            },
          },
        ],
      },
      {
        name: "preflight: a route early in the swarm's default pool: a warning",
        code: early,
        errors: [
          {
            messageId: 'hostInsideAddressPool',
            line: objectLine(early, '"destination": "10.0.4.0/24"'),
            data: { what: "This host's route to 10.0.4.0/24 (`tun0`)", range: '10.0.4.0/24', pool: '10.0.0.0/8', size: '24', before: '4' },
          },
        ],
      },
    ],
  },
  'facts',
);

checkRuleDocs('subnet-overlap', rule);
