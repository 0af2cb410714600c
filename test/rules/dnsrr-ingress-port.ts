import { checkRuleDocs } from '../helpers/rule-docs.js';
import { yaml } from '../helpers/dedent.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/dnsrr-ingress-port.js';

testRule('dnsrr-ingress-port', rule, {
  valid: [
    {
      name: 'vip mode with an ingress port',
      code: yaml`
        services:
          db:
            image: postgres
            ports: ["5432:5432"]
      `,
    },
    {
      name: 'dnsrr without ports',
      code: yaml`
        services:
          db:
            image: postgres
            deploy:
              endpoint_mode: dnsrr
      `,
    },
    {
      name: 'dnsrr with a host-mode port',
      code: yaml`
        services:
          db:
            image: postgres
            ports:
              - target: 5432
                published: 5432
                mode: host
            deploy:
              endpoint_mode: dnsrr
      `,
    },
  ],
  invalid: [
    {
      name: 'dnsrr with a short-syntax port',
      code: yaml`
        services:
          db:
            image: postgres
            ports:
              - "5432:5432"
            deploy:
              endpoint_mode: dnsrr
      `,
      errors: [{ messageId: 'ingressPort', line: 5, column: 9, data: { service: 'db', port: '5432:5432/tcp' } }],
    },
    {
      name: 'dnsrr (any case) with a long-syntax ingress port',
      code: yaml`
        services:
          db:
            image: postgres
            ports:
              - target: 53
                published: 53
                protocol: udp
            deploy:
              endpoint_mode: DNSRR
      `,
      errors: [{ messageId: 'ingressPort', line: 5, column: 9, data: { service: 'db', port: '53:53/udp' } }],
    },
    {
      name: 'a range is one finding per spec',
      code: yaml`
        services:
          db:
            image: postgres
            ports: ["7000-7002:7000-7002"]
            deploy:
              endpoint_mode: dnsrr
      `,
      errors: [{ messageId: 'ingressPort', line: 4, column: 13 }],
    },
  ],
});

checkRuleDocs('dnsrr-ingress-port', rule);
