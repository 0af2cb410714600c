import type { Mesh, MeshPair } from '../language/model.js';
import { createRule, report, visit } from './utils/create-rule.js';
import { echoWords, faultsByNode, meshName, networkName } from './utils/mesh.js';
import { swarmEncryption } from './utils/facts.js';
import { blocks, verdictWords } from './utils/firewall.js';
import { peerLabel } from './utils/host.js';
import { nameList } from './utils/networks.js';

export default createRule({
  name: 'esp-blocked',
  meta: {
    type: 'problem',
    docs: {
      description:
        "When the swarm has encrypted overlay networks, IP protocol 50 (ESP) must pass between this host and its peers: this host's firewall must accept it, and the path to each peer must carry it; in a deep audit, the encrypted overlay must carry what the plain one carries.",
      severity: 'error',
      recommended: true,
      checks: ['audit', 'preflight'],
      remediation:
        "Accept IP protocol 50 (ESP) from the other nodes, in this host's firewall (`iptables -I INPUT -p esp -s <node subnet> -j ACCEPT`, or `firewall-cmd --permanent --add-protocol=esp`) and in every firewall or security group between the nodes, where ESP is a protocol of its own, not a port.",
      messageSeverity: { firewallIfEncrypted: 'warning', pathIfEncrypted: 'warning' },
    },
    schema: [],
    defaultOptions: [],
    messages: {
      meshEverywhere:
        'The encrypted overlay `{{network}}` carries nothing between any two nodes ({{count}} pairs tested), while the plain overlay between the same nodes works: ESP (IP protocol 50) is blocked between all of them, or their kernels lack IPsec ESP support (CONFIG_INET_ESP, CONFIG_XFRM_USER, CONFIG_CRYPTO_GCM; dockerd then logs "Failed Adding rSA"){{evidence}}. Every encrypted overlay of this swarm is dead across nodes.',
      meshNode:
        'The encrypted overlay `{{network}}` carries nothing between node `{{node}}` and any other node ({{peers}}), while the plain overlay does and the others reach each other encrypted: {{node}} drops ESP (IP protocol 50), or its kernel lacks IPsec ESP support (CONFIG_INET_ESP, CONFIG_XFRM_USER){{evidence}}.',
      meshPair:
        "Node `{{from}}`'s task cannot reach node `{{to}}`'s task over the encrypted overlay `{{network}}` ({{echo}}), while the plain overlay between them works: ESP (IP protocol 50) is blocked between the two nodes, or one of them lacks kernel support for IPsec ESP{{evidence}}.",
      meshLeak:
        "Node `{{to}}` accepted {{count}} plaintext VXLAN packet(s) of the encrypted overlay `{{network}}` (VNI {{vni}}, UDP {{port}}) from node `{{from}}` during the deep audit's {{seconds}} s window: traffic that should travel inside ESP crossed the wire unencrypted and {{to}} took it in (CVE-2023-28840: docker's rule that drops unencrypted VXLAN of an encrypted network's VNI is missing on {{to}}, or {{from}} sends encrypted-overlay traffic without IPsec).",
      firewall:
        'The local firewall ({{firewall}}) {{verdict}} IP protocol 50 (ESP) from {{from}}, by {{rule}}, and the swarm has the encrypted overlay network(s) {{networks}}: their traffic travels inside ESP, so none of it reaches this host, while unencrypted overlays keep working.',
      firewallIfEncrypted:
        "The local firewall ({{firewall}}) {{verdict}} IP protocol 50 (ESP) from {{from}}, by {{rule}}: encrypted overlay networks travel inside ESP, so if the swarm has any (the manager's networks were not read), none of their traffic reaches this host.",
      path: 'ESP (IP protocol 50) to {{peer}} is {{state}}, and the swarm has the encrypted overlay network(s) {{networks}}: their traffic between this host and that peer travels inside ESP, so none of it gets through, while unencrypted overlays keep working.',
      pathIfEncrypted:
        "ESP (IP protocol 50) to {{peer}} is {{state}}: encrypted overlay networks travel inside ESP, so if the swarm has any (the manager's networks were not read), none of their traffic gets through between this host and that peer.",
    },
  },
  create(context) {
    return visit({
      Mesh(mesh) {
        leaks(context, mesh);
        const plain = new Map(mesh.pairs.filter((p) => p.network === 'plain').map((p) => [`${p.from}>${p.to}`, p]));
        // Only pairs the plain overlay connects: there the encrypted overlay's failure is ESP's.
        const carried = (p: MeshPair): boolean => {
          const q = plain.get(`${p.from}>${p.to}`);
          return q !== undefined && (q.verdict === 'ok' || q.verdict === 'mtu-blackhole');
        };
        const pairs = mesh.pairs.filter((p) => p.network === 'encrypted' && p.verdict !== 'untested' && carried(p));
        const bad = (p: MeshPair): boolean => p.verdict === 'unreachable';
        const network = networkName(mesh, 'encrypted');
        const failing = pairs.filter(bad);
        if (failing.length === 0) return;
        const evidence = espEvidence(mesh);
        if (failing.length === pairs.length && pairs.length >= 2) {
          const at = mesh.networks.find((n) => n.key === 'encrypted') ?? mesh;
          report(context, at, 'meshEverywhere', { network, count: String(pairs.length), evidence });
          return;
        }
        const grouped = faultsByNode(mesh, pairs, bad, (p) => p.verdict === 'ok' || p.verdict === 'mtu-blackhole');
        for (const fault of grouped.nodes)
          report(context, fault.node, 'meshNode', { node: fault.node.hostname, peers: nameList(fault.peers), network, evidence });
        for (const pair of grouped.pairs)
          report(context, pair, 'meshPair', {
            from: meshName(mesh, pair.from),
            to: meshName(mesh, pair.to),
            network,
            echo: echoWords(pair.small),
            evidence,
          });
      },
      Facts(facts) {
        const encryption = swarmEncryption(facts);
        // The swarm's networks are known and none is encrypted: ESP carries nothing.
        if (encryption.known && encryption.networks.length === 0) return;
        const networks = nameList(encryption.networks.map((n) => n.name));
        for (const v of facts.host?.firewall ?? []) {
          if (v.protocol !== 'esp' || !blocks(v)) continue;
          report(context, v, encryption.known ? 'firewall' : 'firewallIfEncrypted', { ...verdictWords(v), networks });
        }
        for (const peer of facts.peers) {
          const check = peer.checks.find((c) => c.protocol === 'esp' && (c.state === 'filtered' || c.state === 'closed'));
          if (!check) continue;
          report(context, check, encryption.known ? 'path' : 'pathIfEncrypted', {
            peer: peerLabel(facts, peer),
            state: check.state === 'closed' ? 'rejected (an ICMP error came back)' : 'filtered (nothing came back)',
            networks,
          });
        }
      },
    });
  },
});

