/**
 * The deep audit's mesh for text reporters: a node × node matrix for stylish (a summary by node above
 * {@link TEXT_MATRIX_LIMIT} nodes), and gauges for prometheus. The verdict of each cell is the html page's
 * (reporters/html/mesh.ts), so the three outputs agree.
 */
import type { Mesh as MeshModel } from '../language/model.js';
import { cellOf, sampleLine, tally, type Mesh } from './html/mesh.js';
import type { ReportContext } from './types.js';

/** Above this many nodes stylish prints one line per node that has failing pairs instead of the matrix. */
export const TEXT_MATRIX_LIMIT = 20;
/** Above this many nodes prometheus gets the counts only, not a series per pair. */
export const PAIR_SERIES_LIMIT = 50;

/** The mesh sections of the facts documents a run linted. */
export function meshesOf(context: ReportContext): MeshModel[] {
  return (context.documents ?? []).flatMap((d) => (d.root.type === 'Facts' && d.root.mesh ? [d.root.mesh] : []));
}

const name = (n: { hostname: string; id: string }): string => n.hostname || n.id.slice(0, 12);

/** Does the mesh hold anything but passing pairs (a cell to look at, a node not tested)? */
export function meshTroubled(mesh: MeshModel): boolean {
  return mesh.nodes.some((n) => !n.ran) || mesh.pairs.some((p) => p.verdict !== 'ok');
}

/** The matrix (or the summary) as lines; `paint` colours a cell by its kind. */
export function meshLines(mesh: MeshModel, paint: (kind: string, text: string) => string): string[] {
  const view = mesh as unknown as Mesh;
  const nodes = [...mesh.nodes].sort((a, b) => name(a).localeCompare(name(b), 'en', { numeric: true }));
  const plain = mesh.networks.find((n) => n.key === 'plain')?.name ?? 'plain';
  const encrypted = mesh.networks.find((n) => n.key === 'encrypted')?.name;
  const out = [`Mesh: node to node over ${plain}${encrypted ? ` and ${encrypted} (encrypted)` : ''}`];
  const notRun = nodes.filter((n) => !n.ran);
  if (mesh.sample) out.push(`  ${sampleLine(mesh.sample)}`);
  if (nodes.length <= TEXT_MATRIX_LIMIT) {
    const index = new Map(view.pairs.map((p) => [`${p.from}>${p.to}>${p.network}`, p]));
    const width = Math.max(...nodes.map((n) => name(n).length), 4);
    const digits = String(nodes.length).length;
    const cellWidth = Math.max(3, digits);
    out.push(`  ${' '.repeat(digits + 1 + width)}  ${nodes.map((_n, i) => String(i + 1).padStart(cellWidth)).join(' ')}  (to)`);
    nodes.forEach((from, i) => {
      const cells = nodes.map((to) => {
        const cell = cellOf(view, from.id, to.id, index);
        return paint(cell.kind, cell.text.padStart(cellWidth));
      });
      out.push(`  ${String(i + 1).padStart(digits)} ${name(from).padEnd(width)}  ${cells.join(' ')}`);
    });
    out.push(
      `  ✓ reachable  ✗ unreachable  MTU large packets lost  ESP encrypted overlay fails  · not tested${mesh.sample ? '  ○ not sampled' : ''}  (rows: from)`,
    );
  } else {
    const failing = tally(view).filter((t) => t.outFail + t.inFail > 0);
    // Nodes at fault explain the failures of their peers: only they are listed then.
    const atFault = failing.filter((t) => t.fault);
    const tallies = atFault.length > 0 ? atFault : failing;
    const ok = mesh.pairs.filter((p) => p.network === 'plain' && p.verdict === 'ok').length;
    const tested = mesh.pairs.filter((p) => p.network === 'plain' && p.verdict !== 'untested').length;
    out.push(`  ${String(nodes.length)} nodes, ${String(ok)} of ${String(tested)} tested pairs ✓ over the plain overlay`);
    for (const t of tallies.sort((a, b) => b.outFail + b.inFail - (a.outFail + a.inFail)).slice(0, 20))
      out.push(
        `  ${name(t.node)}: from it ${String(t.outOk)} ✓ ${String(t.outFail)} ✗, to it ${String(t.inOk)} ✓ ${String(t.inFail)} ✗${t.fault ? paint('fail', '  (at fault)') : ''}`,
      );
    if (tallies.length > 20) out.push(`  … and ${String(tallies.length - 20)} more nodes with failing pairs`);
  }
  if (notRun.length > 0)
    out.push(`  not tested: ${notRun.map((n) => `${name(n)} (${n.reason ?? 'its tasks gave no result'})`).join(', ')}`);
  return out;
}

type Sample = [Record<string, string>, number];

/** Prometheus gauges of the mesh: pairs by network and verdict, nodes tested and not, and (small meshes) each pair. */
export function meshGauges(meshes: readonly MeshModel[]): { name: string; help: string; samples: Sample[] }[] {
  if (meshes.length === 0) return [];
  const counts: Sample[] = [];
  const nodes: Sample[] = [];
  const pairs: Sample[] = [];
  for (const mesh of meshes) {
    for (const network of mesh.networks.length > 0 ? mesh.networks.map((n) => n.key) : ['plain' as const])
      for (const verdict of ['ok', 'unreachable', 'mtu-blackhole', 'untested'] as const)
        counts.push([{ network, verdict }, mesh.pairs.filter((p) => p.network === network && p.verdict === verdict).length]);
    nodes.push(
      [{ state: 'tested' }, mesh.nodes.filter((n) => n.ran).length],
      [{ state: 'not_tested' }, mesh.nodes.filter((n) => !n.ran).length],
    );
    if (mesh.nodes.length <= PAIR_SERIES_LIMIT) {
      const host = new Map(mesh.nodes.map((n) => [n.id, name(n)]));
      for (const p of mesh.pairs) {
        if (p.verdict === 'untested') continue;
        pairs.push([{ from: host.get(p.from) ?? p.from, to: host.get(p.to) ?? p.to, network: p.network }, p.verdict === 'ok' ? 1 : 0]);
      }
    }
  }
  return [
    { name: 'swarmlint_deep_pairs', help: 'Ordered pairs of nodes of the last deep audit, by overlay and verdict.', samples: counts },
    { name: 'swarmlint_deep_nodes', help: 'Nodes of the last deep audit, tested or not.', samples: nodes },
    ...(pairs.length > 0
      ? [
          {
            name: 'swarmlint_deep_pair_ok',
            help: 'Whether a tested pair of nodes carried small and full-size echoes over the overlay (1) or not (0).',
            samples: pairs,
          },
        ]
      : []),
  ];
}
