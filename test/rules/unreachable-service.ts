import t from 'tap';
import { checkRuleDocs } from '../helpers/rule-docs.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/unreachable-service.js';
import { isDocument, prepareDocument } from '../../engine/documents.js';
import { lintDocuments } from '../../engine/lint.js';

const nets = 'networks:\n  front: {}\n  back: {}\n';
const SECRET = 'hunter2-do-not-print';

testRule('unreachable-service', rule, {
  valid: [
    {
      name: 'both on the implicit default network',
      code: 'services:\n  api:\n    image: x\n    depends_on: [db]\n    environment:\n      DB_HOST: db\n  db:\n    image: postgres\n',
    },
    {
      name: 'a shared explicit network',
      code: `services:\n  api:\n    image: x\n    networks: [front, back]\n    depends_on: [db]\n  db:\n    image: postgres\n    networks: [back]\n${nets}`,
    },
    {
      name: 'default listed explicitly is the same network as the implicit one',
      code: 'services:\n  api:\n    image: x\n    networks: [default, front]\n    links: ["db:database"]\n  db:\n    image: postgres\nnetworks:\n  front: {}\n',
    },
    {
      name: 'references to names that are not services of the stack',
      code: `services:\n  api:\n    image: x\n    networks: [front]\n    environment:\n      UPSTREAM: https://example.com/api\n      REDIS_HOST: cache.internal\n  db:\n    image: postgres\n    networks: [back]\n${nets}`,
    },
    {
      name: 'depends_on alone is ordering, not a reference (a one-shot job handing over files)',
      code: `services:\n  api:\n    image: x\n    networks: [front]\n    depends_on: [db]\n  db:\n    image: postgres\n    networks: [back]\n${nets}`,
    },
  ],
  invalid: [
    {
      name: 'an environment URL: the variable is named, never the value',
      code: `services:\n  api:\n    image: x\n    networks: [front]\n    environment:\n      DATABASE_URL: postgres://app:${SECRET}@db:5432/app\n  db:\n    image: postgres\n    networks: [back]\n${nets}`,
      errors: [
        {
          messageId: 'noSharedNetwork',
          line: 6,
          column: 21,
          data: {
            service: 'api',
            target: 'db',
            how: 'in the environment variable `DATABASE_URL`',
            serviceNetworks: '`front`',
            targetNetworks: '`back`',
          },
        },
      ],
    },
    {
      name: 'one service on the implicit default, the other on its own network; list-form environment',
      code: 'services:\n  api:\n    image: x\n    environment:\n      - CACHE_HOST=cache\n  cache:\n    image: redis\n    networks: [back]\nnetworks:\n  back: {}\n',
      errors: [
        {
          messageId: 'noSharedNetwork',
          line: 5,
          column: 9,
          data: {
            service: 'api',
            target: 'cache',
            how: 'in the environment variable `CACHE_HOST`',
            serviceNetworks: '`default`',
            targetNetworks: '`back`',
          },
        },
      ],
    },
    {
      name: 'several references to one service: one finding, at the first',
      code: `services:\n  api:\n    image: x\n    networks: [front]\n    environment:\n      DB_HOST: db\n    links:\n      - db\n    depends_on:\n      db:\n        condition: service_started\n  db:\n    image: postgres\n    networks: [back, other]\n${nets}  other: {}\n`,
      errors: [
        {
          messageId: 'noSharedNetwork',
          line: 6,
          column: 16,
          data: {
            service: 'api',
            target: 'db',
            how: 'in the environment variable `DB_HOST`',
            serviceNetworks: '`front`',
            targetNetworks: '`back`, `other`',
          },
        },
      ],
    },
    {
      name: 'links are reported too, and each direction on its own',
      code: `services:\n  api:\n    image: x\n    networks: [front]\n    links: ["db:database"]\n  db:\n    image: postgres\n    networks: [back]\n    environment:\n      API: http://api:8080\n${nets}`,
      errors: [
        {
          messageId: 'noSharedNetwork',
          line: 5,
          column: 13,
          data: { service: 'api', target: 'db', how: 'in `links`', serviceNetworks: '`front`', targetNetworks: '`back`' },
        },
        {
          messageId: 'noSharedNetwork',
          line: 10,
          column: 12,
          data: {
            service: 'db',
            target: 'api',
            how: 'in the environment variable `API`',
            serviceNetworks: '`back`',
            targetNetworks: '`front`',
          },
        },
      ],
    },
  ],
});

t.test('unreachable-service: no finding carries an environment value', (t) => {
  const doc = prepareDocument([
    {
      path: 'stack.yml',
      text: `services:\n  api:\n    image: x\n    networks: [front]\n    environment:\n      DATABASE_URL: postgres://app:${SECRET}@db/app\n  db:\n    image: postgres\n    networks: [back]\n${nets}`,
    },
  ]);
  if (!isDocument(doc)) throw new Error(doc.message);
  const report = lintDocuments([doc], {
    rules: { 'unreachable-service': { severity: 'error', options: [] } },
    builtins: { 'unreachable-service': rule },
  });
  t.equal(report.findings.length, 1);
  t.notMatch(JSON.stringify(report), SECRET);
  t.notMatch(JSON.stringify(report), 'postgres://');
  t.end();
});

checkRuleDocs('unreachable-service', rule);
