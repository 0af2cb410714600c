import type { JSONSchema4 } from '@typescript-eslint/utils/json-schema';
import type { Facts, Host, Network, Span, Stack, Subnet } from '../language/model.js';
import { createRule, report, visit } from './utils/create-rule.js';
import {
  addressCidr,
  contains,
  DEFAULT_ADDRESS_POOLS,
  defaultIngressSubnet,
  overlaps,
  parseCidr,
  parseLenient,
  poolSubnetsBefore,
  bitsOf,
  type Cidr,
  type CidrProblem,
} from './utils/cidr.js';
import { managerAnswered } from './utils/facts.js';
import { clusterOf, type ClusterProfile } from '../language/settings.js';

interface NamedCidr {
  cidr: string;
  name?: string;
}

interface Options {
  /** More ranges the networks must stay clear of (routed networks, peered VPCs). */
  avoid: NamedCidr[];
  /** The bridges every node has (default docker_gwbridge and docker0 at their usual subnets); `[]` for none. */
  hostBridges: NamedCidr[];
  /** Warn about subnets in the swarm's default address pools. */
  addressPools: boolean;
  /** Warn only when fewer pool subnets than this come before the declared one (Docker allocates in order). */
  poolHeadroom: number;
}

/** docker0 takes the first of the daemon's local pools, docker_gwbridge usually the next one. */
const DEFAULT_BRIDGES: NamedCidr[] = [
  { cidr: '172.18.0.0/16', name: 'docker_gwbridge' },
  { cidr: '172.17.0.0/16', name: 'docker0' },
];

type ReservedId = 'overlapsIngress' | 'overlapsExisting' | 'overlapsHostBridge' | 'overlapsSite';

/** A range a stack's subnets must not overlap, with the message that says why. */
interface Reserved {
  cidr: Cidr;
  messageId: ReservedId;
  data: Record<string, string>;
  /** The existing network the range belongs to. */
  owner?: string;
}

/** What a host's range must not overlap (preflight), with the message that says why. */
interface HostReserved {
  cidr: Cidr;
  messageId: 'hostOverlapsIngress' | 'hostOverlapsNetwork' | 'hostOverlapsBridge';
  data: Record<string, string>;
}

/** An address range of this host (preflight): an interface's on-link network, or a route's destination. */
interface HostRange {
  cidr: Cidr;
  /** `This host's interface \`eth0\` (192.168.1.10/24)`, for messages. */
  what: string;
  /** The interface it is on. */
  device: string;
  at: Span;
}

/** Ranges that are never the site's: loopback, link-local, multicast (parsed on first use: lint needs none). */
let notSite: Cidr[] | undefined;
const notSiteRanges = (): Cidr[] =>
  (notSite ??= ['127.0.0.0/8', '169.254.0.0/16', '224.0.0.0/4', '::1/128', 'fe80::/10', 'ff00::/8']
    .map(parseLenient)
    .filter((c) => c !== undefined));

/** This host's addresses and routes, each once: a route the kernel made for an interface's address is that address. */
function hostRanges(host: Host): HostRange[] {
  const out: HostRange[] = [];
  const keep = (cidr: Cidr | undefined): cidr is Cidr =>
    cidr !== undefined && cidr.prefix > 0 && !notSiteRanges().some((n) => contains(n, cidr));
  for (const iface of host.interfaces) {
    for (const address of iface.addresses) {
      const cidr = parseLenient(address);
      if (keep(cidr)) out.push({ cidr, what: `This host's interface \`${iface.name}\` (${address})`, device: iface.name, at: iface });
    }
  }
  for (const route of host.routes) {
    const cidr = route.destination === 'default' ? undefined : parseLenient(route.destination);
    if (!keep(cidr) || out.some((r) => r.device === route.device && r.cidr.text === cidr.text)) continue;
    out.push({ cidr, what: `This host's route to ${cidr.text} (\`${route.device}\`)`, device: route.device, at: route });
  }
  return out;
}

const namedCidrSchema: JSONSchema4 = {
  type: 'object',
  required: ['cidr'],
  properties: { cidr: { type: 'string', minLength: 3 }, name: { type: 'string' } },
  additionalProperties: false,
};

