import { checkRuleDocs } from '../helpers/rule-docs.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/dnsrr-ingress-port.js';

const svc = (deploy: string, ports: string): string => `services:\n  db:\n    image: postgres\n${ports}${deploy}`;

testRule('dnsrr-ingress-port', rule, {
  valid: [
    { name: 'vip mode with an ingress port', code: svc('', '    ports: ["5432:5432"]\n') },
    { name: 'dnsrr without ports', code: svc('    deploy:\n      endpoint_mode: dnsrr\n', '') },
    {
      name: 'dnsrr with a host-mode port',
      code: svc(
        '    deploy:\n      endpoint_mode: dnsrr\n',
        '    ports:\n      - target: 5432\n        published: 5432\n        mode: host\n',
      ),
    },
  ],
  invalid: [
    {
      name: 'dnsrr with a short-syntax port',
      code: svc('    deploy:\n      endpoint_mode: dnsrr\n', '    ports:\n      - "5432:5432"\n'),
      errors: [{ messageId: 'ingressPort', line: 5, column: 9, data: { service: 'db', port: '5432:5432/tcp' } }],
    },
    {
      name: 'dnsrr (any case) with a long-syntax ingress port',
      code: svc(
        '    deploy:\n      endpoint_mode: DNSRR\n',
        '    ports:\n      - target: 53\n        published: 53\n        protocol: udp\n',
      ),
      errors: [{ messageId: 'ingressPort', line: 5, column: 9, data: { service: 'db', port: '53:53/udp' } }],
    },
    {
      name: 'a range is one finding per spec',
      code: svc('    deploy:\n      endpoint_mode: dnsrr\n', '    ports: ["7000-7002:7000-7002"]\n'),
      errors: [{ messageId: 'ingressPort', line: 4, column: 13 }],
    },
  ],
});

checkRuleDocs('dnsrr-ingress-port', rule);
