import { checkRuleDocs } from '../helpers/rule-docs.js';
import { factsDoc, objectLine } from '../helpers/facts.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/single-ingress.js';

const net = (id: string, name: string, ingress: boolean) => ({ id, name, driver: 'overlay', ingress, subnets: [] });
const two = factsDoc({ networks: [net('i1', 'ingress', true), net('n1', 'app', false), net('i2', 'ingress2', true)] });

testRule(
  'single-ingress',
  rule,
  {
    valid: [factsDoc({ networks: [net('i1', 'ingress', true), net('n1', 'app', false)] }), factsDoc({ networks: [] })],
    invalid: [
      {
        code: two,
        errors: [{ messageId: 'several', line: objectLine(two, '"id": "i2"'), data: { network: 'ingress2', first: 'ingress' } }],
      },
    ],
  },
  'facts',
);

checkRuleDocs('single-ingress', rule);