const messages = {
  notCidr:
    'Subnet `{{subnet}}` of network `{{network}}` is not in CIDR notation (ADDRESS/PREFIX-LENGTH); Docker refuses the network as an invalid subnet, so the stack does not deploy.',
  badAddress:
    'Subnet `{{subnet}}` of network `{{network}}` `{{address}}` is not an IPv4 or IPv6 address; Docker refuses the network as an invalid subnet, so the stack does not deploy.',
  badPrefixLength:
    'Subnet `{{subnet}}` of network `{{network}}` `{{length}}` is not a prefix length; Docker refuses the network as an invalid subnet, so the stack does not deploy.',
  prefixTooLong:
    'Subnet `{{subnet}}` of network `{{network}}` has prefix length /{{prefix}}, but IPv{{family}} allows 0 to {{bits}}; Docker refuses the network as an invalid subnet, so the stack does not deploy.',
  hostBits:
    'Subnet `{{subnet}}` of network `{{network}}` has host bits set: Docker Engine 25 and later refuse it ("invalid subnet: it should be {{masked}}"), older engines silently use {{masked}}.',
  overlapsStackSubnet:
    'Subnet {{subnet}} of network `{{network}}` overlaps {{other}} of network `{{otherNetwork}}`, declared earlier in this stack: Docker refuses the later one ("Pool overlaps with other one on this address space"), so `docker stack deploy` fails.',
  overlapsIngress:
    'Subnet {{subnet}} of network `{{network}}` overlaps the ingress network ({{ingress}}): Docker refuses it ("Pool overlaps with other one on this address space"), so `docker stack deploy` fails.',
  overlapsExisting:
    'Subnet {{subnet}} of network `{{network}}` overlaps {{cidr}} of the existing network `{{existing}}`: Docker refuses it ("Pool overlaps with other one on this address space"), so `docker stack deploy` fails.',
  overlapsHostBridge:
    "Subnet {{subnet}} of network `{{network}}` overlaps {{bridge}} ({{cidr}}) on the nodes: inside the tasks the overlay's route claims those addresses, so traffic for them goes into the overlay (docker_gwbridge also carries the tasks' traffic out of the node).",
  overlapsSite:
    "Subnet {{subnet}} of network `{{network}}` overlaps {{site}} ({{cidr}}): inside the tasks the overlay's route claims those addresses, so tasks cannot reach the hosts there.",
  overlapsNodeAddress:
    "Subnet {{subnet}} of network `{{network}}` holds {{nodes}}, the underlay address of a node: inside the tasks the overlay's route claims it, so tasks cannot reach that node, and traffic meant for it stays in the overlay.",
  overlapsNetwork:
    'Subnet {{subnet}} of network `{{network}}` overlaps {{other}} of network `{{otherNetwork}}`: tasks and nodes attached to both cannot tell which network an address is on, so traffic for one goes to the other.',
  hostOverlapsIngress:
    "{{what}} overlaps the ingress network's subnet {{ingress}}{{note}}: once this host joins, the routing mesh here and the tasks of services that publish ports route {{range}} into the overlay, so they cannot reach the hosts there.",
  hostOverlapsNetwork:
    '{{what}} overlaps subnet {{subnet}} of the swarm network `{{network}}`: tasks on that network route those addresses into the overlay, so on this host they cannot reach {{range}}.',
  hostOverlapsBridge:
    '{{what}} overlaps {{bridge}} ({{cidr}}{{note}}): this host then has two routes for those addresses, so traffic meant for one of the two networks goes to the other, and containers here cannot reach {{range}}.',
  hostInsideAddressPool:
    "{{what}} lies early in the swarm's default address pool {{pool}}: only {{before}} /{{size}} subnets come before it, and Docker hands them out in order to networks created without a subnet, so one of the swarm's next networks will cover {{range}} and its tasks will not reach the hosts there.",
  insideAddressPool:
    'Subnet {{subnet}} of network `{{network}}` lies early in the swarm\'s default address pool {{pool}}, from which Docker hands out /{{size}} subnets in order to networks created without one: only {{before}} come before it, so once the swarm has created that many networks, Docker refuses this one ("Pool overlaps with other one on this address space").',
};

type SubnetMessageId = keyof typeof messages;

/** What a check needs: the rule's options, the cluster profile, and a report at a model span. */
interface Check {
  options: Options;
  cluster: ClusterProfile;
  report: (at: Span, messageId: SubnetMessageId, data: Record<string, string | number>) => void;
}

const poolsOf = (texts: readonly string[]): Cidr[] => texts.map(parseLenient).filter((c) => c !== undefined);

