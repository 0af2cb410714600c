import type { PortCheck } from '../language/model.js';
import { createRule, report, visit } from './utils/create-rule.js';
import { meshName } from './utils/mesh.js';
import { isManagerPeer, peerLabel } from './utils/host.js';
import { dataPathPortOf, GOSSIP_PORT, purposeOf } from './utils/swarm-ports.js';

/** What the probe saw, in words: only `closed` and `filtered` are findings. */
function resultOf(check: PortCheck): string {
  if (check.protocol === 'tcp') return check.state === 'closed' ? 'refused the connection' : 'did not answer the connection (filtered)';
  if (check.state === 'closed') return 'answered with ICMP port unreachable';
  return check.method === 'responder' ? 'let nothing through to the responder (filtered)' : 'gave no answer where one was due (filtered)';
}

export default createRule({
  name: 'swarm-port-reachable',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Every peer must be reachable from this host on the ports a swarm needs: 2377/tcp on managers, 7946/tcp and 7946/udp, and the data-path port (4789/udp); in a deep audit, every node must reach 2377/tcp on the managers and 7946/tcp on every node.',
      severity: 'error',
      recommended: true,
      checks: ['audit', 'preflight'],
      remediation:
        "Open the port on the peer and on every firewall between the two hosts (cloud security groups included), for this host's address only: 2377/tcp to the managers, 7946/tcp and 7946/udp and the data-path port (4789/udp by default) between all nodes.",
    },
    schema: [],
    defaultOptions: [],
    messages: {
      meshControl:
        'From node `{{from}}`, port {{port}}/tcp of manager `{{to}}` {{result}}: it is the swarm control plane, so {{from}} cannot report to that manager or get its tasks through it, and it goes `down` when that manager leads.',
      meshGossip:
        'From node `{{from}}`, port {{port}}/tcp of node `{{to}}` {{result}}: nodes gossip on it, so {{from}} does not learn where the tasks on {{to}} are (or the reverse), and overlay traffic between them fails while both look healthy.',
      control:
        'Port {{port}}/tcp of {{peer}} {{result}}: it is the swarm control plane, so `docker swarm join` through this manager times out or fails, and a joined node cannot get its tasks or report to the managers.',
      gossip:
        'Port {{port}}/{{protocol}} of {{peer}} {{result}}: nodes gossip on it, and without it the node may join but its overlay networks never learn which tasks run where, so service discovery and traffic across nodes fail.',
      data: 'Port {{port}}/udp of {{peer}} {{result}}: it carries the VXLAN data path, so no overlay or routing-mesh traffic crosses between this host and that peer, while names resolve and services look healthy.',
    },
  },
  create(context) {
    return visit({
      Mesh(mesh) {
        for (const c of mesh.control) {
          if (c.verdict !== 'closed' && c.verdict !== 'filtered') continue;
          const result =
            (c.verdict === 'closed' ? 'refused the connection' : 'did not answer the connection (filtered)') +
            (c.error ? ` (${c.error})` : '');
          report(context, c, c.port === GOSSIP_PORT ? 'meshGossip' : 'meshControl', {
            from: meshName(mesh, c.from),
            to: meshName(mesh, c.to),
            port: String(c.port),
            result,
          });
        }
      },
      Facts(facts) {
        const dataPathPort = dataPathPortOf(facts);
        for (const peer of facts.peers) {
          const manager = isManagerPeer(facts, peer);
          const seen = new Set<string>();
          for (const check of peer.checks) {
            if (check.state !== 'closed' && check.state !== 'filtered') continue;
            // A manager named with `--manager ADDR:PORT` listens for the control plane on PORT.
            const purpose =
              manager && check.protocol === 'tcp' && check.port !== undefined && check.port !== GOSSIP_PORT
                ? 'control'
                : purposeOf(check.protocol, check.port, dataPathPort);
            // Only managers listen on the control port; a worker that refuses 2377 is as it should be.
            if (!purpose || (purpose === 'control' && !manager)) continue;
            const key = `${check.protocol}/${String(check.port)}`;
            if (seen.has(key)) continue;
            seen.add(key);
            report(context, check, purpose, {
              peer: peerLabel(facts, peer),
              result: resultOf(check),
              port: String(check.port),
              protocol: check.protocol,
            });
          }
        }
      },
    });
  },
});
