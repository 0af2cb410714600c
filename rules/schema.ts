import { createRule, visit } from './utils/create-rule.js';
import { reportDiagnostics } from './utils/diagnostics.js';

const ids = [
  'violation',
  'forbidden',
  'noImage',
  'unknownMode',
  'replicasNotReplicated',
  'unknownEndpointMode',
  'undeclaredNetwork',
  'nonStringKey',
  'duplicateKey',
] as const;

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
      noImage: 'Service `{{service}}` has no `image`; docker stack deploy fails with "no image specified" (it never builds images).',
      unknownMode:
        'Service `{{service}}` `deploy.mode` {{mode}} is not a mode (replicated, global, replicated-job or global-job); docker stack deploy fails with "unknown mode".',
      replicasNotReplicated:
        'Service `{{service}}` `replicas` can only be used with replicated or replicated-job mode; docker stack deploy refuses it.',
      unknownEndpointMode:
        'Service `{{service}}` `endpoint_mode` {{endpointMode}} must be vip or dnsrr; the daemon refuses it ("invalid resolution mode").',
      undeclaredNetwork:
        'Service `{{service}}` uses network `{{network}}`, which is not declared under top-level `networks`; docker stack deploy fails with "undefined network".',
      violation: '`{{path}}` {{problem}}.',
      forbidden: '`{{path}}`: docker stack deploy refuses files with `{{key}}` ({{why}}).',
      duplicateKey:
        'Key `{{key}}` is set twice in this mapping (first on line {{line}}): docker stack deploy 28 and later refuse the file ("mapping key already defined"); older versions silently kept the later value.',
      nonStringKey:
        'Key `{{key}}` is not text as docker stack deploy reads YAML (digits are numbers, `null` and `~` are null; before docker 28 also `y`, `n`, `yes`, `no`, `on`, `off` are booleans): it fails with "non-string key". Quote it: `"{{key}}"`.',
    },
  },
  create(context) {
    return visit({
      Stack(node) {
        reportDiagnostics(context, node, 'schema', ids);
      },
    });
  },
});
