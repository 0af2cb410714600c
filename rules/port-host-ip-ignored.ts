import { createRule, report, visit } from './utils/create-rule.js';
import { specText } from './utils/ports.js';

/** Addresses that mean every interface: docker/cli drops them without a warning, and nothing changes. */
const UNSPECIFIED = new Set(['0.0.0.0', '::', '[::]']);

export default createRule({
  name: 'port-host-ip-ignored',
  meta: {
    type: 'problem',
    docs: {
      description:
        'A host IP in a short port spec (`"127.0.0.1:5432:5432"`) is dropped by `docker stack deploy`: the port is published on every interface of every node.',
      severity: 'warning',
      recommended: true,
      checks: ['stack'],
      remediation:
        'Remove the IP so the file says what swarm does. To keep the port off public interfaces, do not publish it (services on a shared overlay network reach it without), or publish it in host mode (`mode: host` in the long syntax) and filter it with the host firewall.',
    },
    schema: [],
    defaultOptions: [],
    messages: {
      ignored:
        'Port `{{spec}}` of service `{{service}}` names host IP {{ip}}, which `docker stack deploy` drops ("ignoring IP-address … service will listen on \'0.0.0.0\'"): the port is published on every interface of every node, not only on {{ip}}.',
    },
  },
  create(context) {
    const text = context.sourceCode.text;
    const seen = new Set<number>();
    return visit({
      Service(service) {
        for (const binding of service.ports) {
          // A range is one item with several bindings; an alias repeats an item: one finding per written item.
          if (binding.syntax !== 'short' || !binding.hostIp || UNSPECIFIED.has(binding.hostIp) || seen.has(binding.range[0])) continue;
          seen.add(binding.range[0]);
          report(context, binding, 'ignored', { spec: specText(text, binding), service: service.name, ip: binding.hostIp });
        }
      },
    });
  },
});
