import { checkRuleDocs } from '../helpers/rule-docs.js';
import { factsDoc, objectLine } from '../helpers/facts.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/overlay-mtu.js';

/** A stack with one service on network `app`, declared with the given lines under it. */
const net = (lines: string): string => `services:\n  web:\n    image: nginx\n    networks: [app]\nnetworks:\n  app:\n${lines}`;
const mtu = (value: string, extra = ''): string => net(`    driver_opts:\n${extra}      com.docker.network.driver.mtu: ${value}\n`);
const plain = 'services:\n  web:\n    image: nginx\n';

const assumed = 'assumed Ethernet default: set `cluster.underlayMtu`';

/** A facts document (audit) with nodes and networks. */
const facts = (nodes: object[], networks: object[]): string =>
  JSON.stringify({ format: 'swarmlint-facts/1', kind: 'audit', nodes, networks, services: [] }, null, 2);
const node = (id: string, underlayMtu?: number): object => ({ id, hostname: id, role: 'worker', ...(underlayMtu ? { underlayMtu } : {}) });

testRule('overlay-mtu', rule, {
  valid: [
    { name: 'implicit default network, underlay unknown (1500 assumed)', code: plain },
    { name: 'unset option on a 1500 underlay', code: net('    driver: overlay\n'), cluster: { underlayMtu: 1500 } },
    { name: 'option equal to the underlay MTU', code: mtu('"1450"'), cluster: { underlayMtu: 1450 } },
    { name: 'jumbo frames declared', code: mtu('"9000"'), cluster: { underlayMtu: 9001 } },
    {
      name: 'encrypted, unset option, 1500 underlay: Docker takes ESP out of the containers',
      code: net('    driver_opts:\n      encrypted: ""\n'),
    },
    {
      name: 'encrypted, alignment keeps 1451 within a 1450 underlay (containers get 1372, packets 1448)',
      code: mtu('"1451"', '      encrypted: "true"\n'),
      cluster: { underlayMtu: 1450 },
    },
    { name: 'smallest usable option (containers get 68)', code: mtu('118') },
    { name: 'external networks are not ours to check', code: net('    external: true\n'), cluster: { underlayMtu: 1400 } },
    { name: 'non-overlay drivers are not checked', code: net('    driver: macvlan\n'), cluster: { underlayMtu: 1400 } },
    {
      name: 'the rule option overrides the cluster profile',
      code: mtu('"9000"'),
      cluster: { underlayMtu: 1500 },
      options: [{ underlayMtu: 9000 }],
    },
  ],
  invalid: [
    {
      name: 'implicit default network on a 1450 underlay: reported at the first service',
      code: plain,
      cluster: { underlayMtu: 1450 },
      errors: [
        {
          messageId: 'tooLarge',
          line: 2,
          column: 3,
          data: {
            network: 'default',
            packet: 1500,
            underlay: 1450,
            source: '`cluster.underlayMtu`',
            option: 'unset, so 1500',
            container: 1450,
            overhead: '50 bytes of VXLAN',
          },
        },
      ],
    },
    {
      name: 'declared network without the option: reported at its key',
      code: net('    driver: overlay\n'),
      cluster: { underlayMtu: 1400 },
      errors: [{ messageId: 'tooLarge', line: 6, column: 3 }],
    },
    {
      name: 'option above the underlay: reported at the value',
      code: mtu('"1500"'),
      cluster: { underlayMtu: 1450 },
      errors: [
        {
          messageId: 'tooLarge',
          line: 8,
          column: 38,
          data: {
            network: 'app',
            packet: 1500,
            underlay: 1450,
            source: '`cluster.underlayMtu`',
            option: '1500',
            container: 1450,
            overhead: '50 bytes of VXLAN',
          },
        },
      ],
    },
    {
      name: 'encrypted network on a VPN underlay: ESP is taken from the containers, not from the packet',
      code: net('    driver_opts:\n      encrypted: ""\n'),
      cluster: { underlayMtu: 1420 },
      errors: [
        {
          messageId: 'tooLarge',
          line: 6,
          column: 3,
          data: {
            network: 'app',
            packet: 1500,
            underlay: 1420,
            source: '`cluster.underlayMtu`',
            option: 'unset, so 1500',
            container: 1424,
            overhead: '76 bytes of VXLAN, ESP and alignment',
          },
        },
      ],
    },
    {
      name: 'jumbo option with the underlay unknown: says what it assumed',
      code: mtu('9000'),
      errors: [
        {
          messageId: 'tooLarge',
          line: 8,
          column: 38,
          data: {
            network: 'app',
            packet: 9000,
            underlay: 1500,
            source: assumed,
            option: '9000',
            container: 8950,
            overhead: '50 bytes of VXLAN',
          },
        },
      ],
    },
    {
      name: 'the rule option wins over the cluster profile',
      code: net('    driver: overlay\n'),
      cluster: { underlayMtu: 9000 },
      options: [{ underlayMtu: 1400 }],
      errors: [
        {
          messageId: 'tooLarge',
          data: {
            network: 'app',
            packet: 1500,
            underlay: 1400,
            source: 'the rule option `underlayMtu`',
            option: 'unset, so 1500',
            container: 1450,
            overhead: '50 bytes of VXLAN',
          },
        },
      ],
    },
    {
      name: 'not a number',
      code: mtu('"1400 bytes"'),
      errors: [
        {
          messageId: 'notWholeNumber',
          line: 8,
          column: 38,
          data: { network: 'app', value: ' to `1400 bytes`' },
        },
      ],
    },
    {
      name: 'negative',
      code: mtu('-1'),
      errors: [
        {
          messageId: 'negative',
          data: { network: 'app', value: ' to `-1`' },
        },
      ],
    },
    {
      name: 'zero means unset',
      code: mtu("'0'"),
      errors: [
        {
          messageId: 'zero',
          data: { network: 'app', default: 1500 },
        },
      ],
    },
    {
      name: 'too small: containers would get less than 68',
      code: mtu('117'),
      errors: [
        {
          messageId: 'containerBelowMin',
          data: { network: 'app', value: ' to `117`', container: 67, min: 68 },
        },
      ],
    },
    {
      name: 'encrypted, 1453 is one alignment step too many for a 1450 underlay (containers get 1376, packets 1452)',
      code: mtu('"1453"', '      encrypted: "true"\n'),
      cluster: { underlayMtu: 1450 },
      errors: [
        {
          messageId: 'tooLarge',
          line: 9,
          column: 38,
          data: {
            network: 'app',
            packet: 1452,
            underlay: 1450,
            source: '`cluster.underlayMtu`',
            option: '1453',
            container: 1376,
            overhead: '77 bytes of VXLAN, ESP and alignment',
          },
        },
      ],
    },
    {
      name: 'too small once ESP is taken out',
      code: mtu('"140"', '      encrypted: ""\n'),
      errors: [{ messageId: 'containerBelowMin', line: 9, column: 38 }],
    },
    {
      name: 'larger than any IP packet',
      code: mtu('"70000"'),
      cluster: { underlayMtu: 65535 },
      errors: [
        {
          messageId: 'aboveMax',
          data: { network: 'app', value: ' to `70000`', max: 65535 },
        },
      ],
    },
  ],
});

