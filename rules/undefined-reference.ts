import { createRule, report, visit } from './utils/create-rule.js';

const TOP_LEVEL = { secret: 'secrets', config: 'configs', volume: 'volumes' } as const;

export default createRule({
  name: 'undefined-reference',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Every secret, config and named volume a service uses must be defined under the top-level `secrets`, `configs` or `volumes` of the stack: otherwise `docker stack deploy` stops with "undefined secret", "undefined config" or "undefined volume".',
      severity: 'error',
      recommended: true,
      checks: ['stack'],
      remediation:
        'Define it at the top level (`secrets: { db_password: { external: true } }`, `volumes: { data: {} }`), in this file or in another file of the merge set, or fix the name where the service uses it. A path (`./data:/data`) is a bind mount and needs no definition.',
    },
    schema: [],
    defaultOptions: [],
    messages: {
      undefined:
        'Service `{{service}}` uses {{kind}} `{{name}}`, which is not defined under top-level `{{section}}`: docker stack deploy stops with "undefined {{kind}} \\"{{name}}\\"" and creates none of the services.',
    },
  },
  create(context) {
    return visit({
      Stack(stack) {
        const defined = stack.definitions;
        if (!defined) return;
        for (const service of stack.services) {
          const seen = new Set<string>();
          for (const use of service.uses ?? []) {
            const key = `${use.kind}\u0000${use.name}`;
            if (defined[use.kind].includes(use.name) || seen.has(key)) continue;
            seen.add(key);
            report(context, use, 'undefined', { service: service.name, kind: use.kind, name: use.name, section: TOP_LEVEL[use.kind] });
          }
        }
      },
    });
  },
});
