import { createRule, report, visit } from './utils/create-rule.js';
import { blocks, verdictWords } from './utils/firewall.js';
import { dataPathPortOf, managerRole, portProblem, purposeOf, roleSchema, type RoleOption } from './utils/swarm-ports.js';

interface Options {
  /** Whether this host is or will be a manager: `auto` takes the role of the swarm its engine is in. */
  role: RoleOption;
}

export default createRule({
  name: 'firewall-blocks-swarm-port',
  meta: {
    type: 'problem',
    docs: {
      description:
        "This host's own firewall must accept what the other nodes send it: 7946/tcp and 7946/udp, the data-path port (4789/udp), and 2377/tcp on managers.",
      severity: 'error',
      recommended: true,
      checks: ['preflight'],
      remediation:
        "Accept the port from the other nodes' addresses ahead of the rule that drops it (for example `iptables -I INPUT -p udp --dport 4789 -s <node subnet> -j ACCEPT`, `ufw allow from <node subnet> to any port 7946`, or `firewall-cmd --permanent --add-port=2377/tcp` in a zone for the nodes), and keep the ports closed to everyone else.",
      messageSeverity: { controlIfManager: 'info' },
    },
    schema: [{ type: 'object', properties: { role: roleSchema }, additionalProperties: false }],
    defaultOptions: [{ role: 'auto' }] as [Options],
    messages: {
      control:
        'The local firewall ({{firewall}}) {{verdict}} {{port}}/tcp from {{from}}, by {{rule}}: this host is a manager, and the other managers and every node reach its control plane on this port, so joins through it time out and the other managers lose it.',
      controlIfManager:
        'The local firewall ({{firewall}}) {{verdict}} {{port}}/tcp from {{from}}, by {{rule}}: only managers need this port, so it matters if this host joins as a manager (then joins through it time out and the other managers lose it). Set the rule option `role` to `manager` or `worker` to say which.',
      gossip:
        'The local firewall ({{firewall}}) {{verdict}} {{port}}/{{protocol}} from {{from}}, by {{rule}}: the other nodes cannot gossip with this one, so it may join, but the overlays never learn which tasks run here and traffic to them fails.',
      data: 'The local firewall ({{firewall}}) {{verdict}} {{port}}/udp from {{from}}, by {{rule}}: it is the VXLAN data path, so the overlay and routing-mesh packets other nodes send here are lost, and tasks on this host are unreachable while their names still resolve.',
    },
  },
  create(context, [options]) {
    return visit({
      Facts(facts) {
        const host = facts.host;
        if (!host) return;
        const dataPathPort = dataPathPortOf(facts);
        const manager = managerRole(host, options.role);
        for (const v of host.firewall) {
          if (!blocks(v)) continue;
          const messageId = portProblem(purposeOf(v.protocol, v.port, dataPathPort), manager);
          if (!messageId) continue;
          report(context, v, messageId, { ...verdictWords(v), port: String(v.port), protocol: v.protocol });
        }
      },
    });
  },
});
