import type { Facts, Network, PeerPath } from '../language/model.js';
import { createRule, report, visit } from './utils/create-rule.js';
import { managerAnswered } from './utils/facts.js';
import { faultsByNode, meshName, networkName } from './utils/mesh.js';
import { nameList } from './utils/networks.js';
import { linkTo, peerLabel } from './utils/host.js';
import { DEFAULT_MTU, wirePacket } from './utils/mtu.js';

/** The overlay network of the swarm that puts the largest packets on the wire, and their size. */
function largestPacket(networks: readonly Network[]): { network: Network; packet: number } | undefined {
  let best: { network: Network; packet: number } | undefined;
  for (const network of networks) {
    if (network.driver !== 'overlay') continue;
    const packet = wirePacket(network);
    if (packet !== undefined && (!best || packet > best.packet)) best = { network, packet };
  }
  return best;
}

/** Where the path's limit lies, in words: this host's own link, or beyond it. */
function limitOf(facts: Facts, peer: PeerPath, pathMtu: number): string {
  const link = linkTo(facts.host, peer);
  if (link?.mtu === undefined) return 'measured from this host';
  const what = link.byRoute
    ? `this host's route to it, with \`mtu\` ${String(link.mtu)} via \`${link.device}\``
    : `this host's interface \`${link.device}\` with MTU ${String(link.mtu)}`;
  return pathMtu >= link.mtu ? `the limit is ${what}` : `the limit is beyond this host: ${what} allows more`;
}

export default createRule({
  name: 'path-mtu',
  meta: {
    type: 'problem',
    docs: {
      description:
        "The path from this host to every peer must carry, with DF set, the largest packet the swarm's overlay networks put on the wire; in a deep audit, every pair of nodes must carry the overlay's full-size packets.",
      severity: 'error',
      recommended: true,
      checks: ['audit', 'preflight'],
      remediation:
        "Raise the MTU of the link that limits the path (VPN, tunnel, cloud network) to at least the overlays' packet size, or lower `com.docker.network.driver.mtu` of every overlay network, ingress included, to the path MTU. The option is the size of the packet on the wire: Docker subtracts VXLAN's 50 bytes (and ESP's) for the containers itself.",
    },
    schema: [],
    defaultOptions: [],
    messages: {
      meshNode:
        "Over the overlay `{{network}}`, {{large}}-byte packets with DF set get no answer between node `{{node}}` and every other node it was tested with ({{peers}}), while {{small}}-byte ones do: an MTU black hole on {{node}}'s side (its underlay interface, or a link beyond it, carries less than the overlay's packets plus VXLAN's 50 bytes), so small requests to and from its tasks work while large responses and TLS handshakes hang.",
      meshPair:
        "Over the overlay `{{network}}`, node `{{from}}`'s task gets answers to {{small}}-byte echoes from node `{{to}}`'s task, but none to {{large}}-byte ones with DF set ({{received}} of {{sent}}): an MTU black hole on the path between the two nodes, so small requests work while large responses and TLS handshakes hang.",
      tooSmall:
        'The path to {{peer}} carries packets of at most {{pathMtu}} bytes with DF set ({{limit}}), but the overlay network `{{network}}` puts packets of {{packet}} bytes on the wire (`com.docker.network.driver.mtu` {{option}}): larger packets between this host and that peer are dropped, so small requests work while large responses and TLS handshakes hang.',
      tooSmallDefault:
        "The path to {{peer}} carries packets of at most {{pathMtu}} bytes with DF set ({{limit}}), but overlay networks put packets of {{packet}} bytes on the wire unless their `com.docker.network.driver.mtu` says otherwise (the manager's networks were not read, so the default is assumed): larger packets between this host and that peer are dropped, so small requests work while large responses and TLS handshakes hang.",
    },
  },
  create(context) {
    return visit({
      Mesh(mesh) {
        for (const key of ['plain', 'encrypted'] as const) {
          const pairs = mesh.pairs.filter((p) => p.network === key);
          const grouped = faultsByNode(
            mesh,
            pairs,
            (p) => p.verdict === 'mtu-blackhole',
            (p) => p.verdict === 'ok',
          );
          const network = networkName(mesh, key);
          for (const fault of grouped.nodes) {
            const pair = fault.pairs[0];
            report(context, fault.node, 'meshNode', {
              node: fault.node.hostname,
              peers: nameList(fault.peers),
              network,
              small: String(pair?.small?.size ?? '?'),
              large: String(pair?.large?.size ?? '?'),
            });
          }
          for (const pair of grouped.pairs) {
            report(context, pair, 'meshPair', {
              from: meshName(mesh, pair.from),
              to: meshName(mesh, pair.to),
              network,
              small: String(pair.small?.size ?? '?'),
              large: String(pair.large?.size ?? '?'),
              received: String(pair.large?.received ?? 0),
              sent: String(pair.large?.sent ?? 0),
            });
          }
        }
      },
      Facts(facts) {
        const known = managerAnswered(facts, 'networks');
        const largest = known ? largestPacket(facts.networks) : undefined;
        if (known && !largest) return;
        const packet = largest?.packet ?? DEFAULT_MTU;
        for (const peer of facts.peers) {
          const pathMtu = peer.pathMtu;
          // A path MTU is a measurement only when a larger packet was tried and got no answer.
          if (!pathMtu || pathMtu >= packet || (peer.pathMtuProbedUpTo !== undefined && peer.pathMtuProbedUpTo <= pathMtu)) continue;
          const data = { peer: peerLabel(facts, peer), pathMtu, limit: limitOf(facts, peer, pathMtu), packet };
          if (!largest) {
            report(context, peer, 'tooSmallDefault', data);
            continue;
          }
          const option = largest.network.mtu ? String(largest.network.mtu) : `unset, so ${String(DEFAULT_MTU)}`;
          report(context, peer, 'tooSmall', { ...data, network: largest.network.name, option });
        }
      },
    });
  },
});
