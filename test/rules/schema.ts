import { checkRuleDocs } from '../helpers/rule-docs.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/schema.js';

testRule('schema', rule, {
  valid: [
    'services:\n  web:\n    image: nginx\n',
    {
      name: 'long port syntax and a subnet',
      code: 'version: "3.8"\nservices:\n  web:\n    image: nginx\n    ports:\n      - target: 80\n        published: 8080\nnetworks:\n  back:\n    ipam:\n      config:\n        - subnet: 10.20.0.0/24\n',
    },
  ],
  invalid: [
    {
      name: 'gateway under ipam.config',
      code: 'services:\n  web:\n    image: nginx\n    networks: [back]\nnetworks:\n  back:\n    ipam:\n      config:\n        - subnet: 10.20.0.0/24\n          gateway: 10.20.0.1\n',
      errors: [
        {
          messageId: 'violation',
          line: 10,
          column: 11,
          data: {
            path: 'networks.back.ipam.config[0]',
            problem: '`gateway` is not allowed here (the v3.13 stack schema does not know it)',
          },
        },
      ],
    },
    {
      name: 'replicas as a string',
      code: 'services:\n  web:\n    image: nginx\n    deploy:\n      replicas: "3"\n',
      errors: [{ messageId: 'violation', line: 5, column: 17 }],
    },
    {
      name: 'a forbidden key',
      code: 'services:\n  web:\n    image: nginx\n    extends: base\n',
      errors: [{ messageId: 'forbidden', line: 4, column: 5 }],
    },
    {
      name: 'no image',
      code: 'services:\n  web:\n    deploy:\n      replicas: 2\n',
      errors: [{ messageId: 'noImage', line: 2, column: 3 }],
    },
    {
      name: 'an unknown mode',
      code: 'services:\n  web:\n    image: x\n    deploy:\n      mode: Global\n',
      errors: [{ messageId: 'unknownMode', line: 5, column: 13 }],
    },
    {
      name: 'an undeclared network',
      code: 'services:\n  web:\n    image: x\n    networks: [back]\n',
      errors: [{ messageId: 'undeclaredNetwork', line: 4, column: 16 }],
    },
    {
      name: 'replicas with global mode',
      code: 'services:\n  web:\n    image: x\n    deploy:\n      mode: global\n      replicas: 2\n',
      errors: [{ messageId: 'replicasNotReplicated', line: 6, column: 17, data: { service: 'web' } }],
    },
    {
      name: 'an unknown endpoint mode, near a known one',
      code: 'services:\n  web:\n    image: x\n    deploy:\n      endpoint_mode: dnsr\n',
      errors: [{ messageId: 'unknownEndpointMode', line: 5, column: 22, data: { service: 'web', endpointMode: '`dnsr`' } }],
    },
    {
      name: 'an invalid short port',
      code: 'services:\n  web:\n    image: x\n    ports: ["8005-8000:80"]\n',
      errors: [{ messageId: 'violation', line: 4, column: 13 }],
    },
  ],
});

checkRuleDocs('schema', rule);
