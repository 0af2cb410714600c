import { esc } from './escape.js';

/**
 * The mesh of a deep audit (`audit --deep`, facts section `mesh`): what each node's task saw of every other node.
 * Read defensively: a page is drawn from whatever a facts document holds, and a part it does not know is left out.
 */
export interface MeshEcho {
  size: number;
  sent: number;
  received: number;
}

export interface MeshPair {
  from: string;
  to: string;
  network: string;
  verdict: 'ok' | 'unreachable' | 'mtu-blackhole' | 'untested';
  small?: MeshEcho | null;
  large?: MeshEcho | null;
  reason?: string;
}

export interface MeshNode {
  id: string;
  hostname: string;
  address?: string;
  role?: string;
  availability?: string;
  state?: string;
  ran?: boolean;
  /** Why no task ran there, when known beforehand (drained, down, outside the constraint). */
  reason?: string;
  /** Its tasks by kind (`plain`, `encrypted`, `host`). */
  tasks?: Record<string, { state?: string; error?: string; message?: string } | undefined>;
}

/** Why a node has no result: the known reason, else its tasks' states and errors. */
function whyNotRun(n: MeshNode): string {
  if (n.reason) return n.reason;
  const states = Object.entries(n.tasks ?? {})
    .filter((e): e is [string, { state?: string; error?: string }] => e[1] !== undefined)
    .map(([kind, task]) => `${kind}: ${task.state ?? '?'}${task.error ? ` (${task.error})` : ''}`);
  return states.length > 0 ? states.join('; ') : 'no task ran';
}