/** The encryption-leak check: one finding per receiving node and sender with packets of the encrypted VNI. */
function leaks(context: Parameters<Parameters<typeof createRule>[0]['create']>[0], mesh: Mesh): void {
  const leak = mesh.leak;
  if (!leak?.vni) return;
  const network = networkName(mesh, 'encrypted');
  for (const counted of leak.nodes) {
    const at = mesh.nodes.find((n) => n.id === counted.node);
    if (!at) continue;
    for (const f of counted.from) {
      if (f.packets <= 0) continue;
      report(context, at, 'meshLeak', {
        to: at.hostname,
        from: meshName(mesh, f.from),
        count: String(f.packets),
        network,
        vni: String(leak.vni),
        port: String(leak.port),
        seconds: String(Math.round(counted.window_ms / 1000)),
      });
    }
  }
}

/** What the nodes' tasks noted about ESP or IPsec (`; node-1: …`), as evidence for the message; empty when nothing. */
function espEvidence(mesh: Mesh): string {
  const notes = mesh.nodes.flatMap((n) => (n.notes ?? []).filter((x) => /\b(esp|ipsec|xfrm)\b/i.test(x)).map((x) => `${n.hostname}: ${x}`));
  return notes.length > 0 ? `; the tasks noted: ${notes.slice(0, 3).join('; ')}` : '';
}
