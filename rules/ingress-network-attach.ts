import { createRule, report, visit } from './utils/create-rule.js';

interface Options {
  names: string[];
}

export default createRule({
  name: 'ingress-network-attach',
  meta: {
    type: 'problem',
    docs: {
      description:
        "A service must not list the swarm's `ingress` network: it is reserved for the routing mesh, and swarmkit refuses a service attached to it explicitly.",
      severity: 'error',
      recommended: true,
      checks: ['stack'],
      remediation:
        "Remove the ingress network from the service's `networks` (and its external declaration). To be reachable from outside, publish a port: the routing mesh attaches the service to ingress by itself. To reach other services, share a user-defined overlay network with them.",
    },
    schema: [
      {
        type: 'object',
        properties: {
          names: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            uniqueItems: true,
            description: "Names of the swarm's ingress network (`ingress` unless it was recreated under another name).",
          },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ names: ['ingress'] }] as [Options],
    messages: {
      attached:
        'Service `{{service}}` is attached to the external network `{{network}}`, the swarm\'s ingress network: swarmkit refuses the service ("Service cannot be explicitly attached to the ingress network"), so `docker stack deploy` fails on it.',
    },
  },
  create(context, [{ names }]) {
    const ingress = new Set(names);
    return visit({
      Stack(stack) {
        const external = new Set(stack.networks.filter((n) => n.external && ingress.has(n.name)).map((n) => n.name));
        for (const service of stack.services) {
          for (const n of service.networks) {
            if (external.has(n.name)) report(context, n, 'attached', { service: service.name, network: n.name });
          }
        }
      },
    });
  },
});
