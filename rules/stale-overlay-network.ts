import { createRule, report, visit } from './utils/create-rule.js';
import { answered } from './utils/facts.js';

export default createRule({
  name: 'stale-overlay-network',
  meta: {
    type: 'suggestion',
    docs: {
      description:
        'A swarm overlay network that no service uses holds a subnet of the address pool for nothing; Docker never removes it by itself.',
      severity: 'warning',
      recommended: true,
      checks: ['audit'],
      remediation:
        'Remove it with `docker network rm NAME` once you are sure nothing needs it (standalone containers can only use `--attachable` networks, which this rule leaves alone).',
    },
    schema: [],
    defaultOptions: [],
    messages: {
      stale:
        'Overlay network `{{network}}`{{subnets}} has no service and no task: it keeps its subnet out of the address pool and its stale state on every node it was attached to.',
    },
  },
  create(context) {
    return visit({
      Facts(facts) {
        if (!answered(facts, 'networks') || !answered(facts, 'services') || !answered(facts, 'tasks')) return;
        const used = new Set(facts.services.flatMap((s) => s.networks.map((n) => n.name)));
        for (const network of facts.networks) {
          if (
            network.driver !== 'overlay' ||
            network.ingress ||
            network.attachable ||
            used.has(network.name) ||
            (network.attachments ?? 0) > 0
          )
            continue;
          const subnets = network.subnets.length > 0 ? ` (${network.subnets.map((s) => s.cidr).join(', ')})` : '';
          report(context, network, 'stale', { network: network.name, subnets });
        }
      },
    });
  },
});
