import { checkRuleDocs } from '../helpers/rule-docs.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/unused-network.js';

const web = (networks: string): string => `services:\n  web:\n    image: nginx\n${networks}`;

testRule('unused-network', rule, {
  valid: [
    { name: 'no networks at all (the implicit default)', code: web('') },
    { name: 'a declared network in use', code: `${web('    networks: [front]\n')}networks:\n  front: {}\n` },
    { name: 'a declared default, used implicitly', code: `${web('')}networks:\n  default:\n    driver_opts:\n      encrypted: ""\n` },
    {
      name: 'a declared default listed explicitly, and an external network in use (mapping form)',
      code: `${web('    networks:\n      default: {}\n      proxy:\n        aliases: [site]\n')}networks:\n  default: {}\n  proxy:\n    external: true\n`,
    },
  ],
  invalid: [
    {
      name: 'a network nobody lists',
      code: `${web('    networks: [front]\n')}networks:\n  front: {}\n  monitoring:\n    attachable: true\n`,
      errors: [{ messageId: 'unused', line: 7, column: 3, data: { network: 'monitoring' } }],
    },
    {
      name: 'a declared default while every service lists its networks',
      code: `${web('    networks: [front]\n')}networks:\n  front: {}\n  default:\n    driver_opts:\n      encrypted: ""\n`,
      errors: [{ messageId: 'unused', line: 7, column: 3, data: { network: 'default' } }],
    },
    {
      name: 'a misspelt name: declared one way, listed another',
      code: `${web('    networks: [backend]\n')}networks:\n  back-end: {}\n`,
      errors: [{ messageId: 'unusedMisspelt', line: 6, column: 3, data: { network: 'back-end', used: 'backend', service: 'web' } }],
    },
    {
      name: 'case and one letter off; short names allow one edit only',
      code: `${web('    networks: [Fronted, db]\n')}networks:\n  frontend: {}\n  de: {}\n  ops: {}\n`,
      errors: [
        { messageId: 'unusedMisspelt', line: 6, column: 3, data: { network: 'frontend', used: 'Fronted', service: 'web' } },
        { messageId: 'unusedMisspelt', line: 7, column: 3, data: { network: 'de', used: 'db', service: 'web' } },
        { messageId: 'unused', line: 8, column: 3, data: { network: 'ops' } },
      ],
    },
    {
      name: 'an unused external network',
      code: `${web('')}networks:\n  proxy:\n    external: true\n`,
      errors: [{ messageId: 'unusedExternal', line: 5, column: 3, data: { network: 'proxy' } }],
    },
  ],
});

checkRuleDocs('unused-network', rule);