function sites(check: Check): Reserved[] {
  const out: Reserved[] = [];
  for (const [list, label] of [
    [check.cluster.siteCidrs ?? [], 'the site network'],
    [check.options.avoid, 'the range to avoid'],
  ] as const) {
    for (const site of list) {
      const cidr = parseLenient(site.cidr);
      if (cidr)
        out.push({ cidr, messageId: 'overlapsSite', data: { site: site.name ? `${label} \`${site.name}\`` : label, cidr: cidr.text } });
    }
  }
  return out;
}

/** Everything a stack's subnets must stay clear of, besides each other. */
function reservedForStack(check: Check): Reserved[] {
  const out: Reserved[] = [];
  const existing = check.cluster.networks ?? [];
  const ingress = existing.find((n) => n.name === 'ingress');
  for (const text of ingress
    ? ingress.subnets
    : [check.cluster.ingressSubnet ?? defaultIngressSubnet(check.cluster.defaultAddrPools, check.cluster.subnetSize)]) {
    const cidr = parseLenient(text);
    if (cidr) out.push({ cidr, messageId: 'overlapsIngress', data: { ingress: cidr.text } });
  }
  for (const network of existing) {
    if (network === ingress) continue;
    const local = network.scope === 'local';
    for (const text of network.subnets) {
      const cidr = parseLenient(text);
      if (!cidr) continue;
      out.push(
        local
          ? { cidr, messageId: 'overlapsHostBridge', data: { bridge: `the local network \`${network.name}\``, cidr: cidr.text } }
          : { cidr, messageId: 'overlapsExisting', data: { existing: network.name, cidr: cidr.text }, owner: network.name },
      );
    }
  }
  for (const bridge of check.options.hostBridges) {
    const cidr = parseLenient(bridge.cidr);
    if (!cidr || existing.some((n) => n.name === bridge.name)) continue;
    out.push({
      cidr,
      messageId: 'overlapsHostBridge',
      data: { bridge: bridge.name ? `\`${bridge.name}\`` : 'a bridge', cidr: cidr.text },
    });
  }
  out.push(...sites(check));
  return out;
}

const nodeList = (held: readonly { name: string; address: string }[]): string =>
  [...held]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((n) => `node \`${n.name}\` (${n.address})`)
    .join(', ');

/** Node addresses as host routes (/32, /128), to test them with the same overlap arithmetic. */
const nodeAddresses = (nodes: readonly { name: string; address: string }[]): { name: string; address: string; cidr: Cidr }[] =>
  nodes.flatMap((n) => {
    const cidr = addressCidr(n.address);
    return cidr ? [{ ...n, cidr }] : [];
  });

function reportMalformed(check: Check, network: Network, subnet: Subnet, problem: CidrProblem): void {
  const base = { subnet: subnet.cidr, network: network.name };
  switch (problem.kind) {
    case 'notation':
      check.report(subnet, 'notCidr', base);
      break;
    case 'address':
      check.report(subnet, 'badAddress', { ...base, address: problem.address });
      break;
    case 'prefixLength':
      check.report(subnet, 'badPrefixLength', { ...base, length: problem.length });
      break;
    case 'prefix':
      check.report(subnet, 'prefixTooLong', {
        ...base,
        prefix: problem.prefix,
        family: problem.family,
        bits: bitsOf(problem.family),
      });
      break;
    case 'hostBits':
      check.report(subnet, 'hostBits', { ...base, masked: problem.masked.text });
      break;
  }
}

/**
 * The default address pool a range lies early in (fewer than `poolHeadroom` /size subnets before it), which Docker
 * will hand out to a network created without a subnet; undefined when the option is off or there is room.
 */
function earlyInPool(
  check: Check,
  cidr: Cidr,
  pools: readonly Cidr[],
  size: number,
): { pool: string; size: string; before: string } | undefined {
  const pool = check.options.addressPools ? pools.find((p) => overlaps(cidr, p)) : undefined;
  const before = pool ? poolSubnetsBefore(cidr, pool, size) : undefined;
  if (!pool || before === undefined || before >= check.options.poolHeadroom) return undefined;
  return { pool: pool.text, size: String(size), before: String(before) };
}

