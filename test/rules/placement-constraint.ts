import t from 'tap';
import { checkRuleDocs } from '../helpers/rule-docs.js';
import { yaml } from '../helpers/dedent.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/placement-constraint.js';
import { knownConstraintKey, parseConstraint } from '../../rules/utils/constraint.js';

testRule('placement-constraint', rule, {
  valid: [
    {
      name: 'every attribute swarmkit knows, in any case and spacing',
      code: yaml`
        services:
          web:
            image: nginx
            deploy:
              placement:
                constraints:
                  - node.role == manager
                  - node.role!=Worker
                  - NODE.HOSTNAME == swarm-1
                  - node.id==abc123
                  - node.ip != 10.0.0.0/8
                  - node.platform.os == linux
                  - node.platform.arch == x86_64
                  - node.labels.zone == eu-west-1a
                  - engine.labels.storage != ssd
                preferences:
                  - spread: node.labels.zone
                  - spread: Engine.Labels.rack
                  - spread: \${SWL_TEST_UNSET_ZONE}
      `,
    },
  ],
  invalid: [
    {
      name: 'no operator, a bad key, an empty value after interpolation',
      code: yaml`
        services:
          web:
            image: nginx
            deploy:
              placement:
                constraints:
                  - node=foo
                  - "n == x"
                  - node.hostname == \${SWL_TEST_UNSET_HOST}
                  - node.labels.a == b=c
      `,
      errors: [
        {
          messageId: 'syntax',
          line: 7,
          column: 13,
          data: { service: 'web', which: '1', problem: 'there is no `==` or `!=`', error: 'constraint expected one operator from ==, !=' },
        },
        {
          messageId: 'syntax',
          line: 8,
          column: 13,
          data: {
            service: 'web',
            which: '2',
            problem: 'the attribute name is not letters, digits, `.`, `-` and `_`',
            error: "key '…' is invalid",
          },
        },
        {
          messageId: 'syntax',
          line: 9,
          column: 13,
          data: { service: 'web', which: '3 (after interpolation)', problem: 'the value is empty', error: "value '…' is invalid" },
        },
        { messageId: 'syntax', line: 10, column: 13 },
      ],
    },
    {
      name: 'unknown attributes, with the spelling swarmkit wants',
      code: yaml`
        services:
          web:
            image: nginx
            deploy:
              placement:
                constraints: ["node.name == swarm-1", "node.label.zone == a", "node.labels == x", "node.rol == manager", "node.foo == bar"]
      `,
      errors: [
        {
          messageId: 'unknownKey',
          line: 6,
          column: 23,
          data: { service: 'web', key: 'node.name', suggestion: ' (did you mean `node.hostname`?)' },
        },
        {
          messageId: 'unknownKey',
          line: 6,
          column: 47,
          data: { service: 'web', key: 'node.label.zone', suggestion: ' (did you mean `node.labels.zone`?)' },
        },
        {
          messageId: 'unknownKey',
          line: 6,
          column: 71,
          data: { service: 'web', key: 'node.labels', suggestion: ' (did you mean `node.labels.<name>`?)' },
        },
        {
          messageId: 'unknownKey',
          line: 6,
          column: 91,
          data: { service: 'web', key: 'node.rol', suggestion: ' (did you mean `node.role`?)' },
        },
        { messageId: 'unknownKey', line: 6, column: 114, data: { service: 'web', key: 'node.foo', suggestion: '' } },
      ],
    },
    {
      name: 'a spread swarmkit skips: not a node or engine label (a node attribute, a bare name, a label without a name)',
      code: yaml`
        services:
          web:
            image: nginx
            deploy:
              placement:
                preferences:
                  - spread: node.hostname
                  - spread: zone
                  - spread: node.labels.
                  - spread: ""
      `,
      errors: [
        { messageId: 'spreadIgnored', line: 7, column: 21, data: { service: 'web', descriptor: 'node.hostname' } },
        { messageId: 'spreadIgnored', line: 8, column: 21, data: { service: 'web', descriptor: 'zone' } },
        { messageId: 'spreadIgnored', line: 9, column: 21, data: { service: 'web', descriptor: 'node.labels.' } },
        { messageId: 'spreadIgnored', line: 10, column: 21, data: { service: 'web', descriptor: '""' } },
      ],
    },
    {
      name: 'a role that is neither manager nor worker',
      code: yaml`
        services:
          web:
            image: nginx
            deploy:
              placement:
                constraints: [node.role == managers, node.role != master]
      `,
      errors: [
        { messageId: 'role', line: 6, column: 23, data: { service: 'web', effect: 'matches no node and the tasks stay pending' } },
        { messageId: 'role', line: 6, column: 46, data: { service: 'web', effect: 'excludes no node' } },
      ],
    },
  ],
});

t.test('parseConstraint: swarmkit errors, == found before !=', (t) => {
  t.same(parseConstraint(' node.role == manager '), { ok: true, key: 'node.role', operator: '==', value: 'manager' });
  t.same(parseConstraint('node.labels.a!=b'), { ok: true, key: 'node.labels.a', operator: '!=', value: 'b' });
  t.same(parseConstraint('node.labels.a!==b'), { ok: false, error: "key 'node.labels.a!' is invalid" });
  t.same(parseConstraint('node.role==manager=x'), { ok: false, error: "value 'manager=x' is invalid" });
  t.same(parseConstraint('node.hostname=~x'), { ok: false, error: 'constraint expected one operator from ==, !=' });
  t.same(parseConstraint('1node==x'), { ok: false, error: "key '1node' is invalid" });
  t.ok(knownConstraintKey('Node.Labels.x'));
  t.notOk(knownConstraintKey('node.labels.'));
  t.end();
});

checkRuleDocs('placement-constraint', rule);