testRule(
  'overlay-mtu',
  rule,
  {
    valid: [
      {
        name: 'audit: every node measured at 1500',
        code: facts([node('a', 1500), node('b', 1500)], [{ name: 'app', driver: 'overlay', subnets: ['10.0.1.0/24'] }]),
      },
      {
        name: 'audit: the node with the small MTU is not attached to the network',
        code: facts([node('a', 1500), node('b', 1400)], [{ name: 'app', driver: 'overlay', nodes: ['a'] }]),
      },
      {
        name: 'audit: local bridge networks are not overlays',
        code: facts([node('a', 1400)], [{ name: 'docker_gwbridge', driver: 'bridge', scope: 'local' }]),
      },
      {
        name: 'audit: nodes without a measurement fall back to the cluster profile',
        code: facts([node('a')], [{ name: 'app', driver: 'overlay' }]),
        cluster: { underlayMtu: 1500 },
      },
    ],
    invalid: [
      {
        name: 'audit: the smallest measured MTU among attached nodes decides',
        code: facts(
          [node('a', 1500), node('b', 1450), node('c', 1400)],
          [{ name: 'ingress', driver: 'overlay', ingress: true, nodes: ['a', 'b'] }],
        ),
        cluster: { underlayMtu: 9000 },
        errors: [
          {
            messageId: 'tooLarge',
            line: 25,
            column: 5,
            data: {
              network: 'ingress',
              packet: 1500,
              underlay: 1450,
              source: 'measured on node `b`',
              option: 'unset, so 1500',
              container: 1450,
              overhead: '50 bytes of VXLAN',
            },
          },
        ],
      },
      {
        name: 'audit: explicit MTU and encryption, no node attachments listed',
        code: facts([node('a', 1400)], [{ name: 'secure', driver: 'overlay', encrypted: true, mtu: 1450 }]),
        errors: [
          {
            messageId: 'tooLarge',
            data: {
              network: 'secure',
              packet: 1448,
              underlay: 1400,
              source: 'measured on node `a`',
              option: '1450',
              container: 1372,
              overhead: '78 bytes of VXLAN, ESP and alignment',
            },
          },
        ],
      },
    ],
  },
  'facts',
);

