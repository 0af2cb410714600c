import { checkRuleDocs } from '../helpers/rule-docs.js';
import { factsDoc, objectLine } from '../helpers/facts.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/missing-ingress.js';

const ingress = { id: 'i1', name: 'ingress', driver: 'overlay', ingress: true, subnets: ['10.0.0.0/24'] };
const app = { id: 'n1', name: 'app', driver: 'overlay', subnets: ['10.0.1.0/24'] };
const web = (mode: string) => ({
  id: 's1',
  name: 'web',
  networks: ['app'],
  ports: [{ target: 80, published: 8080, protocol: 'tcp', mode }],
});
const noIngress = factsDoc({ networks: [app], services: [web('ingress')] });

testRule(
  'missing-ingress',
  rule,
  {
    valid: [
      { name: 'ingress present', code: factsDoc({ networks: [ingress, app], services: [web('ingress')] }) },
      { name: 'only host-mode ports', code: factsDoc({ networks: [app], services: [web('host')] }) },
      {
        name: 'networks could not be read',
        code: factsDoc({
          networks: [],
          services: [web('ingress')],
          outcomes: [{ probe: 'engine-api/networks', status: 'error', reason: 'timed out' }],
        }),
      },
      { name: 'a preflight document', code: factsDoc({ networks: [app], services: [web('ingress')] }, 'preflight') },
    ],
    invalid: [
      {
        code: noIngress,
        errors: [{ messageId: 'missing', line: objectLine(noIngress, '"target": 80'), data: { service: 'web', port: '8080/tcp' } }],
      },
    ],
  },
  'facts',
);

checkRuleDocs('missing-ingress', rule);
