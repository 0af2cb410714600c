import type { ServiceReference } from '../language/model.js';
import { createRule, report, visit } from './utils/create-rule.js';
import { nameList, serviceNetworkNames } from './utils/networks.js';

function how(ref: ServiceReference): string {
  if (ref.via === 'environment') return `in the environment variable \`${String(ref.variable)}\``;
  return `in \`${ref.via}\``;
}

export default createRule({
  name: 'unreachable-service',
  meta: {
    type: 'problem',
    docs: {
      description:
        'A service that refers to another one by name (`links`, a host name in an environment value) must share a network with it: services find and reach each other only over networks they are both attached to.',
      severity: 'error',
      recommended: true,
      checks: ['stack'],
      remediation:
        "Attach both services to a common network: list the same network under both services' `networks`, or leave `networks` out of both so that both use the stack's `default` network. A service attached to any network listed explicitly is no longer on `default`.",
    },
    schema: [],
    defaultOptions: [],
    messages: {
      noSharedNetwork:
        'Service `{{service}}` refers to `{{target}}` {{how}}, but the two share no network (`{{service}}`: {{serviceNetworks}}; `{{target}}`: {{targetNetworks}}): the name `{{target}}` does not resolve from `{{service}}` and its tasks cannot reach it.',
    },
  },
  create(context) {
    return visit({
      Stack(stack) {
        const byName = new Map(stack.services.map((s) => [s.name, s]));
        for (const service of stack.services) {
          const mine = serviceNetworkNames(service);
          const checked = new Set<string>();
          // One finding per pair of services, at the first reference in the text.
          for (const ref of [...service.references].sort((a, b) => a.range[0] - b.range[0])) {
            // `depends_on` orders start-up; it is no claim that one service addresses the other.
            if (ref.via === 'depends_on') continue;
            const target = byName.get(ref.target);
            if (!target || checked.has(target.name)) continue;
            checked.add(target.name);
            const theirs = serviceNetworkNames(target);
            if (theirs.some((n) => mine.includes(n))) continue;
            report(context, ref, 'noSharedNetwork', {
              service: service.name,
              target: target.name,
              how: how(ref),
              serviceNetworks: nameList(mine),
              targetNetworks: nameList(theirs),
            });
          }
        }
      },
    });
  },
});
