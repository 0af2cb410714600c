import { checkRuleDocs } from '../helpers/rule-docs.js';
import { yaml } from '../helpers/dedent.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/port-host-ip-ignored.js';

testRule('port-host-ip-ignored', rule, {
  valid: [
    {
      name: 'no host IP, and the unspecified addresses (every interface, as swarm does anyway)',
      code: yaml`
        services:
          web:
            image: nginx
            ports:
              - "8080:80"
              - "0.0.0.0:8443:443"
              - "[::]:9000:9000"
              - target: 81
                published: 8081
      `,
    },
  ],
  invalid: [
    {
      name: 'loopback in the short syntax',
      code: yaml`
        services:
          web:
            image: nginx
            ports:
              - "127.0.0.1:8081:81"
      `,
      errors: [
        {
          messageId: 'ignored',
          line: 5,
          column: 9,
          data: { spec: '127.0.0.1:8081:81', service: 'web', ip: '127.0.0.1' },
        },
      ],
    },
    {
      name: 'a range with a host IP is one finding; an IPv6 address and a protocol',
      code: yaml`
        services:
          dns:
            image: coredns/coredns
            ports: ["10.0.0.5:5300-5301:53-54/udp", "[fd00::1]:8080:80"]
      `,
      errors: [
        { messageId: 'ignored', line: 4, column: 13, data: { spec: '10.0.0.5:5300-5301:53-54/udp', service: 'dns', ip: '10.0.0.5' } },
        { messageId: 'ignored', line: 4, column: 45 },
      ],
    },
  ],
});

checkRuleDocs('port-host-ip-ignored', rule);
