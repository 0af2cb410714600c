import { createRule, report, visit } from './utils/create-rule.js';
import { peerInterfaces } from './utils/host.js';

export default createRule({
  name: 'vxlan-checksum-offload',
  meta: {
    type: 'problem',
    docs: {
      description:
        'An interface that carries overlay traffic should not use the vmxnet3 driver with `tx-checksum-ip-generic` on: VXLAN packets leave it with bad checksums on some VMware setups.',
      severity: 'warning',
      recommended: true,
      checks: ['preflight'],
      remediation:
        "Turn the offload off with `ethtool -K <interface> tx-checksum-ip-generic off` and make it survive reboots (NetworkManager's `ethtool.feature-tx-checksum-ip-generic off`, a udev rule or a systemd unit), or give the VM another network adapter type.",
    },
    schema: [],
    defaultOptions: [],
    messages: {
      offloadOn:
        'Interface `{{interface}}` uses the vmxnet3 driver with `tx-checksum-ip-generic` on, and {{carries}}: on some VMware setups VXLAN packets leave this offload with bad UDP checksums and are dropped, so the routing mesh and service names across nodes fail on this node while the other nodes work.',
    },
  },
  create(context) {
    return visit({
      Facts(facts) {
        const host = facts.host;
        if (!host) return;
        // The interfaces traffic to the peers leaves by; without peers, every interface that is up.
        const towardPeers = peerInterfaces(host, facts.peers);
        const candidates = towardPeers.length > 0 ? towardPeers : host.interfaces.filter((i) => i.up);
        const carries =
          towardPeers.length > 0
            ? 'this host reaches its peers through it'
            : 'it is up (no peer says which interface carries the overlays)';
        for (const iface of candidates) {
          if (iface.driver === 'vmxnet3' && iface.txChecksumIpGeneric === true)
            report(context, iface, 'offloadOn', { interface: iface.name, carries });
        }
      },
    });
  },
});
