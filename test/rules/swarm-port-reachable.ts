import { checkRuleDocs } from '../helpers/rule-docs.js';
import { factsDoc, objectLine } from '../helpers/facts.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/swarm-port-reachable.js';

type Check = Record<string, unknown>;
const tcp = (port: number, state: string): Check => ({ protocol: 'tcp', port, state, method: 'connect' });
const udp = (port: number, state: string, method = 'responder'): Check => ({ protocol: 'udp', port, state, method });
const healthy = [tcp(2377, 'open'), tcp(7946, 'open'), udp(7946, 'open'), udp(4789, 'open')];
const manager = (checks: Check[], address = '198.18.0.101'): object => ({ address, role: 'manager', checks });
const peer = (checks: Check[], address = '198.18.0.102'): object => ({ address, role: 'peer', checks });
const preflight = (parts: Record<string, unknown>): string => factsDoc({ outcomes: [], ...parts }, 'preflight');
const lineOf = (code: string, port: number, protocol: string, state: string): number => {
  const needle = `"protocol": "${protocol}",\n          "port": ${String(port)},\n          "state": "${state}"`;
  const at = code.indexOf(needle);
  if (at < 0) throw new Error(`no ${protocol}/${String(port)} ${state} check`);
  return code.slice(0, at).split('\n').length - 1;
};

const controlDropped = preflight({
  peers: [manager([tcp(2377, 'filtered'), tcp(7946, 'open'), udp(7946, 'open-or-filtered', 'icmp-unreachable')])],
});
const gossip = preflight({
  peers: [manager(healthy), peer([tcp(7946, 'closed'), udp(7946, 'closed', 'icmp-unreachable'), udp(4789, 'open')])],
});
const vxlan = preflight({ peers: [manager([...healthy.slice(0, 3), udp(4789, 'filtered')])] });
const known = preflight({
  nodes: [{ id: 'm2', hostname: 'manager-2', role: 'manager', address: '198.18.0.103' }],
  peers: [peer([tcp(2377, 'closed'), tcp(2377, 'filtered')], '198.18.0.103')],
});

testRule(
  'swarm-port-reachable',
  rule,
  {
    valid: [
      { name: 'every port open', code: preflight({ peers: [manager(healthy), peer(healthy.slice(1))] }) },
      {
        name: 'UDP without a responder: silence proves nothing (probe-skipped reports it)',
        code: preflight({
          peers: [
            manager([
              tcp(2377, 'open'),
              udp(7946, 'open-or-filtered', 'icmp-unreachable'),
              udp(4789, 'open-or-filtered', 'icmp-unreachable'),
            ]),
          ],
        }),
      },
      { name: 'a probe that failed is not a finding', code: preflight({ peers: [manager([tcp(7946, 'error'), udp(4789, 'error')])] }) },
      { name: 'workers do not listen on 2377', code: preflight({ peers: [peer([tcp(2377, 'closed'), tcp(7946, 'open')])] }) },
      {
        name: "ICMP, ESP and other ports are other rules' (path-mtu, esp-blocked)",
        code: preflight({
          peers: [
            manager([
              { protocol: 'icmp', state: 'filtered', method: 'echo' },
              { protocol: 'esp', state: 'filtered', method: 'esp' },
              udp(53, 'closed'),
              { protocol: 'tcp', state: 'closed', method: 'connect' },
            ]),
          ],
        }),
      },
      {
        name: "4789 is not the swarm's data-path port here",
        code: preflight({ swarm: { id: 's', dataPathPort: 5789 }, peers: [manager([udp(4789, 'closed'), udp(5789, 'open')])] }),
      },
    ],
    invalid: [
      {
        name: "the lab's fault: 2377 dropped at the manager for this host",
        code: controlDropped,
        errors: [
          {
            messageId: 'control',
            line: lineOf(controlDropped, 2377, 'tcp', 'filtered'),
            column: 9,
            data: { peer: 'manager 198.18.0.101', result: 'did not answer the connection (filtered)', port: '2377', protocol: 'tcp' },
          },
        ],
      },
      {
        name: '7946 refused and port unreachable at a peer',
        code: gossip,
        errors: [
          {
            messageId: 'gossip',
            line: lineOf(gossip, 7946, 'tcp', 'closed'),
            data: { peer: 'peer 198.18.0.102', result: 'refused the connection', port: '7946', protocol: 'tcp' },
          },
          {
            messageId: 'gossip',
            line: lineOf(gossip, 7946, 'udp', 'closed'),
            data: { peer: 'peer 198.18.0.102', result: 'answered with ICMP port unreachable', port: '7946', protocol: 'udp' },
          },
        ],
      },
      {
        name: "the lab's fault: 4789 dropped, proved by the responder",
        code: vxlan,
        errors: [
          {
            messageId: 'data',
            line: lineOf(vxlan, 4789, 'udp', 'filtered'),
            data: {
              peer: 'manager 198.18.0.101',
              result: 'let nothing through to the responder (filtered)',
              port: '4789',
              protocol: 'udp',
            },
          },
        ],
      },
      {
        name: "a peer the manager's node list knows as a manager; one finding per port and protocol",
        code: known,
        errors: [
          {
            messageId: 'control',
            line: objectLine(known, '"state": "closed"'),
            data: { peer: 'peer 198.18.0.103 (`manager-2`)', result: 'refused the connection', port: '2377', protocol: 'tcp' },
          },
        ],
      },
      {
        name: 'a manager named with its own port (--manager ADDR:2400)',
        code: preflight({ peers: [manager([tcp(2400, 'closed')])] }),
        errors: [
          { messageId: 'control', data: { peer: 'manager 198.18.0.101', result: 'refused the connection', port: '2400', protocol: 'tcp' } },
        ],
      },
      {
        name: "the swarm's data-path port, filtered by another method",
        code: preflight({ swarm: { id: 's', dataPathPort: 5789 }, peers: [peer([udp(5789, 'filtered', 'icmp-unreachable')])] }),
        errors: [
          {
            messageId: 'data',
            data: { peer: 'peer 198.18.0.102', result: 'gave no answer where one was due (filtered)', port: '5789', protocol: 'udp' },
          },
        ],
      },
      {
        name: "this host's engine knows the data-path port when the manager was not read",
        code: preflight({
          host: { hostname: 'joiner', engine: { version: '28.2.2', swarmState: 'active', dataPathPort: 5789 } },
          peers: [peer([udp(5789, 'closed', 'icmp-unreachable')])],
        }),
        errors: [
          {
            messageId: 'data',
            data: { peer: 'peer 198.18.0.102', result: 'answered with ICMP port unreachable', port: '5789', protocol: 'udp' },
          },
        ],
      },
    ],
  },
  'facts',
);

checkRuleDocs('swarm-port-reachable', rule);
