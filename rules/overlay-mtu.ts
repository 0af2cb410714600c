import { echoNumber } from '../language/quote.js';
import type { Facts, Network, Span, Stack } from '../language/model.js';
import { createRule, report, visit } from './utils/create-rule.js';
import { managerAnswered } from './utils/facts.js';
import { linkTo } from './utils/host.js';
import { containerMtu, DEFAULT_MTU, MAX_MTU, MIN_MTU, packetSize } from './utils/mtu.js';
import { networkSpan } from './utils/placement.js';
import { clusterOf } from '../language/settings.js';

interface Options {
  /** MTU of the network between the nodes; overrides the cluster profile and node facts. */
  underlayMtu?: number;
}

interface Underlay {
  mtu: number;
  source: string;
  /** Where it was measured, when that is an object of the document (a peer's path). */
  at?: Span;
}

/** The MTU of the interface (or route) this host reaches each peer by, in a preflight document. */
function localLinks(facts: Facts): Underlay[] {
  return facts.peers.flatMap((peer) => {
    const link = linkTo(facts.host, peer);
    if (link?.mtu === undefined) return [];
    const source = link.byRoute
      ? `the \`mtu\` of this host's route to ${peer.address} (via \`${link.device}\`)`
      : `interface \`${link.device}\` of this host, which the route to ${peer.address} uses`;
    return [{ mtu: link.mtu, source, at: peer }];
  });
}

const smallest = (list: readonly Underlay[]): Underlay | undefined =>
  list.reduce<Underlay | undefined>((best, u) => (!best || u.mtu < best.mtu ? u : best), undefined);

export default createRule({
  name: 'overlay-mtu',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Packets of an overlay network must fit the MTU of the network between the nodes, and `com.docker.network.driver.mtu` must be a usable value.',
      severity: 'warning',
      recommended: true,
      checks: ['stack', 'audit', 'preflight'],
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
      notWholeNumber:
        'Network `{{network}}` sets `com.docker.network.driver.mtu`{{value}}, which is not a whole number: Docker fails to parse it when it creates the network on a node, so no task starts on it.',
      negative:
        'Network `{{network}}` sets `com.docker.network.driver.mtu`{{value}}, which is negative: Docker refuses it ("invalid MTU value") when it creates the network on a node, so no task starts on it.',
      zero: 'Network `{{network}}` sets `com.docker.network.driver.mtu` to `0`, which Docker takes as unset: packets get the default budget of {{default}}.',
      aboveMax:
        'Network `{{network}}` sets `com.docker.network.driver.mtu`{{value}}, above {{max}}, the largest IP packet: the kernel refuses the interfaces, so no task starts on the network.',
      containerBelowMin:
        'Network `{{network}}` sets `com.docker.network.driver.mtu`{{value}}, which leaves containers an MTU of {{container}}, below {{min}}, the least IPv4 allows: the kernel refuses the interfaces, so no task starts on the network.',
      defaultTooLarge:
        "The swarm's overlay networks send packets of up to {{packet}} bytes between nodes unless their `com.docker.network.driver.mtu` says otherwise (the manager's networks were not read, so the default is assumed), but the underlay MTU is {{underlay}} ({{source}}): larger packets are fragmented or dropped, so small requests work while large responses and TLS handshakes hang.",
    },
  },
  create(context, [options]) {
    const cluster = clusterOf(context);

    const fixed = (): Underlay | undefined => {
      if (options.underlayMtu !== undefined) return { mtu: options.underlayMtu, source: 'the rule option `underlayMtu`' };
      return undefined;
    };
    const fallback = (): Underlay => {
      if (cluster.underlayMtu !== undefined) return { mtu: cluster.underlayMtu, source: '`cluster.underlayMtu`' };
      return { mtu: DEFAULT_MTU, source: 'assumed Ethernet default: set `cluster.underlayMtu`' };
    };

    const underlayOf = (network: Network, root: Stack | Facts): Underlay => {
      const option = fixed();
      if (option) return option;
      if (root.type === 'Facts') {
        const attached = network.nodes && network.nodes.length > 0 ? new Set(network.nodes) : undefined;
        const measured: Underlay[] = [];
        for (const node of root.nodes) {
          if (node.underlayMtu === undefined || (attached && !attached.has(node.id) && !attached.has(node.hostname))) continue;
          measured.push({ mtu: node.underlayMtu, source: `measured on node \`${node.hostname}\`` });
        }
        // This host's own links (preflight): every overlay of the swarm will run over them once it joins.
        measured.push(...localLinks(root));
        const least = smallest(measured);
        if (least) return least;
      }
      return fallback();
    };

    /** A preflight document without the manager's networks: the overlays at their default option, ingress included. */
    const checkDefault = (facts: Facts): void => {
      if (facts.kind !== 'preflight' || managerAnswered(facts, 'networks')) return;
      const underlay = fixed() ?? smallest(localLinks(facts)) ?? fallback();
      const packet = packetSize(containerMtu(DEFAULT_MTU, false), false);
      if (packet <= underlay.mtu) return;
      report(context, underlay.at ?? facts.host ?? facts, 'defaultTooLarge', { packet, underlay: underlay.mtu, source: underlay.source });
    };

    const check = (root: Stack | Facts): void => {
      for (const network of root.networks) {
        if (network.external || network.driver !== 'overlay') continue;
        const at = network.at.mtu ?? networkSpan(network, root);
        if (network.mtu === undefined && network.at.mtu) {
          const value = network.driverOpts?.mtu ?? '';
          report(context, at, /^\s*-\d+\s*$/.test(value) ? 'negative' : 'notWholeNumber', {
            network: network.name,
            value: echoNumber(value),
          });
          continue;
        }
        const option = network.mtu ?? DEFAULT_MTU;
        const container = containerMtu(option, network.encrypted);
        if (option === 0) {
          report(context, at, 'zero', { network: network.name, default: DEFAULT_MTU });
          continue;
        }
        if (option > MAX_MTU) {
          report(context, at, 'aboveMax', { network: network.name, value: echoNumber(String(option)), max: MAX_MTU });
          continue;
        }
        if (container < MIN_MTU) {
          report(context, at, 'containerBelowMin', { network: network.name, value: echoNumber(String(option)), container, min: MIN_MTU });
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

    return visit({
      'Stack:exit': check,
      'Facts:exit'(facts) {
        check(facts);
        checkDefault(facts);
      },
    });
  },
});
