import { createRule, report, visit } from './utils/create-rule.js';
import { answered } from './utils/facts.js';

export default createRule({
  name: 'missing-ingress',
  meta: {
    type: 'problem',
    docs: {
      description:
        'A swarm whose services publish ports in ingress mode needs its `ingress` network: without it the routing mesh is gone and those ports answer on no node.',
      severity: 'error',
      recommended: true,
      checks: ['audit'],
      remediation:
        'Create the ingress network again: `docker network create --driver overlay --ingress ingress` (with `--subnet` and `--opt com.docker.network.driver.mtu` as your site needs), then update the services that publish ports.',
    },
    schema: [],
    defaultOptions: [],
    messages: {
      missing:
        'The swarm has no ingress network, but service `{{service}}` publishes {{port}} in ingress mode: the routing mesh is gone, so the port answers on no node.',
    },
  },
  create(context) {
    return visit({
      Facts(facts) {
        if (!answered(facts, 'networks') || !answered(facts, 'services')) return;
        if (facts.networks.some((n) => n.ingress)) return;
        for (const service of facts.services) {
          const port = service.ports.find((p) => p.mode === 'ingress' && p.published);
          if (port) report(context, port, 'missing', { service: service.name, port: `${String(port.published)}/${port.protocol}` });
        }
      },
    });
  },
});
