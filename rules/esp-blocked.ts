import { createRule, report, visit } from './utils/create-rule.js';
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
        "When the swarm has encrypted overlay networks, IP protocol 50 (ESP) must pass between this host and its peers: this host's firewall must accept it, and the path to each peer must carry it.",
      severity: 'error',
      recommended: true,
      checks: ['preflight'],
      remediation:
        "Accept IP protocol 50 (ESP) from the other nodes, in this host's firewall (`iptables -I INPUT -p esp -s <node subnet> -j ACCEPT`, or `firewall-cmd --permanent --add-protocol=esp`) and in every firewall or security group between the nodes, where ESP is a protocol of its own, not a port.",
      messageSeverity: { firewallIfEncrypted: 'warning', pathIfEncrypted: 'warning' },
    },
    schema: [],
    defaultOptions: [],
    messages: {
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
