// Faults the lab can inject, each undone by its own `undo` (Lab#heal undoes all of them, newest first).
import type { Lab } from './lab.js';
import { UNDERLAY_SUBNET } from './lab.js';

export const FAULT_KINDS = [
  /** iptables in the node's namespace drops UDP 4789 (VXLAN data plane) in and out. */
  'drop-vxlan',
  /** drops TCP and UDP 7946 (gossip: memberlist and the network database) in and out. */
  'drop-gossip',
  /** drops TCP 2377 (swarm control plane: raft and the dispatcher) in and out. */
  'drop-control',
  /** drops IP protocol 50 (ESP, the data plane of encrypted overlays) in and out. */
  'drop-esp',
  /** sets the node's underlay (eth0) MTU, 1300 unless `mtu` is given. */
  'underlay-mtu',
  /** adds an address of the ingress network's subnet (default .250 of it) to the node's eth0. */
  'ingress-address',
  /** creates an overlay whose subnet is the underlay's, with one task on the node. */
  'overlapping-overlay',
  /** creates an encrypted overlay (`--opt encrypted`) with a global service on it. */
  'encrypted-overlay',
  /** packs `tasks` (default 10) tasks of one service onto the node. */
  'task-density',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultOptions {
  /** underlay-mtu: the MTU to set. */
  readonly mtu?: number;
  /** task-density: how many tasks to put on the node. */
  readonly tasks?: number;
  /** ingress-address: the address (with prefix length) to add instead of the default. */
  readonly address?: string;
  /**
   * drop-*: drop only the traffic exchanged with this node (INPUT `-s` its address, OUTPUT `-d` it), e.g. 2377
   * dropped at the manager for one joining node while the others still reach it.
   */
  readonly from?: number;
  /**
   * drop-*: drop only packets that open a connection (TCP `--syn`, otherwise `-m conntrack --ctstate NEW`), so
   * connections already up (a worker's session with its manager) go on while every new connect fails.
   */
  readonly newOnly?: boolean;
}

export interface ActiveFault {
  readonly kind: FaultKind;
  readonly node: number;
  readonly description: string;
  /** Names of the swarm objects the fault made (networks, services), if any. */
  readonly network?: string;
  readonly service?: string;
  /** The address the fault added (ingress-address). */
  readonly address?: string;
  undo(): Promise<void>;
}

const RULE_COMMENT = 'swarmlint-lab-fault';

/** iptables rule bodies (without chain) for a port/protocol fault. */
function rulesFor(kind: FaultKind): string[][] {
  switch (kind) {
    case 'drop-vxlan':
      return [['-p', 'udp', '--dport', '4789']];
    case 'drop-gossip':
      return [
        ['-p', 'tcp', '--dport', '7946'],
        ['-p', 'udp', '--dport', '7946'],
      ];
    case 'drop-control':
      return [['-p', 'tcp', '--dport', '2377']];
    case 'drop-esp':
      return [['-p', 'esp']];
    default:
      return [];
  }
}

async function firewallFault(lab: Lab, kind: FaultKind, node: number, from?: number, newOnly = false): Promise<ActiveFault> {
  const peer = from === undefined ? undefined : lab.node(from).address;
  const specs = rulesFor(kind).flatMap((body) =>
    (['INPUT', 'OUTPUT'] as const).map((chain) => [
      chain,
      ...(peer ? [chain === 'INPUT' ? '-s' : '-d', peer] : []),
      ...body,
      // TCP: the SYN alone (stateless, so a session conntrack picked up mid-stream is still spared); others: conntrack.
      ...(newOnly ? (body.includes('tcp') ? ['--syn'] : ['-m', 'conntrack', '--ctstate', 'NEW']) : []),
      '-m',
      'comment',
      '--comment',
      RULE_COMMENT,
      '-j',
      'DROP',
    ]),
  );
  for (const spec of specs) await lab.execOk(node, ['iptables', '-w', '5', '-I', ...spec], { timeoutMs: 10_000 });
  return {
    kind,
    node,
    description: specs.map((s) => s.slice(0, s.indexOf('comment') - 1).join(' ')).join('; '),
    undo: async () => {
      for (const spec of specs) await lab.execOk(node, ['iptables', '-w', '5', '-D', ...spec], { timeoutMs: 10_000 });
    },
  };
}

async function mtuFault(lab: Lab, node: number, mtu: number): Promise<ActiveFault> {
  const shown = await lab.execOk(node, ['ip', '-o', 'link', 'show', 'eth0'], { timeoutMs: 10_000 });
  const before = /\bmtu (\d+)/.exec(shown)?.[1] ?? '1500';
  await lab.execOk(node, ['ip', 'link', 'set', 'eth0', 'mtu', String(mtu)], { timeoutMs: 10_000 });
  return {
    kind: 'underlay-mtu',
    node,
    description: `eth0 mtu ${before} -> ${mtu}`,
    undo: async () => {
      await lab.execOk(node, ['ip', 'link', 'set', 'eth0', 'mtu', before], { timeoutMs: 10_000 });
      // The node's VXLAN device answered too-big DF packets of local tasks with "fragmentation needed", and each
      // task's netns cached that path MTU for ten minutes: flush it (host iproute2: a container's /proc/sys is
      // read-only), or the fault outlives its heal.
      const containers = await lab.node(node).docker.listContainers();
      for (const c of containers) {
        const flushed = await lab.inContainerNetns(node, c.Id, ['ip', 'route', 'flush', 'cache'], { timeoutMs: 10_000 });
        if (!flushed.ok) throw new Error(`could not flush the route cache of container ${c.Id.slice(0, 12)}: ${flushed.stderr.trim()}`);
      }
    },
  };
}

/** The ingress network's subnet and an address in it (host part .250 for a /24, or as given). */
export async function ingressAddress(lab: Lab, given?: string): Promise<{ subnet: string; address: string }> {
  const ingress = await lab.network('ingress');
  const subnet = ingress.IPAM.Config?.[0]?.Subnet;
  if (!subnet) throw new Error('the ingress network has no subnet');
  if (given) return { subnet, address: given };
  const [base, bits] = subnet.split('/');
  const octets = (base ?? '').split('.').map(Number);
  if (octets.length !== 4 || bits === undefined || Number(bits) > 24) throw new Error(`unexpected ingress subnet ${subnet}`);
  return { subnet, address: `${octets[0]}.${octets[1]}.${octets[2]}.250/${bits}` };
}

async function ingressAddressFault(lab: Lab, node: number, given?: string): Promise<ActiveFault> {
  const { subnet, address } = await ingressAddress(lab, given);
  await lab.execOk(node, ['ip', 'address', 'add', address, 'dev', 'eth0'], { timeoutMs: 10_000 });
  return {
    kind: 'ingress-address',
    node,
    address: address.replace(/\/\d+$/, ''),
    description: `eth0 gets ${address}, inside the ingress subnet ${subnet}`,
    undo: async () => {
      await lab.execOk(node, ['ip', 'address', 'del', address, 'dev', 'eth0'], { timeoutMs: 10_000 });
    },
  };
}

/** A fault made of swarm objects: a network and a service on it; undo removes both. */
async function objectFault(
  lab: Lab,
  kind: FaultKind,
  node: number,
  network: { name: string; subnet?: string; encrypted?: boolean },
  service: { name: string; mode: 'global' | number; pinned: boolean },
): Promise<ActiveFault> {
  await lab.createNetwork(network.name, {
    attachable: true,
    ...(network.subnet ? { subnet: network.subnet } : {}),
    ...(network.encrypted ? { encrypted: true } : {}),
  });
  const undo = async (): Promise<void> => {
    await lab.removeService(service.name);
    await lab.removeNetwork(network.name);
  };
  try {
    await lab.createService({
      name: service.name,
      networks: [network.name],
      mode: service.mode,
      ...(service.pinned ? { node } : {}),
    });
  } catch (error) {
    await lab.removeNetwork(network.name);
    throw error;
  }
  const where = service.pinned ? `on node ${node}` : 'on every node';
  return {
    kind,
    node,
    network: network.name,
    service: service.name,
    description: `network ${network.name}${network.subnet ? ` (${network.subnet})` : ''}${network.encrypted ? ' (encrypted)' : ''}, service ${service.name} ${where}`,
    undo,
  };
}

export async function applyFault(lab: Lab, kind: FaultKind, node: number, options: FaultOptions): Promise<ActiveFault> {
  lab.node(node); // throws for an unknown node
  switch (kind) {
    case 'drop-vxlan':
    case 'drop-gossip':
    case 'drop-control':
    case 'drop-esp':
      return firewallFault(lab, kind, node, options.from, options.newOnly);
    case 'underlay-mtu':
      return mtuFault(lab, node, options.mtu ?? 1300);
    case 'ingress-address':
      return ingressAddressFault(lab, node, options.address);
    case 'overlapping-overlay':
      return objectFault(
        lab,
        kind,
        node,
        { name: 'lab-overlap', subnet: UNDERLAY_SUBNET },
        { name: 'lab-overlap-probe', mode: 1, pinned: true },
      );
    case 'encrypted-overlay':
      return objectFault(
        lab,
        kind,
        node,
        { name: 'lab-secure', encrypted: true },
        { name: 'lab-secure-probe', mode: 'global', pinned: false },
      );
    case 'task-density':
      return objectFault(lab, kind, node, { name: 'lab-dense' }, { name: 'lab-dense', mode: options.tasks ?? 10, pinned: true });
  }
}
