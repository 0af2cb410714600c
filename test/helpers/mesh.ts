// Mesh sections (audit --deep) for rule and reporter tests: three nodes by default, every pair answered.
import type { FactsMesh, FactsMeshControl, FactsMeshNode, FactsMeshPair } from '../../language/facts-format.js';

export const MESH_NODES = ['n1', 'n2', 'n3'] as const;

export function meshNode(id: string, over: Partial<FactsMeshNode> = {}): FactsMeshNode {
  const index = id.replace(/\D/g, '');
  return {
    id,
    hostname: `swl-${id}`,
    address: `198.18.0.${String(100 + Number(index || 0))}`,
    role: index === '1' ? 'manager' : 'worker',
    availability: 'active',
    state: 'ready',
    ran: true,
    tasks: { plain: { state: 'complete' }, encrypted: { state: 'complete' }, host: { state: 'complete' } },
    ...over,
  };
}

/** A pair with echoes as the deep probe counts them: 3 small (92 bytes) and 3 large (the overlay MTU). */
export function pair(from: string, to: string, over: Partial<FactsMeshPair> = {}): FactsMeshPair {
  return {
    from,
    to,
    network: 'plain',
    verdict: 'ok',
    small: { size: 92, sent: 3, received: 3 },
    large: { size: 1450, sent: 3, received: 3 },
    ...over,
  };
}

/** Every ordered pair of `nodes` over `networks`, each changed by `change` (return a partial pair). */
export function meshOf(
  change: (from: string, to: string, network: 'plain' | 'encrypted') => Partial<FactsMeshPair> = () => ({}),
  options: { nodes?: FactsMeshNode[]; networks?: ('plain' | 'encrypted')[]; control?: FactsMeshControl[] } = {},
): FactsMesh {
  const nodes = options.nodes ?? MESH_NODES.map((id) => meshNode(id));
  const networks = options.networks ?? ['plain'];
  const ran = nodes.filter((n) => n.ran);
  const pairs: FactsMeshPair[] = [];
  for (const network of networks)
    for (const a of ran) for (const b of ran) if (a.id !== b.id) pairs.push(pair(a.id, b.id, { network, ...change(a.id, b.id, network) }));
  return {
    run: 'r1',
    image: 'swarmlint/deep:0.1.0',
    nodes,
    pairs,
    networks: networks.map((key) => ({
      key,
      name: `swarmlint-deep-r1-${key === 'plain' ? 'plain' : 'enc'}`,
      encrypted: key === 'encrypted',
      mtu: 1450,
    })),
    control: options.control ?? [],
  };
}

/** The 1-based line of the `{` that opens a pair (or a control result: `network` undefined) in a JSON text. */
export function pairLine(code: string, from: string, to: string, network?: 'plain' | 'encrypted'): number {
  const re = new RegExp(`\\{\\n\\s*"from": "${from}",\\n\\s*"to": "${to}",\\n\\s*${network ? `"network": "${network}"` : '"port"'}`, 'g');
  const m = re.exec(code);
  if (!m) throw new Error(`no pair ${from} → ${to} ${network ?? 'control'} in the document`);
  return code.slice(0, m.index).split('\n').length;
}

/** The 1-based line of the `{` that opens a mesh node. */
export function meshNodeLine(code: string, id: string): number {
  const m = new RegExp(`\\{\\n\\s*"id": "${id}",\\n\\s*"hostname"`).exec(code);
  if (!m) throw new Error(`no mesh node ${id} in the document`);
  return code.slice(0, m.index).split('\n').length;
}

/** A facts document (audit) holding only a mesh. */
export function meshDoc(mesh: FactsMesh, extra: Record<string, unknown> = {}): string {
  return JSON.stringify(
    { format: 'swarmlint-facts/1', kind: 'audit', nodes: [], networks: [], services: [], outcomes: [], ...extra, mesh },
    null,
    2,
  );
}

/** Echoes nobody answered. */
export const LOST = { size: 92, sent: 3, received: 0 };
export const LOST_LARGE = { size: 1450, sent: 3, received: 0 };
