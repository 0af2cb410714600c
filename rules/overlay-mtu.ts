import type { Facts, Network, Stack } from '../engine/model.js';
import { createRule, report, textOf, visit } from './utils/create-rule.js';
import { networkSpan } from './utils/placement.js';
import { clusterOf } from './utils/settings.js';

interface Options {
  /** MTU of the network between the nodes; overrides the cluster profile and node facts. */
  underlayMtu?: number;
}

/** Ethernet's MTU: what Docker assumes when the option is unset, and what we assume of an unknown underlay. */
const DEFAULT_MTU = 1500;
/** VXLAN over IPv4: inner Ethernet 14 + VXLAN 8 + UDP 8 + outer IPv4 20 (libnetwork overlay `vxlanEncap`). */
const VXLAN_OVERHEAD = 50;
/** ESP in transport mode with rfc4106(gcm(aes)): SPI 4 + sequence 4 + IV 8 + pad length 1 + next header 1 + ICV 8. */
const ESP_OVERHEAD = 26;
/** The smallest MTU an IPv4 interface may have; the kernel refuses less. */
const MIN_MTU = 68;
/** The largest IP packet. */
const MAX_MTU = 65535;

/**
 * The MTU libnetwork gives the containers' interfaces on an overlay network (`maxMTU` in the overlay driver): the
 * option (default 1500) less VXLAN's 50 bytes, and when encrypted less ESP's 26, rounded down to a multiple of 4.
 */
function containerMtu(option: number, encrypted: boolean): number {
  const mtu = option - VXLAN_OVERHEAD;
  if (!encrypted) return mtu;
  const esp = mtu - ESP_OVERHEAD;
  return esp - (esp % 4);
}

/** Bytes an encapsulated full-size packet takes on the underlay (ESP needs no padding: the inner size is aligned). */
function packetSize(container: number, encrypted: boolean): number {
  return container + VXLAN_OVERHEAD + (encrypted ? ESP_OVERHEAD : 0);
}

interface Underlay {
  mtu: number;
  source: string;
}

export default createRule({
  name: 'overlay-mtu',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Packets of an overlay network must fit the MTU of the network between the nodes, and `com.docker.network.driver.mtu` must be a usable value.',
      severity: 'warning',
      recommended: true,
      remediation:
        "Set `com.docker.network.driver.mtu` under the network's `driver_opts` to the underlay MTU. Docker treats the option as the budget of the encapsulated packet and subtracts the VXLAN (50 bytes) and, on encrypted networks, ESP (26 bytes) overheads itself, so containers get the rest.",
    },
    schema: [
      {
        type: 'object',
        properties: { underlayMtu: { type: 'integer', minimum: MIN_MTU, maximum: MAX_MTU } },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{}] as [Options],
    messages: {
      tooLarge:
        'Network `{{network}}` would send overlay packets of {{packet}} bytes between nodes, but the underlay MTU is {{underlay}} ({{source}}): larger packets are fragmented or dropped, so small requests work while large responses and TLS handshakes hang. Docker takes `com.docker.network.driver.mtu` ({{option}}) as the budget of the encapsulated packet and gives containers {{container}}, after {{overhead}}.',
      invalid: 'Network `{{network}}` sets `com.docker.network.driver.mtu` to `{{value}}`, {{problem}}.',
    },
  },
  create(context, [options]) {
    const cluster = clusterOf(context);

    const underlayOf = (network: Network, root: Stack | Facts): Underlay => {
      if (options.underlayMtu !== undefined) return { mtu: options.underlayMtu, source: 'the rule option `underlayMtu`' };
      if (root.type === 'Facts') {
        const attached = network.nodes && network.nodes.length > 0 ? new Set(network.nodes) : undefined;
        let smallest: { mtu: number; node: string } | undefined;
        for (const node of root.nodes) {
          if (node.underlayMtu === undefined || (attached && !attached.has(node.id) && !attached.has(node.hostname))) continue;
          if (!smallest || node.underlayMtu < smallest.mtu) smallest = { mtu: node.underlayMtu, node: node.hostname };
        }
        if (smallest) return { mtu: smallest.mtu, source: `measured on node \`${smallest.node}\`` };
      }
      if (cluster.underlayMtu !== undefined) return { mtu: cluster.underlayMtu, source: '`cluster.underlayMtu`' };
      return { mtu: DEFAULT_MTU, source: 'assumed Ethernet default: set `cluster.underlayMtu`' };
    };

    const check = (root: Stack | Facts): void => {
      for (const network of root.networks) {
        if (network.external || network.driver !== 'overlay') continue;
        const at = network.at.mtu ?? networkSpan(network, root);
        if (network.mtu === undefined && network.at.mtu) {
          const value = textOf(context, network.at.mtu).replace(/^(['"])(.*)\1$/s, '$2');
          const problem = /^\s*-\d+\s*$/.test(value)
            ? 'which is negative: Docker refuses it ("invalid MTU value") when it creates the network on a node, so no task starts on it'
            : 'which is not a whole number: Docker fails to parse it when it creates the network on a node, so no task starts on it';
          report(context, at, 'invalid', { network: network.name, value, problem });
          continue;
        }
        const option = network.mtu ?? DEFAULT_MTU;
        const container = containerMtu(option, network.encrypted);
        if (option === 0) {
          report(context, at, 'invalid', {
            network: network.name,
            value: '0',
            problem: `which Docker takes as unset: packets get the default budget of ${String(DEFAULT_MTU)}`,
          });
          continue;
        }
        if (container < MIN_MTU || option > MAX_MTU) {
          const problem =
            option > MAX_MTU
              ? `above ${String(MAX_MTU)}, the largest IP packet: the kernel refuses the interfaces, so no task starts on the network`
              : `which leaves containers an MTU of ${String(container)}, below ${String(MIN_MTU)}, the least IPv4 allows: the kernel refuses the interfaces, so no task starts on the network`;
          report(context, at, 'invalid', { network: network.name, value: String(option), problem });
          continue;
        }
        const underlay = underlayOf(network, root);
        const packet = packetSize(container, network.encrypted);
        if (packet <= underlay.mtu) continue;
        report(context, at, 'tooLarge', {
          network: network.name,
          packet,
          underlay: underlay.mtu,
          source: underlay.source,
          option: network.mtu === undefined ? `unset, so ${String(DEFAULT_MTU)}` : String(option),
          container,
          overhead: `${String(option - container)} bytes of ${network.encrypted ? 'VXLAN, ESP and alignment' : 'VXLAN'}`,
        });
      }
    };

    return visit({ 'Stack:exit': check, 'Facts:exit': check });
  },
});
