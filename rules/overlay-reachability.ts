import { createRule, report, visit } from './utils/create-rule.js';
import { echoWords, faultsByNode, meshName, networkName, pairsOver } from './utils/mesh.js';
import { nameList } from './utils/networks.js';
import { dataPathPortOf } from './utils/swarm-ports.js';

export default createRule({
  name: 'overlay-reachability',
  meta: {
    type: 'problem',
    docs: {
      description:
        "Every node's task must reach every other node's task over a plain overlay network, as `swarmlint audit --deep` tests it from each node.",
      severity: 'error',
      recommended: true,
      checks: ['audit'],
      remediation:
        'Open the data-path port (4789/udp unless `docker swarm init --data-path-port` chose another) and 7946/tcp+udp between all nodes, in their firewalls and in every firewall or security group between them; then re-run `swarmlint audit --deep`.',
    },
    schema: [],
    defaultOptions: [],
    messages: {
      node: "Node `{{node}}` cannot exchange overlay traffic with any other node it was tested with ({{peers}}), while they reach each other: {{node}} drops or never receives the VXLAN packets of the data path ({{port}}/udp), or its gossip (7946) does not learn where the others' tasks are. Tasks on it are cut off from the rest of the swarm while their names still resolve.",
      pair: "Node `{{from}}`'s task cannot reach node `{{to}}`'s task over the overlay `{{network}}` ({{echo}}): the VXLAN data path ({{port}}/udp) between the two nodes is blocked one way or both, or gossip (7946) has not told {{from}} where the task on {{to}} is. Services across these two nodes time out while their names still resolve.",
    },
  },
  create(context) {
    return visit({
      Facts(facts) {
        const mesh = facts.mesh;
        if (!mesh) return;
        const port = String(dataPathPortOf(facts));
        const plain = pairsOver(mesh, 'plain');
        const grouped = faultsByNode(
          mesh,
          plain,
          (p) => p.verdict === 'unreachable',
          (p) => p.verdict === 'ok' || p.verdict === 'mtu-blackhole',
        );
        for (const fault of grouped.nodes) {
          report(context, fault.node, 'node', { node: fault.node.hostname, peers: nameList(fault.peers), port });
        }
        for (const pair of grouped.pairs) {
          report(context, pair, 'pair', {
            from: meshName(mesh, pair.from),
            to: meshName(mesh, pair.to),
            network: networkName(mesh, 'plain'),
            echo: echoWords(pair.small),
            port,
          });
        }
      },
    });
  },
});
