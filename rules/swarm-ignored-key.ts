import { createRule, visit } from './utils/create-rule.js';
import { reportDiagnostics } from './utils/diagnostics.js';

const ids = ['ignored'] as const;

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
