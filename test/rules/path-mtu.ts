import { checkRuleDocs } from '../helpers/rule-docs.js';
import { factsDoc, objectLine } from '../helpers/facts.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/path-mtu.js';

const ingress = { name: 'ingress', driver: 'overlay', ingress: true, subnets: ['10.0.0.0/24'] };
const host = (mtu: number, routes: object[] = [{ destination: '198.18.0.0/24', device: 'eth0' }]): object => ({
  hostname: 'joiner',
  interfaces: [{ name: 'eth0', mtu, up: true, addresses: ['198.18.0.10/24'] }],
  routes,
});
const peer = (address: string, pathMtu?: number, pathMtuProbedUpTo?: number, role = 'peer'): object => ({
  address,
  role,
  checks: [],
  ...(pathMtu !== undefined ? { pathMtu } : {}),
  ...(pathMtuProbedUpTo !== undefined ? { pathMtuProbedUpTo } : {}),
});
const preflight = (parts: Record<string, unknown>): string => factsDoc({ outcomes: [], networks: [ingress], ...parts }, 'preflight');

const beyond = preflight({
  host: host(1500),
  nodes: [{ id: 'm1', hostname: 'manager-1', role: 'manager', address: '198.18.0.101' }],
  peers: [peer('198.18.0.101', 1300, 1500, 'manager'), peer('198.18.0.102', 1500, 1500)],
});
const local = preflight({ host: host(1300), peers: [peer('198.18.0.101', 1300, 1500, 'manager')] });
const routed = preflight({
  host: host(1500, [{ destination: '198.18.0.0/24', device: 'eth0', mtu: 1400 }]),
  peers: [peer('198.18.0.101', 1400, 1472, 'manager')],
});
const jumbo = preflight({
  host: host(9001),
  networks: [
    { ...ingress, mtu: 1400 },
    { name: 'bulk', driver: 'overlay', mtu: 9000, subnets: ['10.0.1.0/24'] },
  ],
  peers: [peer('198.18.0.101', 1500, 9000, 'manager')],
});
const notRead = preflight({ networks: [], peers: [peer('198.18.0.101', 1400, 1500, 'manager')] });

