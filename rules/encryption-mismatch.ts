import type { Network, SwarmNode } from '../language/model.js';
import { createRule, report, visit } from './utils/create-rule.js';
import { encryptionMatchOf, parseEngineVersion } from './utils/version.js';
import { nameList, nameSpan } from './utils/networks.js';

/** Values people write to mean "off"; the driver ignores them (it only looks for the key). */
const OFF = /^(false|no|off|n|0|disabled?|none)$/i;

/**
 * Engines from before the fixes for CVE-2023-28840/28841/28842 (20.10.24 and 23.0.3): without the `xt_u32`
 * match they set up an encrypted network with no error and send its traffic in clear.
 */
function unpatched(text: string): boolean {
  const version = parseEngineVersion(text);
  return version !== undefined && encryptionMatchOf(version) === 'u32-silent';
}

/** The nodes a facts network is known to be attached to (all nodes when the facts do not say). */
function nodesOf(network: Network, nodes: readonly SwarmNode[]): SwarmNode[] {
  const on = new Set(network.nodes ?? []);
  return on.size === 0 ? [...nodes] : nodes.filter((n) => on.has(n.id) || on.has(n.hostname));
}

export default createRule({
  name: 'encryption-mismatch',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Whether an overlay network is encrypted must be what the file says: `encrypted: "false"` still encrypts, and engines from before the CVE-2023-28840/41/42 fixes can send an encrypted network in clear.',
      severity: 'warning',
      recommended: true,
      checks: ['stack', 'audit'],
      remediation:
        'To leave a network unencrypted, remove the `encrypted` option rather than setting it to `"false"`, and recreate the network. Upgrade every node to Docker Engine 20.10.24, 23.0.3 or later before relying on encryption.',
    },
    schema: [],
    defaultOptions: [],
    messages: {
      encryptedFalse:
        'Network `{{network}}` sets `encrypted: {{value}}`, but the overlay driver encrypts whenever the `encrypted` option is present, whatever its value: this network is encrypted, with the firewall (ESP), kernel and throughput requirements that come with it. Remove the option to leave the network unencrypted.',
      unpatchedEngines:
        "Network `{{network}}` is encrypted, but node(s) {{nodes}} run Docker Engine older than 20.10.24 / 23.0.3: where the kernel lacks the `xt_u32` match, those engines send the network's traffic unencrypted without any error (CVE-2023-28841, with CVE-2023-28840 and CVE-2023-28842). Upgrade them.",
    },
  },
  create(context) {
    /** `nodes`: the nodes of an audit, whose engine versions matter; none for a stack file. */
    const check = (network: Network, nodes: readonly SwarmNode[]): void => {
      if (!network.encrypted || network.driver !== 'overlay') return;
      const at = network.at.encrypted ?? nameSpan(network);
      const value = network.driverOpts?.encrypted;
      if (value !== undefined && OFF.test(value.trim())) {
        report(context, at, 'encryptedFalse', { network: network.name, value: JSON.stringify(value) });
        return;
      }
      const old = nodesOf(network, nodes).filter((n) => unpatched(n.engineVersion));
      if (old.length > 0) {
        const names = nameList(old.map((n) => `${n.hostname} (${n.engineVersion})`));
        report(context, at, 'unpatchedEngines', { network: network.name, nodes: names });
      }
    };
    return visit({
      Stack(stack) {
        for (const network of stack.networks) check(network, []);
      },
      Facts(facts) {
        for (const network of facts.networks) check(network, facts.nodes);
      },
    });
  },
});
