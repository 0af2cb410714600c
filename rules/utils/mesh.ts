import type { Mesh, MeshNode, MeshPair } from '../../language/model.js';

/** A node's name in a message: its hostname, else its ID. */
export function meshName(mesh: Mesh, id: string): string {
  const node = mesh.nodes.find((n) => n.id === id);
  return node?.hostname || id;
}

/** `1 of 3 echoes of 92 bytes answered`, or `not sent`. */
export function echoWords(echo: MeshPair['small']): string {
  if (!echo) return 'not sent';
  return `${String(echo.received)} of ${String(echo.sent)} echoes of ${String(echo.size)} bytes answered`;
}

export interface NodeFault {
  node: MeshNode;
  /** The failing pairs that touch the node, from and to it. */
  pairs: MeshPair[];
  /** The other nodes of those pairs. */
  peers: string[];
}

/**
 * Groups failing pairs of one network by the node at fault: a node is at fault when every tested pair touching it
 * fails (`bad`), there are at least two such pairs, and some pair that does not touch it passes (`good`). Then the
 * node is named once rather than its N−1 pairs both ways. What remains are the failing pairs that touch no node at
 * fault. Pairs not tested (`untested`) count neither way.
 */
export function faultsByNode(
  mesh: Mesh,
  pairs: readonly MeshPair[],
  bad: (p: MeshPair) => boolean,
  good: (p: MeshPair) => boolean,
): { nodes: NodeFault[]; pairs: MeshPair[] } {
  const faults: NodeFault[] = [];
  for (const node of mesh.nodes) {
    const touching = pairs.filter((p) => p.from === node.id || p.to === node.id);
    const failing = touching.filter(bad);
    const passing = touching.filter(good);
    if (failing.length < 2 || passing.length > 0) continue;
    if (!pairs.some((p) => p.from !== node.id && p.to !== node.id && good(p))) continue;
    const peers = [...new Set(failing.map((p) => (p.from === node.id ? p.to : p.from)))].map((id) => meshName(mesh, id));
    faults.push({ node, pairs: failing, peers });
  }
  const atFault = new Set(faults.map((f) => f.node.id));
  return { nodes: faults, pairs: pairs.filter((p) => bad(p) && !atFault.has(p.from) && !atFault.has(p.to)) };
}

/** The pairs over one of the mesh's networks (`plain` or `encrypted`). */
export function pairsOver(mesh: Mesh, network: 'plain' | 'encrypted'): MeshPair[] {
  return mesh.pairs.filter((p) => p.network === network);
}

/** The name of the overlay a pair went over, as the deep audit created it. */
export function networkName(mesh: Mesh, key: 'plain' | 'encrypted'): string {
  return mesh.networks.find((n) => n.key === key)?.name ?? key;
}
