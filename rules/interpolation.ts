import { createRule, visit } from './utils/create-rule.js';
import { reportDiagnostics } from './utils/diagnostics.js';

const ids = ['invalid', 'required', 'unset', 'cast'] as const;

export default createRule({
  name: 'interpolation',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Variables in the stack file must interpolate the way `docker stack deploy` will: valid `${…}` syntax, required variables set, values that cast to numbers and booleans where the schema needs them.',
      severity: 'error',
      recommended: true,
      checks: ['stack'],
      remediation:
        'Give the variable a value (`--env-file` for the linter, the environment for `docker stack deploy`), or a default with `${VAR:-default}`. Write a literal `$` as `$$`. Only `:-`, `-`, `:?` and `?` are supported after the name.',
      messageSeverity: { unset: 'warning' },
    },
    schema: [],
    defaultOptions: [],
    messages: {
      invalid:
        '`{{path}}` is not a valid template: `docker stack deploy` fails with "invalid interpolation format". Escape a literal `$` as `$$`.',
      required: '`{{path}}` requires `{{variable}}`, which is not set: `docker stack deploy` fails ("{{detail}}").',
      unset: '`{{path}}` uses `{{variable}}`, which is not set here, so it becomes an empty string.',
      cast: '`{{path}}` does not become the type the schema needs after interpolation ({{detail}}).',
    },
  },
  create(context) {
    return visit({
      Stack(node) {
        reportDiagnostics(context, node, 'interpolation', ids);
      },
    });
  },
});
