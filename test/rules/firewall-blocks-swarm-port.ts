import { checkRuleDocs } from '../helpers/rule-docs.js';
import { factsDoc, objectLine } from '../helpers/facts.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/firewall-blocks-swarm-port.js';

type Verdict = Record<string, unknown>;
const verdict = (protocol: string, port: number | undefined, v: string, extra: Verdict = {}): Verdict => ({
  protocol,
  ...(port !== undefined ? { port } : {}),
  from: 'any',
  verdict: v,
  source: 'iptables-nft',
  ...extra,
});
const accepting = [
  verdict('tcp', 2377, 'accept'),
  verdict('tcp', 7946, 'accept'),
  verdict('udp', 7946, 'accept'),
  verdict('udp', 4789, 'accept'),
];
const engine = (swarmState: string, role?: string): object => ({ version: '28.2.2', swarmState, ...(role ? { role } : {}) });
const preflight = (firewall: Verdict[], extra: Record<string, unknown> = {}, hostExtra: Record<string, unknown> = {}): string =>
  factsDoc({ host: { hostname: 'joiner', firewall, ...hostExtra }, peers: [], outcomes: [], ...extra }, 'preflight');

const vxlanRule = '-A INPUT -p udp -m udp --dport 4789 -j DROP';
const vxlan = preflight([verdict('tcp', 7946, 'accept'), verdict('udp', 4789, 'drop', { from: '198.18.0.101', rule: vxlanRule })]);
const gossip = preflight([
  verdict('tcp', 7946, 'reject', { rule: '-A INPUT -j REJECT --reject-with icmp-host-prohibited', source: 'firewalld' }),
  verdict('udp', 7946, 'drop', { source: '' }),
]);
const controlRule = '-A INPUT -p tcp -m tcp --dport 2377 -j DROP';
const control = (hostExtra: Record<string, unknown>): string =>
  preflight([verdict('tcp', 2377, 'drop', { rule: controlRule })], {}, hostExtra);
const controlData = {
  firewall: 'iptables-nft',
  verdict: 'drops',
  from: 'anywhere',
  rule: `\`${controlRule}\``,
  port: '2377',
  protocol: 'tcp',
};
const activeManager = control({ engine: engine('active', 'manager') });

testRule(
  'firewall-blocks-swarm-port',
  rule,
  {
    valid: [
      { name: 'every swarm port accepted', code: preflight(accepting) },
      { name: 'no host facts', code: factsDoc({ peers: [] }, 'preflight') },
      { name: 'a verdict the probe could not decide is not a finding', code: preflight([verdict('udp', 4789, 'unknown')]) },
      {
        name: "ESP is esp-blocked's, other ports are not the swarm's",
        code: preflight([verdict('esp', undefined, 'drop'), verdict('tcp', 22, 'drop')]),
      },
      { name: 'a worker keeps 2377 closed, as it may', code: control({ engine: engine('active', 'worker') }) },
      {
        name: 'the rule option says this host joins as a worker',
        code: control({ engine: engine('inactive') }),
        options: [{ role: 'worker' }],
      },
      {
        name: "4789 is not the swarm's data-path port here",
        code: preflight([verdict('udp', 4789, 'drop')], { swarm: { id: 's', dataPathPort: 5789 } }),
      },
    ],
    invalid: [
      {
        name: "the lab's fault: iptables drops 4789/udp from the manager",
        code: vxlan,
        errors: [
          {
            messageId: 'data',
            line: objectLine(vxlan, '"port": 4789'),
            column: 7,
            data: {
              firewall: 'iptables-nft',
              verdict: 'drops',
              from: '198.18.0.101',
              rule: `\`${vxlanRule}\``,
              port: '4789',
              protocol: 'udp',
            },
          },
        ],
      },
      {
        name: "7946 rejected by firewalld's catch-all, and dropped by a chain policy the probe could not name",
        code: gossip,
        errors: [
          {
            messageId: 'gossip',
            line: objectLine(gossip, '"port": 7946'),
            data: {
              firewall: 'firewalld',
              verdict: 'rejects',
              from: 'anywhere',
              rule: '`-A INPUT -j REJECT --reject-with icmp-host-prohibited`',
              port: '7946',
              protocol: 'tcp',
            },
          },
          {
            messageId: 'gossip',
            data: {
              firewall: 'the firewall',
              verdict: 'drops',
              from: 'anywhere',
              rule: 'a rule the probe could not name',
              port: '7946',
              protocol: 'udp',
            },
          },
        ],
      },
      {
        name: '2377 dropped on a host that is already a manager',
        code: activeManager,
        errors: [{ messageId: 'control', line: objectLine(activeManager, '"port": 2377'), data: controlData }],
      },
      {
        name: '2377 dropped before the join: it matters only if the host joins as a manager',
        code: control({ engine: engine('inactive') }),
        errors: [{ messageId: 'controlIfManager', data: controlData }],
      },
      {
        name: 'the rule option says this host joins as a manager',
        code: control({ engine: engine('inactive') }),
        options: [{ role: 'manager' }],
        errors: [{ messageId: 'control', data: controlData }],
      },
      {
        name: "the swarm's own data-path port",
        code: preflight([verdict('udp', 5789, 'drop')], { swarm: { id: 's', dataPathPort: 5789 } }),
        errors: [
          {
            messageId: 'data',
            data: {
              firewall: 'iptables-nft',
              verdict: 'drops',
              from: 'anywhere',
              rule: 'a rule the probe could not name',
              port: '5789',
              protocol: 'udp',
            },
          },
        ],
      },
    ],
  },
  'facts',
);

checkRuleDocs('firewall-blocks-swarm-port', rule);
