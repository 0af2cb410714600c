import type { LoadDiagnostic } from '../language/model.js';
import { createRule, report, visit } from './utils/create-rule.js';

type MessageId = 'invalid' | 'required' | 'unset' | 'unsetMinor' | 'cast';

/** Places where an empty string changes a label or a command line, not what swarm creates: worth knowing, no more. */
const MINOR = /\.(labels|command|entrypoint)(\.|$)/;
const LISTED = 5;

/** ` (also …)`: the other places a variable is used, at most a few, each once. */
function others(uses: readonly LoadDiagnostic[]): string {
  const paths = [...new Set(uses.slice(1).map((d) => d.data.path ?? ''))].filter((p) => p !== uses[0]?.data.path);
  if (paths.length === 0) return '';
  const shown = paths.slice(0, LISTED).map((p) => `\`${p}\``);
  const more = paths.length > LISTED ? ` and ${String(paths.length - LISTED)} more` : '';
  return `; also used in ${shown.join(', ')}${more}`;
}

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
      messageSeverity: { unset: 'warning', unsetMinor: 'info' },
    },
    schema: [],
    defaultOptions: [],
    messages: {
      invalid:
        '`{{path}}` is not a valid template: `docker stack deploy` fails with "invalid interpolation format". Escape a literal `$` as `$$`.',
      required: '`{{path}}` requires `{{variable}}`, which is not set: `docker stack deploy` fails ("{{detail}}"){{also}}.',
      unset: '`{{path}}` uses `{{variable}}`, which is not set here, so it becomes an empty string{{also}}.',
      unsetMinor:
        '`{{path}}` uses `{{variable}}`, which is not set here, so it becomes an empty string in a label or command line{{also}}.',
      cast: '`{{path}}` does not become the type the schema needs after interpolation ({{detail}}).',
    },
  },
  create(context) {
    return visit({
      Stack(stack) {
        // One finding per variable (unset or required) per document, at its first use, listing the others: a
        // variable used in 30 places is one thing to fix. An anchor merged into N services is N uses of one place.
        const groups = new Map<string, LoadDiagnostic[]>();
        for (const d of stack.diagnostics) {
          if (d.rule !== 'interpolation') continue;
          const id = d.messageId as MessageId;
          if (id !== 'unset' && id !== 'required') {
            if (id !== 'invalid' && id !== 'cast') throw new Error(`loader diagnostic interpolation/${d.messageId} has no message`);
            report(context, d, id, d.data);
            continue;
          }
          const key = `${id}\u0000${d.data.variable ?? ''}`;
          groups.set(key, [...(groups.get(key) ?? []), d]);
        }
        for (const uses of groups.values()) {
          uses.sort((a, b) => a.range[0] - b.range[0]);
          const [first] = uses;
          if (!first) continue;
          const id =
            first.messageId === 'unset' && uses.every((d) => MINOR.test(d.data.path ?? '')) ? 'unsetMinor' : (first.messageId as MessageId);
          report(context, first, id, { ...first.data, also: others(uses) });
        }
      },
    });
  },
});