/** A stack's subnets: valid, and clear of each other, the cluster's networks and bridges, the site and the nodes. */
function checkStack(check: Check, stack: Stack): void {
  // Most stacks declare no subnet: then nothing is parsed.
  if (!stack.networks.some((n) => !n.external && n.subnets.length > 0)) return;
  const reserved = reservedForStack(check);
  const pools = poolsOf(check.cluster.defaultAddrPools ?? DEFAULT_ADDRESS_POOLS);
  const seen: { network: Network; subnet: Subnet; cidr: Cidr }[] = [];
  for (const network of stack.networks) {
    if (network.external) continue;
    for (const subnet of network.subnets) {
      const parsed = parseCidr(subnet.cidr);
      if (!parsed.ok) {
        reportMalformed(check, network, subnet, parsed.problem);
        continue;
      }
      const cidr = parsed.cidr;
      const base = { subnet: subnet.cidr, network: network.name };
      let clashes = 0;
      for (const earlier of seen) {
        if (!overlaps(cidr, earlier.cidr)) continue;
        clashes++;
        check.report(subnet, 'overlapsStackSubnet', { ...base, other: earlier.subnet.cidr, otherNetwork: earlier.network.name });
      }
      for (const r of reserved) {
        // An existing network named `<stack>_<key>` is this network, deployed before.
        if (!overlaps(cidr, r.cidr) || r.owner === `${stack.name}_${network.name}`) continue;
        clashes++;
        check.report(subnet, r.messageId, { ...base, ...r.data });
      }
      const held = nodeAddresses(check.cluster.nodeAddresses ?? []).filter((n) => overlaps(cidr, n.cidr));
      if (held.length > 0) {
        clashes++;
        check.report(subnet, 'overlapsNodeAddress', { ...base, nodes: nodeList(held) });
      }
      const early = clashes === 0 ? earlyInPool(check, cidr, pools, check.cluster.subnetSize ?? 24) : undefined;
      if (early) check.report(subnet, 'insideAddressPool', { ...base, ...early });
      seen.push({ network, subnet, cidr });
    }
  }
}

/** A facts document holds the real networks: each against the others and the site's ranges. */
function checkFacts(check: Check, facts: Facts): void {
  const addresses = nodeAddresses(facts.nodes.map((n) => ({ name: n.hostname, address: n.address })));
  const reserved = sites(check);
  const seen: { network: Network; subnet: Subnet; cidr: Cidr }[] = [];
  for (const network of facts.networks) {
    const local = network.scope === 'local';
    for (const subnet of network.subnets) {
      const cidr = parseLenient(subnet.cidr);
      if (!cidr) continue;
      const base = { subnet: cidr.text, network: network.name };
      for (const earlier of seen) {
        // Each node's local networks are the daemon's business, and are refused there when they clash.
        if (earlier.network === network || (local && earlier.network.scope === 'local') || !overlaps(cidr, earlier.cidr)) continue;
        check.report(subnet, 'overlapsNetwork', { ...base, other: earlier.cidr.text, otherNetwork: earlier.network.name });
      }
      for (const r of reserved) if (overlaps(cidr, r.cidr)) check.report(subnet, r.messageId, { ...base, ...r.data });
      const held = addresses.filter((n) => overlaps(cidr, n.cidr));
      if (held.length > 0) check.report(subnet, 'overlapsNodeAddress', { ...base, nodes: nodeList(held) });
      seen.push({ network, subnet, cidr });
    }
  }
}

/** What this host's ranges must stay clear of once it joins: the ingress network, the swarm's other networks, the bridges. */
function reservedForHost(check: Check, facts: Facts, host: Host): HostReserved[] {
  const known = managerAnswered(facts, 'networks');
  const reserved: HostReserved[] = [];
  const ingress = facts.networks.filter((n) => n.ingress);
  if (known) {
    for (const subnet of ingress.flatMap((n) => n.subnets)) {
      const cidr = parseLenient(subnet.cidr);
      if (cidr) reserved.push({ cidr, messageId: 'hostOverlapsIngress', data: { ingress: cidr.text, note: '' } });
    }
  } else {
    const profile =
      (check.cluster.networks ?? []).find((n) => n.name === 'ingress')?.subnets ??
      (check.cluster.ingressSubnet ? [check.cluster.ingressSubnet] : undefined);
    const pools = facts.swarm?.defaultAddrPools.length ? facts.swarm.defaultAddrPools : check.cluster.defaultAddrPools;
    const texts = profile ?? [defaultIngressSubnet(pools, facts.swarm?.subnetSize ?? check.cluster.subnetSize)];
    const note = profile ? ' (from the cluster profile)' : " (the default: the manager's networks were not read)";
    for (const cidr of poolsOf(texts)) reserved.push({ cidr, messageId: 'hostOverlapsIngress', data: { ingress: cidr.text, note } });
  }
  for (const network of facts.networks) {
    if (network.ingress || network.scope === 'local') continue;
    for (const subnet of network.subnets) {
      const cidr = parseLenient(subnet.cidr);
      if (cidr) reserved.push({ cidr, messageId: 'hostOverlapsNetwork', data: { subnet: cidr.text, network: network.name } });
    }
  }
  // The bridges as this host has them, else at their usual subnets.
  for (const bridge of check.options.hostBridges) {
    const name = bridge.name ? `\`${bridge.name}\`` : 'a bridge';
    const actual = host.interfaces.find((i) => i.name === bridge.name);
    const cidrs = actual ? poolsOf(actual.addresses) : poolsOf([bridge.cidr]);
    const note = actual ? ', as this host has it' : ', its usual subnet';
    for (const cidr of cidrs) {
      reserved.push({ cidr, messageId: 'hostOverlapsBridge', data: { bridge: name, cidr: cidr.text, note } });
    }
  }
  return reserved;
}

