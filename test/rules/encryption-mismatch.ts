import { checkRuleDocs } from '../helpers/rule-docs.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/encryption-mismatch.js';

const stack = (networks: string): string => `services:\n  app:\n    image: x\n    networks: [secure]\nnetworks:\n${networks}`;
const opts = (value: string, extra = ''): string => stack(`  secure:\n${extra}    driver_opts:\n      encrypted: ${value}\n`);

testRule('encryption-mismatch', rule, {
  valid: [
    { name: 'no encryption', code: stack('  secure: {}\n') },
    { name: 'the usual empty value', code: opts('""') },
    { name: '"true"', code: opts('"true"', '    driver: overlay\n') },
    { name: 'another driver reads the option its own way', code: opts('"false"', '    driver: weave\n') },
    { name: 'a variable: the value cannot be read', code: opts('"${ENCRYPT:-false}"') },
  ],
  invalid: [
    {
      name: '"false" still encrypts',
      code: opts('"false"   # turned off'),
      errors: [{ messageId: 'encryptedFalse', line: 8, column: 7, data: { network: 'secure', value: '"false"' } }],
    },
    {
      name: 'a value on the next line, as the driver reads it',
      code: opts('\n        "false"'),
      errors: [{ messageId: 'encryptedFalse', line: 8, column: 7, data: { network: 'secure', value: '"false"' } }],
    },
    {
      name: 'other ways to say no: a number, single quotes, a plain scalar, a flow mapping, a quoted key',
      code: stack(
        `  secure:\n    driver_opts:\n      encrypted: 0\n  b:\n    driver_opts:\n      encrypted: 'no'\n  c:\n    driver_opts:\n      encrypted: Disabled\n  d:\n    driver_opts: {encrypted: "off", com.docker.network.driver.mtu: "1400"}\n  e:\n    driver_opts:\n      "encrypted" : "false"\n`,
      ),
      errors: [
        { messageId: 'encryptedFalse', line: 8, column: 7, data: { network: 'secure', value: '"0"' } },
        { messageId: 'encryptedFalse', line: 11, column: 7, data: { network: 'b', value: '"no"' } },
        { messageId: 'encryptedFalse', line: 14, column: 7, data: { network: 'c', value: '"Disabled"' } },
        { messageId: 'encryptedFalse', line: 16, column: 19, data: { network: 'd', value: '"off"' } },
        { messageId: 'encryptedFalse', line: 19, column: 7, data: { network: 'e', value: '"false"' } },
      ],
    },
  ],
});

const facts = (parts: Record<string, unknown>): string => JSON.stringify({ format: 'swarmlint-facts/1', kind: 'audit', ...parts }, null, 2);
const node = (id: string, engineVersion: string) => ({ id, hostname: `${id}.example`, os: 'linux', engineVersion });
const modern = [node('n1', '27.3.1'), node('n2', '23.0.3'), node('n3', '20.10.24'), node('n4', '')];
const secure = { id: 'abc', name: 'shop_secure', driver: 'overlay', encrypted: true };

testRule(
  'encryption-mismatch',
  rule,
  {
    valid: [
      { name: 'patched engines', code: facts({ nodes: modern, networks: [secure] }) },
      {
        name: 'old engines, but no encrypted overlay',
        code: facts({ nodes: [node('n1', '19.03.12')], networks: [{ name: 'plain', driver: 'overlay', encrypted: false }] }),
      },
    ],
    invalid: [
      {
        name: 'engines from before the CVE fixes are named',
        code: facts({
          nodes: [...modern, node('old1', '20.10.23'), node('old2', '23.0.2'), node('old3', '19.03.12'), node('old4', 'v17.06.2-ee-16')],
          networks: [secure],
        }),
        errors: [
          {
            messageId: 'unpatchedEngines',
            data: {
              network: 'shop_secure',
              nodes: '`old1.example (20.10.23)`, `old2.example (23.0.2)`, `old3.example (19.03.12)`, `old4.example (v17.06.2-ee-16)`',
            },
          },
        ],
      },
      {
        name: 'only the nodes the network is on, by ID or hostname',
        code: facts({
          nodes: [...modern, node('old1', '20.10.23'), node('old2', '1.13.1')],
          networks: [{ ...secure, nodes: ['n1', 'old2.example'] }],
        }),
        errors: [{ messageId: 'unpatchedEngines', data: { network: 'shop_secure', nodes: '`old2.example (1.13.1)`' } }],
      },
    ],
  },
  'facts',
);

checkRuleDocs('encryption-mismatch', rule);