// Preflight: this host's links to its peers are the underlay every overlay of the swarm will run over.
const eth0 = (mtu: number): object => ({ name: 'eth0', mtu, up: true, addresses: ['198.18.0.10/24'] });
const host = (interfaces: object[], routes: object[] = []): object => ({ hostname: 'joiner', interfaces, routes });
const onLink = { destination: '198.18.0.0/24', device: 'eth0' };
const ingress = { name: 'ingress', driver: 'overlay', ingress: true, subnets: ['10.0.0.0/24'] };
const ok = { probe: 'engine-api/networks', status: 'ok' };
const preflight = (parts: Record<string, unknown>): string => factsDoc({ peers: [], outcomes: [], ...parts }, 'preflight');
const viaEth0 = 'interface `eth0` of this host, which the route to 198.18.0.101 uses';

const measured = preflight({
  host: host([eth0(1400)], [onLink]),
  peers: [{ address: '198.18.0.101', role: 'manager', checks: [] }],
  networks: [ingress],
});
const byDevice = preflight({
  peers: [{ address: '198.18.0.102', role: 'peer', device: 'ens5', deviceMtu: 1300, checks: [] }],
  networks: [ingress],
});
const byRoute = preflight({
  host: host(
    [eth0(1500)],
    [
      { destination: 'default', device: 'eth0', gateway: '198.18.0.1' },
      { destination: '198.18.0.0/16', device: 'eth0', mtu: 1400 },
    ],
  ),
  peers: [{ address: '198.18.0.101', role: 'manager', checks: [] }],
  networks: [ingress],
});
const notRead = preflight({ host: host([eth0(1300)], [onLink]), peers: [{ address: '198.18.0.101', role: 'manager', checks: [] }] });
const failedRead = preflight({
  host: host([eth0(1400)], [onLink]),
  peers: [{ address: '198.18.0.101', role: 'manager', checks: [] }],
  outcomes: [{ probe: 'manager/engine-api/networks', status: 'error', reason: 'timed out' }],
});
const noLinks = preflight({ host: host([eth0(1500)]), peers: [{ address: 'not-an-address', role: 'manager', checks: [] }] });

