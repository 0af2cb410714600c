import type { Host, Listener } from '../language/model.js';
import { createRule, report, visit } from './utils/create-rule.js';
import { dataPathPortOf, managerRole, portProblem, purposeOf, roleSchema, type PortPurpose, type RoleOption } from './utils/swarm-ports.js';

interface Options {
  /** Whether this host is or will be a manager: `auto` takes the role of the swarm its engine is in. */
  role: RoleOption;
}

const isDockerd = (l: Listener): boolean => l.process === 'dockerd';

/** Is this host's engine already in a swarm (then its own sockets hold the swarm ports)? */
function inSwarm(host: Host): boolean {
  const state = host.engine?.swarmState;
  return state === 'active' || state === 'pending' || state === 'locked' || host.listeners.some(isDockerd);
}

/** Who holds the port, in words. */
function holderOf(l: Listener, purpose: PortPurpose): string {
  if (l.process) return `\`${l.process}\``;
  if (purpose === 'data')
    return 'a socket with no process, as a kernel VXLAN device of another overlay (VMware NSX, flannel, a `vxlan` interface) holds its port';
  return 'a process the probe could not name (run preflight as root to see it)';
}

export default createRule({
  name: 'port-in-use',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Before this host joins, the ports dockerd will need (7946/tcp and 7946/udp, the data-path port, and 2377/tcp on managers) must not be held by anything else.',
      severity: 'error',
      recommended: true,
      checks: ['preflight'],
      remediation:
        'Stop or move whatever holds the port (`ss -tulpn` names it). When another overlay owns the VXLAN port, give the swarm another one with `docker swarm init --data-path-port` (it can only be chosen at init); 7946 cannot be changed.',
      messageSeverity: { controlIfManager: 'info' },
    },
    schema: [{ type: 'object', properties: { role: roleSchema }, additionalProperties: false }],
    defaultOptions: [{ role: 'auto' }] as [Options],
    messages: {
      control:
        'Port {{port}}/tcp is already held by {{holder}} (on {{address}}): this host is a manager, and dockerd listens for the control plane there, so `docker swarm join` or `init` fails with "address already in use".',
      controlIfManager:
        'Port {{port}}/tcp is already held by {{holder}} (on {{address}}): only managers listen on it, so joining as a manager fails with "address already in use"; a worker does not need it.',
      gossip:
        'Port {{port}}/{{protocol}} is already held by {{holder}} (on {{address}}): dockerd gossips with the other nodes on it, so joining fails, or leaves this node out of the gossip that tells the overlays where tasks run.',
      data: "Port {{port}}/udp is already held by {{holder}} (on {{address}}): it is the swarm's VXLAN port, so Docker's overlays cannot take it on this host, or another overlay receives this swarm's packets, and overlay traffic to this host is lost.",
    },
  },
  create(context, [options]) {
    return visit({
      Facts(facts) {
        const host = facts.host;
        if (!host) return;
        const dataPathPort = dataPathPortOf(facts);
        const manager = managerRole(host, options.role);
        const joined = inSwarm(host);
        for (const l of host.listeners) {
          const purpose = purposeOf(l.protocol, l.port, dataPathPort);
          // dockerd's own sockets, and the kernel's VXLAN socket of its overlays, are this host's swarm membership.
          const messageId = portProblem(purpose, manager);
          if (!purpose || !messageId || isDockerd(l) || (purpose === 'data' && !l.process && joined)) continue;
          report(context, l, messageId, {
            port: String(l.port),
            protocol: l.protocol,
            holder: holderOf(l, purpose),
            address: l.address || 'an address the probe did not record',
          });
        }
      },
    });
  },
});
