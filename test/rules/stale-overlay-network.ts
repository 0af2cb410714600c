import { checkRuleDocs } from '../helpers/rule-docs.js';
import { factsDoc, objectLine } from '../helpers/facts.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/stale-overlay-network.js';

const net = (name: string, extra: Record<string, unknown> = {}) => ({
  id: name,
  name,
  driver: 'overlay',
  scope: 'swarm',
  subnets: ['10.0.7.0/24'],
  attachments: 0,
  ...extra,
});
const stale = factsDoc({
  networks: [
    net('used'),
    net('old'),
    net('ingress', { ingress: true }),
    net('shared', { attachable: true }),
    net('busy', { attachments: 2 }),
    net('br', { driver: 'bridge', scope: 'local' }),
  ],
  services: [{ id: 's', name: 'api', networks: ['used'] }],
});

testRule(
  'stale-overlay-network',
  rule,
  {
    valid: [
      factsDoc({ networks: [net('used')], services: [{ id: 's', name: 'api', networks: ['used'] }] }),
      {
        name: 'tasks could not be read',
        code: factsDoc({ networks: [net('old')], services: [], outcomes: [{ probe: 'engine-api/tasks', status: 'error' }] }),
      },
    ],
    invalid: [
      {
        code: stale,
        errors: [{ messageId: 'stale', line: objectLine(stale, '"id": "old"'), data: { network: 'old', subnets: ' (10.0.7.0/24)' } }],
      },
    ],
  },
  'facts',
);

checkRuleDocs('stale-overlay-network', rule);
