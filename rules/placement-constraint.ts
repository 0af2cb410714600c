import { editDistance } from '../language/edit-distance.js';
import { createRule, report, textOf, visit } from './utils/create-rule.js';
import { knownConstraintKey, parseConstraint } from './utils/constraint.js';

/** Keys people write for a node attribute swarmkit spells differently. */
const RESPELT: Record<string, string> = {
  'node.name': 'node.hostname',
  'node.host': 'node.hostname',
  'node.os': 'node.platform.os',
  'node.arch': 'node.platform.arch',
  'node.platform': 'node.platform.os',
  'node.labels': 'node.labels.<name>',
  'engine.labels': 'engine.labels.<name>',
};

function suggestion(key: string): string {
  const k = key.toLowerCase();
  const respelt = RESPELT[k];
  if (respelt) return ` (did you mean \`${respelt}\`?)`;
  if (k.startsWith('node.label.')) return ` (did you mean \`node.labels.${key.slice('node.label.'.length)}\`?)`;
  const near = ['node.id', 'node.hostname', 'node.ip', 'node.role', 'node.platform.os', 'node.platform.arch'].find(
    (known) => editDistance(k, known) <= 2,
  );
  return near ? ` (did you mean \`${near}\`?)` : '';
}

export default createRule({
  name: 'placement-constraint',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Placement constraints must parse as swarmkit parses them (`key == value` or `key != value`) and name a node attribute it knows: otherwise the service is refused, or its tasks wait for a node that never matches.',
      severity: 'error',
      recommended: true,
      checks: ['stack'],
      // The service is created; only the spreading is lost.
      messageSeverity: { spreadIgnored: 'warning' },
      remediation:
        'Write each constraint as `<attribute> == <value>` or `<attribute> != <value>` with one of `node.id`, `node.hostname`, `node.ip`, `node.role` (`manager` or `worker`), `node.platform.os`, `node.platform.arch`, `node.labels.<name>` or `engine.labels.<name>`. Give variables used in a constraint a value or a default. Spread over a node label (`spread: node.labels.zone`, with the label set on the nodes) or an engine label.',
    },
    schema: [],
    defaultOptions: [],
    messages: {
      syntax:
        'Service `{{service}}`: placement constraint {{which}} does not parse ({{problem}}): the daemon refuses the service ("{{error}}"), so it is never created.',
      unknownKey:
        'Service `{{service}}`: placement constraint on `{{key}}`, which is not a node attribute swarmkit knows{{suggestion}}: it matches no node, so the tasks stay pending ("no suitable node (scheduling constraints not satisfied …)").',
      role: 'Service `{{service}}`: `node.role` is `manager` or `worker`, so this constraint {{effect}}.',
      spreadIgnored:
        'Service `{{service}}`: placement preference `spread: {{descriptor}}` is ignored: swarmkit spreads tasks only over `node.labels.<name>` or `engine.labels.<name>` and skips any other preference without a word, so the tasks are not spread as intended.',
    },
  },
  create(context) {
    return visit({
      Service(service) {
        // swarmkit manager/scheduler/nodeset.go: a descriptor is used only with a `node.labels.` or `engine.labels.`
        // prefix (any case) and a name after it; every other one is skipped (`default: continue`), never refused.
        for (const spread of service.spreads ?? []) {
          const written = textOf(context, spread);
          // Empty after a failed interpolation: `interpolation` reports it.
          if (spread.descriptor === '' && written.includes('$')) continue;
          if (!/^(node|engine)\.labels\../i.test(spread.descriptor))
            report(context, spread, 'spreadIgnored', { service: service.name, descriptor: written || '""' });
        }
        service.constraints.forEach((constraint, index) => {
          const parsed = parseConstraint(constraint.expression);
          const written = textOf(context, constraint);
          const which = `${String(index + 1)}${written.includes('$') ? ' (after interpolation)' : ''}`;
          if (!parsed.ok) {
            // Only swarmkit's own error text about the key or a missing operator; a value is never quoted.
            const problem = parsed.error.startsWith('value')
              ? constraint.expression.split(/==|!=/)[1]?.trim() === ''
                ? 'the value is empty'
                : 'the value holds a character swarmkit does not accept, such as `=`, `,`, `"` or `\'`'
              : parsed.error.startsWith('key')
                ? 'the attribute name is not letters, digits, `.`, `-` and `_`'
                : 'there is no `==` or `!=`';
            const error = parsed.error.startsWith('value')
              ? "value '…' is invalid"
              : parsed.error.startsWith('key')
                ? "key '…' is invalid"
                : parsed.error;
            report(context, constraint, 'syntax', { service: service.name, which, problem, error });
            return;
          }
          if (!knownConstraintKey(parsed.key)) {
            report(context, constraint, 'unknownKey', { service: service.name, key: parsed.key, suggestion: suggestion(parsed.key) });
            return;
          }
          const role = parsed.value.toLowerCase();
          if (parsed.key.toLowerCase() === 'node.role' && role !== 'manager' && role !== 'worker')
            report(context, constraint, 'role', {
              service: service.name,
              effect: parsed.operator === '==' ? 'matches no node and the tasks stay pending' : 'excludes no node',
            });
        });
      },
    });
  },
});
