import { checkRuleDocs } from '../helpers/rule-docs.js';
import { factsDoc, objectLine } from '../helpers/facts.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/engine-version-parity.js';

const facts = (...nodes: Record<string, unknown>[]): string =>
  JSON.stringify({ format: 'swarmlint-facts/1', kind: 'audit', nodes }, null, 2);
const node = (hostname: string, role: string, engineVersion: string, leader = false): Record<string, unknown> => ({
  id: hostname,
  hostname,
  role,
  engineVersion,
  ...(leader ? { leader } : {}),
});

testRule(
  'engine-version-parity',
  rule,
  {
    valid: [
      {
        name: 'all the same',
        code: facts(node('m1', 'manager', '28.2.2', true), node('w1', 'worker', '28.2.2'), node('w2', 'worker', '28.2.2+dfsg1')),
      },
      { name: 'one node', code: facts(node('m1', 'manager', '28.2.2')) },
      { name: 'no node has a version to compare against', code: facts(node('m1', 'manager', 'dev'), node('w1', 'worker', 'dev')) },
    ],
    invalid: [
      {
        name: 'a worker on an older release than the leader',
        code: facts(node('m1', 'manager', '28.2.2', true), node('w1', 'worker', '26.1.5+dfsg1')),
        errors: [
          {
            messageId: 'release',
            line: 12,
            column: 5,
            data: { node: 'w1', version: '26.1.5+dfsg1', reference: 'm1', referenceVersion: '28.2.2' },
          },
        ],
      },
      {
        name: 'a patch difference',
        code: facts(node('m1', 'manager', '28.2.2', true), node('w1', 'worker', '28.2.1')),
        errors: [{ messageId: 'patch', line: 12 }],
      },
      {
        name: 'no leader known: the newest manager is the reference',
        code: facts(node('m1', 'manager', '27.5.1'), node('m2', 'manager', '28.2.2'), node('w1', 'worker', '28.2.2')),
        errors: [{ messageId: 'release', line: 5, data: { node: 'm1', version: '27.5.1', reference: 'm2', referenceVersion: '28.2.2' } }],
      },
      {
        name: 'an unreadable version',
        code: facts(node('m1', 'manager', '28.2.2', true), node('w1', 'worker', 'dev')),
        errors: [{ messageId: 'unknown', line: 12 }],
      },
    ],
  },
  'facts',
);

// Preflight: this host's engine against the manager's (the leader's) before it joins.
const preflight = (
  version: string,
  nodes = [node('m1', 'manager', '28.2.2', true), node('w1', 'worker', '28.2.2')],
  hostname = 'joiner',
): string => factsDoc({ host: { hostname, engine: { version, swarmState: 'inactive' } }, nodes, peers: [], outcomes: [] }, 'preflight');
const older = preflight('27.5.1');
const reference = { node: 'joiner', reference: 'm1', referenceVersion: '28.2.2' };

testRule(
  'engine-version-parity',
  rule,
  {
    valid: [
      { name: 'preflight: the same release as the leader', code: preflight('28.2.2+dfsg1') },
      { name: "preflight: the manager's nodes were not read", code: preflight('20.10.24', []) },
      {
        name: 'preflight: no engine facts for this host',
        code: factsDoc({ host: { hostname: 'joiner' }, nodes: [node('m1', 'manager', '28.2.2', true)], peers: [] }, 'preflight'),
      },
      {
        name: 'preflight: a host that already joined is compared as the node it is',
        code: preflight('28.2.2', [node('m1', 'manager', '28.2.2', true), node('joiner', 'worker', '28.2.2')]),
      },
    ],
    invalid: [
      {
        name: 'preflight: an older release than the leader',
        code: older,
        errors: [
          {
            messageId: 'hostRelease',
            line: objectLine(older, '"hostname": "joiner"'),
            column: 11,
            data: { ...reference, version: '27.5.1' },
          },
        ],
      },
      {
        name: 'preflight: a patch behind the leader',
        code: preflight('28.2.1'),
        errors: [{ messageId: 'hostPatch', data: { ...reference, version: '28.2.1' } }],
      },
      {
        name: 'preflight: a version that cannot be compared',
        code: preflight('dev'),
        errors: [{ messageId: 'hostUnknown', data: { ...reference, version: 'dev' } }],
      },
      {
        name: 'preflight: already joined with another release: reported once, as the node',
        code: preflight('27.5.1', [node('m1', 'manager', '28.2.2', true), node('joiner', 'worker', '27.5.1')]),
        errors: [{ messageId: 'release', data: { node: 'joiner', version: '27.5.1', reference: 'm1', referenceVersion: '28.2.2' } }],
      },
    ],
  },
  'facts',
);

checkRuleDocs('engine-version-parity', rule);
