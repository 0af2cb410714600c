import { checkRuleDocs } from '../helpers/rule-docs.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/swarm-ignored-key.js';

testRule('swarm-ignored-key', rule, {
  valid: ['services:\n  web:\n    image: nginx\n    deploy:\n      restart_policy:\n        condition: any\n'],
  invalid: [
    {
      code: 'services:\n  web:\n    image: nginx\n    container_name: web\n    links: [db]\n  db:\n    image: postgres\n',
      errors: [
        {
          messageId: 'ignored',
          line: 4,
          column: 5,
          data: { service: 'web', key: 'container_name', why: 'task containers are named by swarm (deprecated option)' },
        },
        { messageId: 'ignored', line: 5, column: 5 },
      ],
    },
  ],
});

checkRuleDocs('swarm-ignored-key', rule);