/**
 * Preflight: this host's addresses and routes against what the swarm will bring when it joins: the ingress
 * network, the swarm's other networks, the bridges (docker_gwbridge, docker0) and the default address pools.
 */
function checkHost(check: Check, facts: Facts, host: Host): void {
  const reserved = reservedForHost(check, facts, host);
  const pools = poolsOf(
    facts.swarm?.defaultAddrPools.length ? facts.swarm.defaultAddrPools : (check.cluster.defaultAddrPools ?? DEFAULT_ADDRESS_POOLS),
  );
  const size = facts.swarm?.subnetSize ?? check.cluster.subnetSize ?? 24;
  const bridgeNames = new Set(check.options.hostBridges.flatMap((b) => (b.name ? [b.name] : [])));
  const dockerBridge = (device: string): boolean => bridgeNames.has(device) || device.startsWith('br-');
  for (const range of hostRanges(host)) {
    const base = { what: range.what, range: range.cidr.text };
    let clashes = 0;
    for (const r of reserved) {
      // Docker's own bridges (these, and `br-…` of local networks) come from its local pools, which it
      // allocates without overlaps: they are not compared with each other.
      if ((r.messageId === 'hostOverlapsBridge' && dockerBridge(range.device)) || !overlaps(range.cidr, r.cidr)) continue;
      clashes++;
      check.report(range.at, r.messageId, { ...base, ...r.data });
    }
    const early = clashes === 0 ? earlyInPool(check, range.cidr, pools, size) : undefined;
    if (early) check.report(range.at, 'hostInsideAddressPool', { ...base, ...early });
  }
}

export default createRule({
  name: 'subnet-overlap',
  meta: {
    type: 'problem',
    docs: {
      description:
        "Subnets declared for networks must not overlap each other, the ingress network, existing networks, the nodes' bridges or the site's networks, and must be valid CIDRs.",
      severity: 'error',
      recommended: true,
      checks: ['stack', 'audit', 'preflight'],
      remediation:
        "Give the network a subnet that overlaps nothing else (`ipam.config[].subnet`), outside the swarm's default address pools and the site's networks. When the clash is with the ingress network or the address pools themselves, move those instead: recreate ingress with `--subnet`, or initialise the swarm with `--default-addr-pool`.",
      messageSeverity: { insideAddressPool: 'warning', hostInsideAddressPool: 'warning' },
    },
    schema: [
      {
        type: 'object',
        properties: {
          avoid: { type: 'array', items: namedCidrSchema },
          hostBridges: { type: 'array', items: namedCidrSchema },
          addressPools: { type: 'boolean' },
          poolHeadroom: { type: 'integer', minimum: 0 },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ avoid: [], hostBridges: DEFAULT_BRIDGES, addressPools: true, poolHeadroom: 256 }] as [Options],
    messages,
  },
  create(context, [options]) {
    const check: Check = {
      options,
      cluster: clusterOf(context),
      report: (at, messageId, data) => {
        report(context, at, messageId, data);
      },
    };
    return visit({
      'Stack:exit'(stack) {
        checkStack(check, stack);
      },
      'Facts:exit'(facts) {
        checkFacts(check, facts);
        if (facts.host) checkHost(check, facts, facts.host);
      },
    });
  },
});
