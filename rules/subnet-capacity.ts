import type { Facts, Network, Service, Span, Stack } from '../language/model.js';
import { createRule, report, visit } from './utils/create-rule.js';
import { defaultIngressSubnet, parseLenient, usableAddresses, usableForPrefix } from './utils/cidr.js';
import { describeNodes, desiredTasks, nodeCountOf, nodesWithTasks, networkSpan, servicesOn, type NodeCount } from './utils/placement.js';
import { clusterOf } from '../language/settings.js';

interface Options {
  /** Warn when a network would use more than this share of its usable addresses (percent). */
  warnPercent: number;
  /** Error when it would use more than this share (percent). */
  errorPercent: number;
}

const DEFAULT_SUBNET_SIZE = 24;

interface Capacity {
  usable: number;
  /** For messages: `10.0.1.0/24`, `10.0.1.0/24 + 10.0.2.0/24`, `its /24 from the address pool`. */
  subnet: string;
}

/** What the network's endpoints need, by kind. */
interface Need {
  tasks: number;
  vips: number;
  endpoints: number;
}

export default createRule({
  name: 'subnet-capacity',
  meta: {
    type: 'problem',
    docs: {
      description:
        "A network's subnet must hold an address for every task, every virtual IP and every node's load-balancer endpoint on it, with room to spare.",
      severity: 'error',
      recommended: true,
      checks: ['stack', 'audit'],
      remediation:
        'Give the network a larger subnet (`ipam.config[].subnet`, e.g. a /22 for about 1000 addresses), split the services over several networks, or use `endpoint_mode: dnsrr` for services that need no virtual IP.',
      messageSeverity: { nearlyFull: 'warning', ingressNearlyFull: 'warning' },
    },
    schema: [
      {
        type: 'object',
        properties: {
          warnPercent: { type: 'number', minimum: 1, maximum: 100 },
          errorPercent: { type: 'number', minimum: 1, maximum: 100 },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ warnPercent: 80, errorPercent: 100 }] as [Options],
    messages: {
      exhausted:
        'Network `{{network}}` needs {{needed}} addresses, {{share}} in {{subnet}}: {{tasks}} tasks, {{vips}} virtual IPs and {{endpoints}} load-balancer endpoints (one per node the network is on, of {{nodes}}). Tasks that find no address stay in NEW ("could not find an available IP") and their service never converges.',
      nearlyFull:
        'Network `{{network}}` would use {{needed}} of the {{usable}} usable addresses of {{subnet}} ({{percent}}%): {{tasks}} tasks, {{vips}} virtual IPs and {{endpoints}} load-balancer endpoints (one per node the network is on, of {{nodes}}). Little is left for scaling, `start-first` updates and tasks that hold their address while they shut down.',
      ingressExhausted:
        'The services of this stack that publish ports in ingress mode alone need {{needed}} addresses on the ingress network, {{share}} in {{subnet}}: {{tasks}} tasks, {{vips}} virtual IPs and {{endpoints}} ingress endpoints (one per node, of {{nodes}}). Tasks that find no address stay in NEW ("could not find an available IP").',
      ingressNearlyFull:
        'The services of this stack that publish ports in ingress mode alone would use {{needed}} of the {{usable}} usable addresses of the ingress network ({{subnet}}, {{percent}}%): {{tasks}} tasks, {{vips}} virtual IPs and {{endpoints}} ingress endpoints (one per node, of {{nodes}}), before any other stack publishes a port.',
    },
  },
  create(context, [options]) {
    const cluster = clusterOf(context);

    /** Usable addresses of the subnets; every task takes one of each family, so the smaller family decides. */
    const capacityOf = (subnets: readonly string[], poolSize: number): Capacity | undefined => {
      const parsed = subnets.map(parseLenient).filter((c) => c !== undefined);
      // Subnets that are not CIDRs at all stop the deployment; subnet-overlap reports them.
      if (parsed.length < subnets.length) return undefined;
      const families: Capacity[] = [];
      for (const family of [4, 6] as const) {
        const own = parsed.filter((c) => c.family === family);
        if (own.length > 0)
          families.push({ usable: own.reduce((sum, c) => sum + usableAddresses(c), 0), subnet: own.map((c) => c.text).join(' + ') });
        // An overlay network always has IPv4: swarm takes a subnet from the pool when none is declared.
        else if (family === 4)
          families.push({ usable: usableForPrefix(4, poolSize), subnet: `its /${String(poolSize)} from the address pool` });
      }
      return families.reduce((a, b) => (b.usable < a.usable ? b : a));
    };

    const poolSizeOf = (root: Stack | Facts): number => {
      const size = (root.type === 'Facts' ? root.swarm?.subnetSize : undefined) ?? cluster.subnetSize;
      return size !== undefined && Number.isInteger(size) && size >= 1 && size <= 32 ? size : DEFAULT_SUBNET_SIZE;
    };

    const judge = (
      at: Span,
      ids: { full: 'exhausted' | 'ingressExhausted'; nearly: 'nearlyFull' | 'ingressNearlyFull' },
      network: string,
      need: Need,
      capacity: Capacity,
      nodes: NodeCount,
    ): void => {
      const needed = need.tasks + need.vips + need.endpoints;
      if (needed === 0) return;
      const { usable, subnet } = capacity;
      const data = { network, needed, subnet, ...need, nodes: describeNodes(nodes) };
      const percent = Math.round((needed * 100) / usable);
      if (needed > (usable * options.errorPercent) / 100) {
        const share =
          usable === 0
            ? 'and none is usable'
            : needed > usable
              ? `more than the ${String(usable)} usable (${String(percent)}%)`
              : `${String(percent)}% of the ${String(usable)} usable, above the ${String(options.errorPercent)}% limit`;
        report(context, at, ids.full, { ...data, share });
      } else if (needed > (usable * options.warnPercent) / 100) report(context, at, ids.nearly, { ...data, usable, percent });
    };

    const vipsOf = (services: readonly Service[]): number => services.filter((s) => s.endpointMode === 'vip').length;
    const tasksOf = (services: readonly Service[], nodes: NodeCount): number =>
      services.reduce((sum, s) => sum + desiredTasks(s, nodes.count), 0);
    const plain = { full: 'exhausted', nearly: 'nearlyFull' } as const;

    const checkStack = (stack: Stack): void => {
      const nodes = nodeCountOf(context, stack);
      const poolSize = poolSizeOf(stack);
      for (const network of stack.networks) {
        if (network.external || network.driver !== 'overlay') continue;
        const capacity = capacityOf(
          network.subnets.map((s) => s.cidr),
          poolSize,
        );
        if (!capacity) continue;
        const services = servicesOn(network, stack);
        const need = { tasks: tasksOf(services, nodes), vips: vipsOf(services), endpoints: nodesWithTasks(services, nodes.count) };
        judge(networkSpan(network, stack), plain, network.name, need, capacity, nodes);
      }

      // The ingress network: every service publishing in ingress mode is on it, and every node has an endpoint.
      const publishing = stack.services.filter((s) => s.ports.some((p) => p.mode === 'ingress'));
      const first = publishing[0]?.ports.find((p) => p.mode === 'ingress');
      if (!first) return;
      const known = cluster.networks?.find((n) => n.name === 'ingress');
      const capacity = capacityOf(
        known ? known.subnets : [cluster.ingressSubnet ?? defaultIngressSubnet(cluster.defaultAddrPools, poolSize)],
        poolSize,
      );
      if (!capacity) return;
      const need = { tasks: tasksOf(publishing, nodes), vips: vipsOf(publishing), endpoints: nodes.count };
      judge(first, { full: 'ingressExhausted', nearly: 'ingressNearlyFull' }, 'ingress', need, capacity, nodes);
    };

    /** An audit counts what the cluster holds: attachments, virtual IPs, and the nodes each network is on. */
    const checkFacts = (facts: Facts): void => {
      const nodes = nodeCountOf(context, facts);
      const poolSize = poolSizeOf(facts);
      for (const network of facts.networks) {
        if (network.driver !== 'overlay') continue;
        const capacity = capacityOf(
          network.subnets.map((s) => s.cidr),
          poolSize,
        );
        if (!capacity) continue;
        const services = servicesOn(network, facts);
        const running = (s: Service): number =>
          s.tasksByNode ? Object.values(s.tasksByNode).reduce((a, b) => a + b, 0) : desiredTasks(s, nodes.count);
        const need: Need = {
          tasks: network.attachments ?? services.reduce((sum, s) => sum + running(s), 0),
          vips: vipsOf(services),
          endpoints: attachedNodes(network, services, nodes),
        };
        judge(network, plain, network.name, need, capacity, nodes);
      }
    };

    return visit({ 'Stack:exit': checkStack, 'Facts:exit': checkFacts });
  },
});

/**
 * Nodes a network of the cluster is on: as the audit lists them, else every node for ingress, else the nodes its
 * services have tasks on, else an estimate.
 */
function attachedNodes(network: Network, services: readonly Service[], nodes: NodeCount): number {
  if (network.nodes && network.nodes.length > 0) return network.nodes.length;
  if (network.ingress) return nodes.count;
  const withTasks = new Set(services.flatMap((s) => Object.entries(s.tasksByNode ?? {}).flatMap(([node, n]) => (n > 0 ? [node] : []))));
  return withTasks.size > 0 ? withTasks.size : nodesWithTasks(services, nodes.count);
}