testRule(
  'overlay-mtu',
  rule,
  {
    valid: [
      {
        name: "preflight: the manager's overlays fit this host's link",
        code: preflight({
          host: host([eth0(1450)], [onLink]),
          peers: [{ address: '198.18.0.101', role: 'manager', checks: [] }],
          networks: [{ ...ingress, mtu: 1450 }],
        }),
      },
      {
        name: "preflight: a route's larger `mtu` does not raise the interface's",
        code: preflight({
          host: host([eth0(1500)], [{ destination: '198.18.0.0/24', device: 'eth0', mtu: 9000 }]),
          peers: [{ address: '198.18.0.101', role: 'manager', checks: [] }],
          networks: [ingress],
        }),
      },
      {
        name: 'preflight: networks not read, a 1500 link carries the default',
        code: preflight({ host: host([eth0(1500)], [onLink]), peers: [{ address: '198.18.0.101', role: 'manager', checks: [] }] }),
      },
      {
        name: 'preflight: networks read and none there (an ok outcome says so), nothing to check',
        code: preflight({
          host: host([eth0(1300)], [onLink]),
          peers: [{ address: '198.18.0.101', role: 'manager', checks: [] }],
          outcomes: [ok],
        }),
      },
      {
        name: 'preflight: no route, no device, an interface without an MTU: nothing measured, 1500 assumed',
        code: noLinks,
      },
      {
        name: 'preflight: the device named by the probe is not among the interfaces and has no MTU of its own',
        code: preflight({
          host: host([{ ...eth0(0), name: 'eth0' }], [onLink]),
          peers: [{ address: '198.18.0.101', role: 'manager', device: 'tun0', checks: [] }],
        }),
      },
      {
        name: 'preflight: an interface whose MTU the probe could not read (0) measures nothing',
        code: preflight({
          host: host([eth0(0)], [onLink]),
          peers: [{ address: '198.18.0.101', role: 'manager', checks: [] }],
          networks: [ingress],
        }),
      },
      {
        name: 'an audit without networks is not given the default check',
        code: factsDoc({ nodes: [node('a', 1300)], networks: [] }),
      },
    ],
    invalid: [
      {
        name: "preflight: the route to the manager leaves by a 1400 interface, under the manager's ingress",
        code: measured,
        errors: [
          {
            messageId: 'tooLarge',
            line: objectLine(measured, '"name": "ingress"'),
            column: 5,
            data: {
              network: 'ingress',
              packet: 1500,
              underlay: 1400,
              source: viaEth0,
              option: 'unset, so 1500',
              container: 1450,
              overhead: '50 bytes of VXLAN',
            },
          },
        ],
      },
      {
        name: 'preflight: the device and its MTU as the probe gave them, with no host facts',
        code: byDevice,
        errors: [
          {
            messageId: 'tooLarge',
            line: objectLine(byDevice, '"name": "ingress"'),
            data: {
              network: 'ingress',
              packet: 1500,
              underlay: 1300,
              source: 'interface `ens5` of this host, which the route to 198.18.0.102 uses',
              option: 'unset, so 1500',
              container: 1450,
              overhead: '50 bytes of VXLAN',
            },
          },
        ],
      },
      {
        name: "preflight: the route's own `mtu`, on the longest matching prefix, is the limit",
        code: byRoute,
        errors: [
          {
            messageId: 'tooLarge',
            data: {
              network: 'ingress',
              packet: 1500,
              underlay: 1400,
              source: "the `mtu` of this host's route to 198.18.0.101 (via `eth0`)",
              option: 'unset, so 1500',
              container: 1450,
              overhead: '50 bytes of VXLAN',
            },
          },
        ],
      },
      {
        name: 'preflight: a node of the swarm measured smaller than this host wins',
        code: preflight({
          host: host([eth0(1450)], [onLink]),
          peers: [{ address: '198.18.0.101', role: 'manager', checks: [] }],
          nodes: [{ id: 'm', hostname: 'manager-1', role: 'manager', underlayMtu: 1400 }],
          networks: [ingress],
        }),
        errors: [
          {
            messageId: 'tooLarge',
            data: {
              network: 'ingress',
              packet: 1500,
              underlay: 1400,
              source: 'measured on node `manager-1`',
              option: 'unset, so 1500',
              container: 1450,
              overhead: '50 bytes of VXLAN',
            },
          },
        ],
      },
      {
        name: "preflight: the manager's networks not read: the default against this host's 1300 link, at the peer",
        code: notRead,
        errors: [
          {
            messageId: 'defaultTooLarge',
            line: objectLine(notRead, '"address": "198.18.0.101"'),
            column: 5,
            data: { packet: 1500, underlay: 1300, source: viaEth0 },
          },
        ],
      },
      {
        name: 'preflight: the networks call failed, so the networks are not known',
        code: failedRead,
        errors: [
          {
            messageId: 'defaultTooLarge',
            line: objectLine(failedRead, '"address": "198.18.0.101"'),
            data: { packet: 1500, underlay: 1400, source: viaEth0 },
          },
        ],
      },
      {
        name: 'preflight: nothing measured, the rule option says 1400: reported at the host',
        code: noLinks,
        options: [{ underlayMtu: 1400 }],
        errors: [
          {
            messageId: 'defaultTooLarge',
            line: objectLine(noLinks, '"hostname": "joiner"'),
            data: { packet: 1500, underlay: 1400, source: 'the rule option `underlayMtu`' },
          },
        ],
      },
      {
        name: 'preflight: no host facts, the cluster profile says 1400: reported at the document',
        code: preflight({}),
        cluster: { underlayMtu: 1400 },
        errors: [
          { messageId: 'defaultTooLarge', line: 1, column: 1, data: { packet: 1500, underlay: 1400, source: '`cluster.underlayMtu`' } },
        ],
      },
    ],
  },
  'facts',
);

checkRuleDocs('overlay-mtu', rule);
