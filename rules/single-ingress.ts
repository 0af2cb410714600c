import { createRule, report, visit } from './utils/create-rule.js';

export default createRule({
  name: 'single-ingress',
  meta: {
    type: 'problem',
    docs: {
      description: 'A swarm has exactly one ingress network; a second one means the cluster state is not what Docker expects.',
      severity: 'error',
      recommended: true,
      checks: ['audit'],
      remediation:
        'Keep one ingress network. Remove the others once no service publishes ports through them (`docker network rm`), and recreate the remaining one only when every node runs the same engine release.',
    },
    schema: [],
    defaultOptions: [],
    messages: {
      several:
        'Network `{{network}}` is an ingress network, and so is `{{first}}`: Docker supports only one, and the routing mesh of some services may use the wrong one.',
    },
  },
  create(context) {
    return visit({
      Facts(facts) {
        const ingress = facts.networks.filter((n) => n.ingress);
        const first = ingress[0];
        if (!first) return;
        for (const network of ingress.slice(1)) report(context, network, 'several', { network: network.name, first: first.name });
      },
    });
  },
});
