import { createRule, report, visit } from './utils/create-rule.js';
import { DEFAULT_NETWORK, editDistance, nameSpan, serviceNetworkNames } from './utils/networks.js';

export default createRule({
  name: 'unused-network',
  meta: {
    type: 'suggestion',
    docs: {
      description:
        'Every network declared under top-level `networks` should be used by a service: `docker stack deploy` creates only the networks that services list and ignores the others.',
      severity: 'warning',
      recommended: true,
      checks: ['stack'],
      remediation:
        "Attach the services that need the network (list it under the service's `networks`), fix the misspelt name where a service refers to it, or remove the declaration.",
      messageSeverity: { unusedExternal: 'info' },
    },
    schema: [],
    defaultOptions: [],
    messages: {
      unused:
        'Network `{{network}}` is declared but no service uses it: `docker stack deploy` creates only the networks that services list, so it is never created (its driver options, subnet and `attachable` included).',
      unusedMisspelt:
        'Network `{{network}}` is declared but no service uses it, while service `{{service}}` lists `{{used}}`, which is not declared: probably one network spelt two ways. `docker stack deploy` never creates `{{network}}` and fails on `{{used}}` ("undefined network").',
      unusedExternal:
        'External network `{{network}}` is declared but no service uses it: `docker stack deploy` neither checks nor uses it, so the declaration only misleads readers.',
    },
  },
  create(context) {
    return visit({
      Stack(stack) {
        const used = new Map<string, string>();
        for (const s of stack.services) for (const n of serviceNetworkNames(s)) if (!used.has(n)) used.set(n, s.name);
        const declared = new Set(stack.networks.map((n) => n.name));
        const undeclared = [...used].filter(([n]) => !declared.has(n) && n !== DEFAULT_NETWORK);
        for (const network of stack.networks) {
          if (network.implicit || used.has(network.name)) continue;
          const at = nameSpan(network);
          if (network.external) {
            report(context, at, 'unusedExternal', { network: network.name });
            continue;
          }
          const limit = network.name.length > 4 ? 2 : 1;
          const near = undeclared.find(([n]) => editDistance(n.toLowerCase(), network.name.toLowerCase()) <= limit);
          if (near) report(context, at, 'unusedMisspelt', { network: network.name, used: near[0], service: near[1] });
          else report(context, at, 'unused', { network: network.name });
        }
      },
    });
  },
});
