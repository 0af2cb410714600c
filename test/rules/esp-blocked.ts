import { checkRuleDocs } from '../helpers/rule-docs.js';
import { factsDoc, objectLine } from '../helpers/facts.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/esp-blocked.js';

const secure = { name: 'secure', driver: 'overlay', encrypted: true, subnets: ['10.0.1.0/24'] };
const vault = { name: 'vault', driver: 'overlay', encrypted: true, subnets: ['10.0.2.0/24'] };
const ingress = { name: 'ingress', driver: 'overlay', ingress: true, subnets: ['10.0.0.0/24'] };
const espRule = '-A INPUT -j DROP';
const espDrop = { protocol: 'esp', from: '198.18.0.101', verdict: 'drop', rule: espRule, source: 'iptables-legacy' };
const espCheck = (state: string): object => ({ protocol: 'esp', state, method: 'esp' });
const preflight = (parts: Record<string, unknown>): string =>
  factsDoc({ host: { hostname: 'joiner', firewall: [espDrop] }, peers: [], outcomes: [], ...parts }, 'preflight');
const firewallData = { firewall: 'iptables-legacy', verdict: 'drops', from: '198.18.0.101', rule: `\`${espRule}\`` };

const encrypted = preflight({ networks: [ingress, secure, vault] });
const unknown = preflight({ networks: [] });
const paths = preflight({
  host: { hostname: 'joiner', firewall: [{ ...espDrop, verdict: 'accept' }] },
  networks: [ingress, secure],
  peers: [
    { address: '198.18.0.101', role: 'manager', checks: [espCheck('open')] },
    { address: '198.18.0.102', role: 'peer', checks: [espCheck('filtered')] },
    {
      address: '198.18.0.103',
      role: 'peer',
      checks: [espCheck('closed'), { protocol: 'udp', port: 4789, state: 'filtered', method: 'responder' }],
    },
  ],
});
const pathUnknown = factsDoc({ peers: [{ address: '198.18.0.101', role: 'manager', checks: [espCheck('filtered')] }] }, 'preflight');

testRule(
  'esp-blocked',
  rule,
  {
    valid: [
      {
        name: "the manager's networks are known and none is encrypted",
        code: preflight({ networks: [ingress, { ...secure, encrypted: false }] }),
      },
      {
        name: 'read, none there at all (the networks call said ok)',
        code: preflight({ networks: [], outcomes: [{ probe: 'manager/engine-api/networks', status: 'ok' }] }),
      },
      {
        name: 'ESP accepted, or not decided; ESP to the peers open or not probed',
        code: preflight({
          host: {
            hostname: 'joiner',
            firewall: [
              { ...espDrop, verdict: 'accept' },
              { ...espDrop, verdict: 'unknown' },
              { protocol: 'udp', port: 4789, from: 'any', verdict: 'drop', source: 'nftables' },
            ],
          },
          networks: [secure],
          peers: [
            { address: '198.18.0.101', role: 'manager', checks: [espCheck('open')] },
            { address: '198.18.0.102', role: 'peer', checks: [espCheck('open-or-filtered'), espCheck('error')] },
          ],
        }),
      },
      {
        name: 'an encrypted network of another driver is not an overlay',
        code: preflight({ networks: [{ ...secure, driver: 'weave' }] }),
      },
    ],
    invalid: [
      {
        name: 'the firewall drops ESP and the swarm has encrypted overlays',
        code: encrypted,
        errors: [
          {
            messageId: 'firewall',
            line: objectLine(encrypted, '"protocol": "esp"'),
            column: 7,
            data: { ...firewallData, networks: '`secure`, `vault`' },
          },
        ],
      },
      {
        name: "the manager's networks were not read: a warning",
        code: unknown,
        errors: [
          { messageId: 'firewallIfEncrypted', line: objectLine(unknown, '"protocol": "esp"'), data: { ...firewallData, networks: '' } },
        ],
      },
      {
        name: 'rejected from anywhere by a rule the probe could not name',
        code: preflight({
          host: { hostname: 'joiner', firewall: [{ protocol: 'esp', from: 'any', verdict: 'reject' }] },
          networks: [vault],
        }),
        errors: [
          {
            messageId: 'firewall',
            data: {
              firewall: 'the firewall',
              verdict: 'rejects',
              from: 'anywhere',
              rule: 'a rule the probe could not name',
              networks: '`vault`',
            },
          },
        ],
      },
      {
        name: 'the networks call failed: not known either',
        code: preflight({ networks: [secure], outcomes: [{ probe: 'engine-api/networks', status: 'error', reason: 'timed out' }] }),
        errors: [{ messageId: 'firewallIfEncrypted' }],
      },
      {
        name: 'ESP filtered and rejected on the way to two peers',
        code: paths,
        errors: [
          {
            messageId: 'path',
            line: objectLine(paths, '"state": "filtered"'),
            data: { peer: 'peer 198.18.0.102', state: 'filtered (nothing came back)', networks: '`secure`' },
          },
          {
            messageId: 'path',
            line: objectLine(paths, '"state": "closed"'),
            data: { peer: 'peer 198.18.0.103', state: 'rejected (an ICMP error came back)', networks: '`secure`' },
          },
        ],
      },
      {
        name: 'ESP filtered to the manager, its networks not read, no host facts',
        code: pathUnknown,
        errors: [
          { messageId: 'pathIfEncrypted', data: { peer: 'manager 198.18.0.101', state: 'filtered (nothing came back)', networks: '' } },
        ],
      },
    ],
  },
  'facts',
);

checkRuleDocs('esp-blocked', rule);
