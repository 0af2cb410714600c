import { createRule, visit } from './utils/create-rule.js';
import { reportDiagnostics } from './utils/diagnostics.js';

const ids = ['ignored', 'document', 'duplicateKeyKept', 'timestampText'] as const;

export default createRule({
  name: 'swarm-ignored-key',
  meta: {
    type: 'suggestion',
    docs: {
      description:
        'Service keys that `docker stack deploy` ignores in swarm mode (`build`, `container_name`, `links`, `restart`, `network_mode`, …) do not do what they seem to.',
      severity: 'warning',
      recommended: true,
      checks: ['stack'],
      remediation:
        'Remove the key, or use its swarm equivalent: `deploy.restart_policy` for `restart`, `deploy.resources` for limits, shared `networks` instead of `links`, a pushed image instead of `build`.',
    },
    schema: [],
    defaultOptions: [],
    messages: {
      ignored: 'Service `{{service}}`: `{{key}}` is ignored by docker stack deploy ({{why}}).',
      document:
        'The file holds {{documents}} YAML documents: docker stack deploy reads only the first and never looks at the rest (a `---` starts a new one).',
      timestampText:
        '`{{path}}` is an unquoted date or date-time: docker 28 and later (yaml.v3) read it as a timestamp and pass the text Go prints for it (`2001-12-14` becomes `2001-12-14 00:00:00 +0000 UTC`), not what is written; docker before 28 kept the text. Quote it.',
      duplicateKeyKept:
        'Key `{{key}}` is set twice in this mapping (first on line {{line}}): docker before 28.0 silently keeps this later value; docker 28 and later refuse the file.',
    },
  },
  create(context) {
    return visit({
      Stack(node) {
        reportDiagnostics(context, node, 'swarm-ignored-key', ids);
      },
    });
  },
});
