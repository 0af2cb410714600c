import { createRule, visit } from './utils/create-rule.js';
import { failedInterpolation, reportDiagnostics } from './utils/diagnostics.js';

const ids = ['violation', 'forbidden', 'deploy', 'nonStringKey', 'duplicateKey'] as const;

export default createRule({
  name: 'schema',
  meta: {
    type: 'problem',
    docs: {
      description:
        'The stack file must be one `docker stack deploy` accepts: the v3.13 stack schema, and the checks the CLI and the daemon make before creating anything.',
      severity: 'error',
      recommended: true,
      checks: ['stack'],
      remediation:
        'Change the value as the message says. The stack schema (v3.13) is stricter than Compose: for example `ipam.config` takes only `subnet`, and `deploy.replicas` must be a number.',
    },
    schema: [],
    defaultOptions: [],
    messages: {
      violation: '`{{path}}` {{problem}}.',
      forbidden: '`{{path}}`: docker stack deploy refuses files with `{{key}}` ({{why}}).',
      deploy: 'Service `{{service}}` {{problem}}.',
      duplicateKey:
        'Key `{{key}}` is set twice in this mapping: docker stack deploy keeps this later value and silently drops the earlier one.',
      nonStringKey:
        'Key `{{key}}` is not text in YAML 1.1, which docker stack deploy reads (`y`, `n`, `yes`, `no`, `on`, `off` are booleans, digits are numbers): it fails with "non-string key". Quote it: `"{{key}}"`.',
    },
  },
  create(context) {
    return visit({
      Stack(node) {
        // A value whose interpolation failed is reported once, by `interpolation`.
        reportDiagnostics(context, node, 'schema', ids, failedInterpolation(node));
      },
    });
  },
});
