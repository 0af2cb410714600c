import { createRule, report, visit } from './utils/create-rule.js';

export default createRule({
  name: 'dnsrr-ingress-port',
  meta: {
    type: 'problem',
    docs: {
      description: 'A service in `endpoint_mode: dnsrr` must not publish ports in ingress mode: the routing mesh needs a virtual IP.',
      severity: 'error',
      recommended: true,
      checks: ['stack', 'audit'],
      remediation:
        'Publish the port in host mode with the long syntax (`mode: host`, reachable only on the nodes that run a task), or drop `endpoint_mode: dnsrr` so the service gets a virtual IP.',
    },
    schema: [],
    defaultOptions: [],
    messages: {
      ingressPort:
        'Service `{{service}}` uses `endpoint_mode: dnsrr` but publishes {{port}} in ingress mode: the routing mesh needs a virtual IP, so the service is refused ("port published with ingress mode can\'t be used with dnsrr mode").',
    },
  },
  create(context) {
    return visit({
      Service(service) {
        if (service.endpointMode !== 'dnsrr') return;
        for (const port of service.ports) {
          if (port.mode !== 'ingress' || port.specIndex > 0) continue;
          const published = port.published ? String(port.published) : '(any)';
          report(context, port, 'ingressPort', { service: service.name, port: `${published}:${String(port.target)}/${port.protocol}` });
        }
      },
    });
  },
});
