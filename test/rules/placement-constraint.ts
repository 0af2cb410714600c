import t from 'tap';
import { checkRuleDocs } from '../helpers/rule-docs.js';
import { yaml } from '../helpers/dedent.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/placement-constraint.js';
import { knownConstraintKey, parseConstraint } from '../../rules/utils/constraint.js';

/** A service `web` whose `deploy.placement.<list>` holds these items, one per line from line 7 (column 13). */
const placed = (list: 'constraints' | 'preferences', items: readonly string[]): string =>
  `services:\n  web:\n    image: nginx\n    deploy:\n      placement:\n        ${list}:\n${items.map((item) => `          - ${item}\n`).join('')}`;

/** Constraints that do not parse: the item, its `which`, the problem and swarmkit's error as the message gives them. */
const SYNTAX: [string, string, string, string][] = [
  ['node=foo', '1', 'there is no `==` or `!=`', 'constraint expected one operator from ==, !='],
  ['"n == x"', '2', 'the attribute name is not letters, digits, `.`, `-` and `_`', "key '…' is invalid"],
  ['node.hostname == ${SWL_TEST_UNSET_HOST}', '3 (after interpolation)', 'the value is empty', "value '…' is invalid"],
  [
    'node.labels.a == b=c',
    '4',
    'the value holds a character swarmkit does not accept, such as `=`, `,`, `"` or `\'`',
    "value '…' is invalid",
  ],
];

/** Attributes swarmkit does not know: the item, the key and the spelling suggested. */
const UNKNOWN: [string, string, string][] = [
  ['node.name == swarm-1', 'node.name', ' (did you mean `node.hostname`?)'],
  ['node.label.zone == a', 'node.label.zone', ' (did you mean `node.labels.zone`?)'],
  ['node.labels == x', 'node.labels', ' (did you mean `node.labels.<name>`?)'],
  ['node.rol == manager', 'node.rol', ' (did you mean `node.role`?)'],
  ['node.foo == bar', 'node.foo', ''],
];

/** Roles that are neither manager nor worker, and what the constraint then does. */
const ROLES: [string, string][] = [
  ['node.role == managers', 'matches no node and the tasks stay pending'],
  ['node.role != master', 'excludes no node'],
];

/** Spread descriptors swarmkit skips. */
const SPREADS = ['node.hostname', 'zone', 'node.labels.', '""'];

/** The finding expected for each row of a table, one per item from line 7, with the row's data (service `web`). */
function rows<T>(
  messageId: 'syntax' | 'unknownKey' | 'role' | 'spreadIgnored',
  table: readonly T[],
  data: (row: T) => Record<string, string>,
  column = 13,
): { messageId: typeof messageId; line: number; column: number; data: Record<string, string> }[] {
  return table.map((row, i) => ({ messageId, line: 7 + i, column, data: { service: 'web', ...data(row) } }));
}

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
      name: 'no operator, a bad key, an empty value after interpolation, a bad value',
      code: placed(
        'constraints',
        SYNTAX.map(([item]) => item),
      ),
      errors: rows('syntax', SYNTAX, ([, which, problem, error]) => ({ which, problem, error })),
    },
    {
      name: 'unknown attributes, with the spelling swarmkit wants',
      code: placed(
        'constraints',
        UNKNOWN.map(([item]) => item),
      ),
      errors: rows('unknownKey', UNKNOWN, ([, key, suggestion]) => ({ key, suggestion })),
    },
    {
      name: 'a role that is neither manager nor worker',
      code: placed(
        'constraints',
        ROLES.map(([item]) => item),
      ),
      errors: rows('role', ROLES, ([, effect]) => ({ effect })),
    },
    {
      name: 'a spread swarmkit skips: not a node or engine label (a node attribute, a bare name, a label without a name)',
      code: placed(
        'preferences',
        SPREADS.map((descriptor) => `spread: ${descriptor}`),
      ),
      // The value of `- spread: …` starts 8 columns after the item.
      errors: rows('spreadIgnored', SPREADS, (descriptor) => ({ descriptor }), 21),
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