testRule(
  'path-mtu',
  rule,
  {
    valid: [
      {
        name: 'the path carries 1500 and the overlays use the default',
        code: preflight({ host: host(1500), peers: [peer('198.18.0.101', 1500, 1500)] }),
      },
      {
        name: 'every overlay fits: the largest option is the need',
        code: preflight({
          networks: [
            { ...ingress, mtu: 1450 },
            { name: 'app', driver: 'overlay', mtu: 1400, subnets: ['10.0.1.0/24'] },
          ],
          peers: [peer('198.18.0.101', 1450, 1500)],
        }),
      },
      {
        name: 'an encrypted overlay whose alignment keeps its packets at 1448',
        code: preflight({ networks: [{ ...ingress, mtu: 1451, encrypted: true }], peers: [peer('198.18.0.101', 1448, 1500)] }),
      },
      {
        name: 'a lower bound only: nothing larger was tried',
        code: preflight({ peers: [peer('198.18.0.101', 1400, 1400)] }),
      },
      { name: 'no measurement (the probe was skipped)', code: preflight({ peers: [peer('198.18.0.101')] }) },
      {
        name: 'networks not read, a 1500 path carries the default',
        code: preflight({ networks: [], peers: [peer('198.18.0.101', 1500, 1500)] }),
      },
      {
        name: 'no overlay whose packets can be sized (a bridge, an unusable option)',
        code: preflight({
          networks: [
            { name: 'docker_gwbridge', driver: 'bridge', scope: 'local', subnets: ['172.18.0.0/16'] },
            { name: 'tiny', driver: 'overlay', mtu: 100, subnets: ['10.0.2.0/24'] },
          ],
          peers: [peer('198.18.0.101', 1000, 1500)],
        }),
      },
    ],
    invalid: [
      {
        name: "the lab's fault: the peer's 1300 interface limits the path (this host's link allows 1500)",
        code: beyond,
        errors: [
          {
            messageId: 'tooSmall',
            line: objectLine(beyond, '"pathMtu": 1300'),
            column: 5,
            data: {
              peer: 'manager 198.18.0.101 (`manager-1`)',
              pathMtu: 1300,
              limit: "the limit is beyond this host: this host's interface `eth0` with MTU 1500 allows more",
              packet: 1500,
              network: 'ingress',
              option: 'unset, so 1500',
            },
          },
        ],
      },
      {
        name: "this host's own 1300 interface is the limit",
        code: local,
        errors: [
          {
            messageId: 'tooSmall',
            line: objectLine(local, '"address": "198.18.0.101"'),
            data: {
              peer: 'manager 198.18.0.101',
              pathMtu: 1300,
              limit: "the limit is this host's interface `eth0` with MTU 1300",
              packet: 1500,
              network: 'ingress',
              option: 'unset, so 1500',
            },
          },
        ],
      },
      {
        name: "a route's own mtu is the limit",
        code: routed,
        errors: [
          {
            messageId: 'tooSmall',
            data: {
              peer: 'manager 198.18.0.101',
              pathMtu: 1400,
              limit: "the limit is this host's route to it, with `mtu` 1400 via `eth0`",
              packet: 1500,
              network: 'ingress',
              option: 'unset, so 1500',
            },
          },
        ],
      },
      {
        name: 'the overlay with the largest packets decides (a jumbo network on a 1500 path)',
        code: jumbo,
        errors: [
          {
            messageId: 'tooSmall',
            data: {
              peer: 'manager 198.18.0.101',
              pathMtu: 1500,
              limit: "the limit is beyond this host: this host's interface `eth0` with MTU 9001 allows more",
              packet: 9000,
              network: 'bulk',
              option: '9000',
            },
          },
        ],
      },
      {
        name: "the manager's networks not read: the default is the need; no host facts to place the limit",
        code: notRead,
        errors: [
          {
            messageId: 'tooSmallDefault',
            line: objectLine(notRead, '"address": "198.18.0.101"'),
            data: { peer: 'manager 198.18.0.101', pathMtu: 1400, limit: 'measured from this host', packet: 1500 },
          },
        ],
      },
      {
        name: 'an IPv6 peer: the IPv6 default route is the way (unreadable and IPv4 routes are passed over)',
        code: preflight({
          host: {
            hostname: 'joiner',
            interfaces: [{ name: 'eth0', mtu: 1500, up: true, addresses: ['fd00::10/64'] }],
            routes: [
              { destination: 'nonsense', device: 'eth1' },
              { destination: '10.0.0.0/8', device: 'eth1' },
              { destination: 'default', device: 'eth1', gateway: '198.18.0.1' },
              { destination: 'default', device: 'eth0' },
            ],
          },
          peers: [peer('fd00:1::2', 1400, 1500)],
        }),
        errors: [
          {
            messageId: 'tooSmall',
            data: {
              peer: 'peer fd00:1::2',
              pathMtu: 1400,
              limit: "the limit is beyond this host: this host's interface `eth0` with MTU 1500 allows more",
              packet: 1500,
              network: 'ingress',
              option: 'unset, so 1500',
            },
          },
        ],
      },
      {
        name: 'without the largest size tried, the measurement is taken as it is',
        code: preflight({ peers: [peer('198.18.0.101', 1400)] }),
        errors: [
          {
            messageId: 'tooSmall',
            data: {
              peer: 'peer 198.18.0.101',
              pathMtu: 1400,
              limit: 'measured from this host',
              packet: 1500,
              network: 'ingress',
              option: 'unset, so 1500',
            },
          },
        ],
      },
    ],
  },
  'facts',
);

checkRuleDocs('path-mtu', rule);