export interface Mesh {
  nodes: MeshNode[];
  pairs: MeshPair[];
  networks?: { key: string; name: string; encrypted?: boolean; mtu?: number }[];
  control?: { from: string; to: string; port: number; verdict: string; error?: string }[];
  /** `--deep-sample`: the pairs not sampled are absent. */
  sample?: { peers: number; seed: string };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The mesh section of a facts document, when it has a usable one. */
export function meshOf(facts: unknown): Mesh | undefined {
  if (!isObject(facts) || !isObject(facts.mesh)) return undefined;
  const { nodes, pairs } = facts.mesh;
  if (!Array.isArray(nodes) || !Array.isArray(pairs)) return undefined;
  return facts.mesh as unknown as Mesh;
}

/** What a sampled run tested, and how to repeat its choice. */
export const sampleLine = (sample: { peers: number; seed: string }): string =>
  `Sampled: ${String(sample.peers)} peer(s) per node, seed ${sample.seed} (--deep-sample ${String(sample.peers)} --deep-seed ${sample.seed} tests the same pairs again).`;

export type CellKind = 'ok' | 'fail' | 'mtu' | 'esp' | 'untested' | 'unsampled' | 'self';

export interface Cell {
  kind: CellKind;
  text: string;
  title: string;
}

const GLYPH: Record<CellKind, string> = { ok: '✓', fail: '✗', mtu: 'MTU', esp: 'ESP', untested: '·', unsampled: '○', self: '—' };

function echo(e: MeshEcho | null | undefined): string {
  return e ? `${String(e.size)} bytes: ${String(e.received)}/${String(e.sent)} answered` : 'not sent';
}

/** The verdict of one ordered pair, over the plain overlay and (when there is one) the encrypted one. */
export function cellOf(mesh: Mesh, from: string, to: string, index: Map<string, MeshPair>): Cell {
  if (from === to) return { kind: 'self', text: GLYPH.self, title: 'the node itself' };
  const encryptedKey = mesh.networks?.find((n) => n.encrypted)?.key ?? 'encrypted';
  const plainKey = mesh.networks?.find((n) => !n.encrypted)?.key ?? 'plain';
  const plain = index.get(`${from}>${to}>${plainKey}`);
  const secure = index.get(`${from}>${to}>${encryptedKey}`);
  if (!plain && mesh.sample)
    return { kind: 'unsampled', text: GLYPH.unsampled, title: 'not sampled in this run (--deep-sample): neither passed nor failed' };
  if (!plain || plain.verdict === 'untested') {
    return { kind: 'untested', text: GLYPH.untested, title: `not tested${plain?.reason ? `: ${plain.reason}` : ''}` };
  }
  if (plain.verdict === 'unreachable')
    return { kind: 'fail', text: GLYPH.fail, title: `unreachable over the overlay (${echo(plain.small)})` };
  if (plain.verdict === 'mtu-blackhole') {
    return { kind: 'mtu', text: GLYPH.mtu, title: `MTU black hole: ${echo(plain.small)}; ${echo(plain.large)}` };
  }
  if (secure && (secure.verdict === 'unreachable' || secure.verdict === 'mtu-blackhole')) {
    return {
      kind: 'esp',
      text: GLYPH.esp,
      title: `plain overlay answers, encrypted overlay does not (${echo(secure.small)}): ESP blocked or not supported`,
    };
  }
  return { kind: 'ok', text: GLYPH.ok, title: `reachable (${echo(plain.small)}; ${echo(plain.large)})` };
}

export interface NodeTally {
  node: MeshNode;
  outOk: number;
  outFail: number;
  inOk: number;
  inFail: number;
  /** Every tested pair touching the node fails on the plain overlay, while pairs elsewhere pass: the node is at fault. */
  fault: boolean;
}

export function tally(mesh: Mesh): NodeTally[] {
  const index = indexPairs(mesh);
  const ids = mesh.nodes.map((n) => n.id);
  const cells = new Map<string, Cell>();
  for (const a of ids) for (const b of ids) cells.set(`${a}>${b}`, cellOf(mesh, a, b, index));
  // Whether a node is at fault is judged on the plain overlay: an ESP cell is a plain pair that works.
  const bad = (c: Cell | undefined): boolean => c !== undefined && (c.kind === 'fail' || c.kind === 'mtu');
  const good = (c: Cell | undefined): boolean => c?.kind === 'ok' || c?.kind === 'esp';
  return mesh.nodes.map((node) => {
    let outOk = 0;
    let outFail = 0;
    let inOk = 0;
    let inFail = 0;
    for (const other of ids) {
      if (other === node.id) continue;
      const out = cells.get(`${node.id}>${other}`);
      const inn = cells.get(`${other}>${node.id}`);
      if (good(out)) outOk++;
      if (bad(out)) outFail++;
      if (good(inn)) inOk++;
      if (bad(inn)) inFail++;
    }
    const elsewhereOk = [...cells].some(([key, c]) => good(c) && !key.split('>').includes(node.id));
    const fault = outOk + inOk === 0 && outFail + inFail >= 2 && elsewhereOk;
    return { node, outOk, outFail, inOk, inFail, fault };
  });
}

export function indexPairs(mesh: Mesh): Map<string, MeshPair> {
  return new Map(mesh.pairs.map((p) => [`${p.from}>${p.to}>${p.network}`, p]));
}

const name = (n: MeshNode): string => n.hostname || n.id.slice(0, 12);

/** Above this many nodes the page shows one row per node instead of the matrix. */
export const MATRIX_LIMIT = 50;

export function meshHtml(unsorted: Mesh): string {
  const mesh = { ...unsorted, nodes: [...unsorted.nodes].sort((a, b) => name(a).localeCompare(name(b), 'en', { numeric: true })) };
  const tallies = tally(mesh);
  const faults = tallies.filter((t) => t.fault);
  const notRun = mesh.nodes.filter((n) => n.ran === false);
  const parts: string[] = [];
  if (faults.length > 0) {
    parts.push(
      `<p class="callout">${faults.map((t) => `Node <strong>${esc(name(t.node))}</strong> fails with every other node while they reach each other: look at that node first.`).join(' ')}</p>`,
    );
  }
  if (mesh.sample) parts.push(`<p>${esc(sampleLine(mesh.sample))}</p>`);
  if (mesh.nodes.length <= MATRIX_LIMIT) {
    const index = indexPairs(mesh);
    const faulty = new Set(faults.map((t) => t.node.id));
    const head = mesh.nodes
      .map(
        (n) =>
          `<th scope="col" class="${faulty.has(n.id) ? 'fault' : ''}" data-node="${esc(n.id)}" title="${esc(n.id)}">${esc(name(n))}</th>`,
      )
      .join('');
    const rows = mesh.nodes
      .map((from) => {
        const cells = mesh.nodes
          .map((to) => {
            const c = cellOf(mesh, from.id, to.id, index);
            const fault = faulty.has(from.id) || faulty.has(to.id) ? ' fault' : '';
            return `<td class="cell ${c.kind}${fault}" data-from="${esc(from.id)}" data-to="${esc(to.id)}" title="${esc(c.title)}">${esc(c.text)}</td>`;
          })
          .join('');
        const ran = from.ran === false ? ` <span class="note">(${esc(whyNotRun(from))})</span>` : '';
        return `<tr class="${faulty.has(from.id) ? 'fault' : ''}" data-node="${esc(from.id)}"><th scope="row" title="${esc(from.id)}">${esc(name(from))}${ran}</th>${cells}</tr>`;
      })
      .join('');
    parts.push(
      `<p class="legend">From (rows) to (columns): ✓ reachable, ✗ unreachable, MTU large packets lost (small ones pass), ESP the encrypted overlay fails where the plain one works, · not tested${mesh.sample ? ', ○ not sampled' : ''}. Hover a cell for the echo counts and sizes.</p><table class="mesh"><thead><tr><th></th>${head}</tr></thead><tbody>${rows}</tbody></table>`,
    );
  } else {
    const rows = tallies
      .map(
        (t) =>
          `<tr class="${t.fault ? 'fault' : ''}" data-node="${esc(t.node.id)}"><th scope="row">${esc(name(t.node))}</th><td class="num">${String(t.outOk)}</td><td class="num">${String(t.outFail)}</td><td class="num">${String(t.inOk)}</td><td class="num">${String(t.inFail)}</td><td>${t.fault ? 'at fault' : t.node.ran === false ? 'no task' : ''}</td></tr>`,
      )
      .join('');
    parts.push(
      `<table class="mesh-summary"><caption>${String(mesh.nodes.length)} nodes: pairs from and to each node</caption><thead><tr><th>node</th><th class="num">out ✓</th><th class="num">out ✗</th><th class="num">in ✓</th><th class="num">in ✗</th><th>verdict</th></tr></thead><tbody>${rows}</tbody></table>`,
    );
  }
  if (notRun.length > 0) {
    parts.push(
      `<p>Nodes whose task never ran: ${notRun.map((n) => `<strong>${esc(name(n))}</strong> (${esc(whyNotRun(n))})`).join(', ')}.</p>`,
    );
  }
  const failedControl = (mesh.control ?? []).filter((c) => c.verdict !== 'ok' && c.verdict !== 'open' && c.verdict !== 'untested');
  if (failedControl.length > 0) {
    const byId = new Map(mesh.nodes.map((n) => [n.id, n]));
    const label = (id: string): string => {
      const n = byId.get(id);
      return n ? name(n) : id;
    };
    parts.push(
      `<ul class="control">${failedControl.map((c) => `<li class="control-fail">${esc(label(c.from))} → ${esc(label(c.to))} tcp/${String(c.port)}: ${esc(c.verdict)}${c.error ? ` (${esc(c.error)})` : ''}</li>`).join('')}</ul>`,
    );
  }
  return parts.join('');
}
