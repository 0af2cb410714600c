import type { Network, Span } from '../language/model.js';
import { createRule, report, visit } from './utils/create-rule.js';
import { attachmentsOf, nameList, networksByName } from './utils/networks.js';
import { allowsOs, nodeMayMatch, pinnedTo } from './utils/node-platform.js';
import { swarmEncryption } from './utils/facts.js';
import { isWindows } from './utils/host.js';
import { clusterOf } from '../language/settings.js';

export default createRule({
  name: 'windows-encrypted-overlay',
  meta: {
    type: 'problem',
    docs: {
      description:
        'A service that can run on Windows nodes must not be attached to an encrypted overlay network: Windows does not support overlay encryption, and swarm gives no error.',
      severity: 'error',
      recommended: true,
      checks: ['stack', 'audit', 'preflight'],
      remediation:
        'Keep the service on Linux with the placement constraint `node.platform.os == linux`, or give its Windows tasks a network without `encrypted` (and encrypt at the application level, with TLS, instead).',
    },
    schema: [],
    defaultOptions: [],
    messages: {
      onWindows:
        'Service `{{service}}` is placed on Windows nodes (`{{constraint}}`) and attached to the encrypted network `{{network}}`: Windows does not support overlay encryption and swarm reports no error, so its tasks cannot reach Linux tasks on that network and their traffic to each other is not encrypted.',
      mayRunOnWindows:
        "Service `{{service}}` is attached to the encrypted network `{{network}}`, and no constraint keeps it off the cluster's {{windowsNodes}} Windows node(s): a task placed there gets no error, but cannot reach Linux tasks on that network and is not encrypted. Add `node.platform.os == linux`.",
      hostIsWindows:
        'This host (`{{host}}`) runs Windows, and the swarm has the encrypted overlay network(s) {{networks}}: Windows does not support overlay encryption and swarm reports no error, so tasks placed on this host on those networks cannot reach Linux tasks there, and their traffic is not encrypted. Keep those services off this node with `node.platform.os == linux`.',
      windowsNodesAllowed:
        'Service `{{service}}` is attached to the encrypted network `{{network}}`, and its constraints allow the Windows node(s) {{nodes}}: Windows does not support overlay encryption and swarm reports no error, so tasks placed there cannot reach Linux tasks on that network and are not encrypted.',
    },
  },
  create(context) {
    const cluster = clusterOf(context);
    const windowsNodes = cluster.windowsNodes ?? 0;
    const clusterEncrypted = new Set((cluster.networks ?? []).filter((n) => n.encrypted).map((n) => n.name));
    return visit({
      Stack(stack) {
        const networks = networksByName(stack);
        for (const service of stack.services) {
          const pinned = pinnedTo(service.constraints, 'windows');
          if (!pinned && !(windowsNodes > 0 && allowsOs(service.constraints, 'windows'))) continue;
          for (const { name, at } of attachmentsOf(service)) {
            const network = networks.get(name);
            // An external network's options live in the cluster: known only from an audit.
            if (!network || !(network.external ? clusterEncrypted.has(network.name) : network.encrypted)) continue;
            if (pinned) report(context, at, 'onWindows', { service: service.name, network: name, constraint: pinned.expression });
            else report(context, at, 'mayRunOnWindows', { service: service.name, network: name, windowsNodes });
          }
        }
      },
      Facts(facts) {
        // Preflight: this host is about to join a swarm that has encrypted overlays.
        const host = facts.host;
        const encrypted = swarmEncryption(facts).networks;
        if (host && isWindows(host) && encrypted.length > 0) {
          report(context, host, 'hostIsWindows', { host: host.hostname, networks: nameList(encrypted.map((n) => n.name)) });
        }
        const windows = facts.nodes.filter((n) => n.os.toLowerCase() === 'windows' && n.availability.toLowerCase() !== 'drain');
        const networks = networksByName(facts);
        const ingress = facts.networks.find((n) => n.ingress);
        for (const service of facts.services) {
          const allowed = windows.filter((n) => nodeMayMatch(service.constraints, n));
          if (allowed.length === 0) continue;
          const attached = new Map<Network, Span>();
          for (const entry of service.networks) {
            const network = networks.get(entry.name);
            if (network && !attached.has(network)) attached.set(network, entry);
          }
          // A service that publishes on the routing mesh is attached to ingress without listing it.
          const meshPort = service.ports.find((p) => p.mode === 'ingress');
          if (ingress && meshPort && !attached.has(ingress)) attached.set(ingress, meshPort);
          for (const [network, at] of attached) {
            if (!network.encrypted) continue;
            report(context, at, 'windowsNodesAllowed', {
              service: service.name,
              network: network.name,
              nodes: nameList(allowed.map((n) => n.hostname)),
            });
          }
        }
      },
    });
  },
});
