import { checkRuleDocs } from '../helpers/rule-docs.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/encrypted-overlay-prerequisites.js';

const stack = (networks: string): string => `services:\n  app:\n    image: x\n    networks: [secure]\nnetworks:\n${networks}`;
const opts = (value: string, extra = ''): string => stack(`  secure:\n${extra}    driver_opts:\n      encrypted: ${value}\n`);

testRule('encrypted-overlay-prerequisites', rule, {
  valid: [
    { name: 'no encryption', code: stack('  secure: {}\n') },
    { name: 'another driver reads the option its own way', code: opts('"true"', '    driver: weave\n') },
    { name: 'an external network: its options are not in the file', code: stack('  secure:\n    external: true\n') },
  ],
  invalid: [
    {
      name: 'the usual empty value',
      code: opts('""'),
      errors: [{ messageId: 'prerequisites', line: 8, column: 7, data: { network: 'secure' } }],
    },
    {
      name: '"true", and an explicit overlay driver',
      code: opts('"true"', '    driver: overlay\n'),
      errors: [{ messageId: 'prerequisites', line: 9, column: 7 }],
    },
    {
      name: '"false" still encrypts, so it needs the same',
      code: opts('"false"'),
      errors: [{ messageId: 'prerequisites', line: 8, column: 7 }],
    },
    {
      name: 'a declared default network',
      code: 'services:\n  app:\n    image: x\nnetworks:\n  default:\n    driver_opts:\n      encrypted: ""\n',
      errors: [{ messageId: 'prerequisites', line: 7, column: 7, data: { network: 'default' } }],
    },
  ],
});

const facts = (parts: Record<string, unknown>): string => JSON.stringify({ format: 'swarmlint-facts/1', kind: 'audit', ...parts }, null, 2);

testRule(
  'encrypted-overlay-prerequisites',
  rule,
  {
    valid: [
      {
        code: facts({
          networks: [
            { name: 'plain', driver: 'overlay', encrypted: false },
            { name: 'bridge', driver: 'bridge', encrypted: true },
          ],
        }),
      },
    ],
    invalid: [
      {
        code: facts({ networks: [{ id: 'abc', name: 'shop_secure', driver: 'overlay', encrypted: true }] }),
        errors: [{ messageId: 'prerequisites', line: 5, column: 5, data: { network: 'shop_secure' } }],
      },
    ],
  },
  'facts',
);

checkRuleDocs('encrypted-overlay-prerequisites', rule);
