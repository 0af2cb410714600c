import { gzipSync } from 'node:zlib';
import type { FatalError, Finding } from '../../engine/findings.js';
import { SEVERITIES, TOOL_NAME, TOOL_VERSION } from '../../language/meta.js';
import type { Facts, Stack, SwarmNode } from '../../language/model.js';
import { displayPath, withDisplayPaths } from '../paths.js';
import type { Reporter, ReportContext } from '../types.js';
import { addressMapSvg, capacityTable, collectRanges, findOverlaps, type Overlap } from './address-map.js';
import { esc, scriptJson, slug } from './escape.js';
import { meshHtml, meshOf } from './mesh.js';
import { STYLE } from './style.js';

/** The density limit of `container-density` (its default): tasks per node past which containers become unreachable. */
const DENSITY_LIMIT = 1000;

function where(f: Finding, rel: (p: string) => string): string {
  if (f.file !== undefined) return `${rel(f.file)}${f.line !== undefined ? `:${String(f.line)}:${String(f.column ?? 1)}` : ''}`;
  return f.logical.map((l) => `${l.kind} ${l.name}`).join(' › ') || 'cluster';
}

function findingsHtml(findings: readonly Finding[], context: ReportContext, rel: (p: string) => string): string {
  if (findings.length === 0) return '<p class="clean">No findings.</p>';
  const parts: string[] = [];
  for (const severity of SEVERITIES) {
    const ofSeverity = findings.filter((f) => f.severity === severity);
    if (ofSeverity.length === 0) continue;
    parts.push(
      `<section class="severity sev-${severity}" id="severity-${severity}"><h3>${esc(severity)} <span class="count">${String(ofSeverity.length)}</span></h3>`,
    );
    const ruleIds = [...new Set(ofSeverity.map((f) => f.ruleId))].sort();
    for (const id of ruleIds) {
      const rule = context.rules.find((r) => r.id === id);
      const list = ofSeverity.filter((f) => f.ruleId === id);
      const doc = rule?.helpUri ? ` <a class="doc" href="${esc(rule.helpUri)}">rule page</a>` : '';
      parts.push(
        `<details class="rule" open id="rule-${esc(slug(`${severity}-${id}`))}"><summary><code>${esc(id)}</code> <span class="count">${String(list.length)}</span> <span class="desc">${esc(rule?.description ?? '')}</span></summary>`,
      );
      if (rule?.remediation) parts.push(`<p class="fix"><strong>How to fix:</strong> ${esc(rule.remediation)}${doc}</p>`);
      else if (doc) parts.push(`<p class="fix">${doc}</p>`);
      parts.push('<ul class="findings">');
      for (const f of list) {
        parts.push(
          `<li class="finding" id="f-${esc(f.fingerprint)}" data-fingerprint="${esc(f.fingerprint)}" data-rule="${esc(f.ruleId)}" data-severity="${esc(f.severity)}"><span class="where">${esc(where(f, rel))}</span> <span class="message">${esc(f.message)}</span>${f.fix ? ' <span class="tag">fixable</span>' : ''}</li>`,
        );
      }
      parts.push('</ul></details>');
    }
    parts.push('</section>');
  }
  return parts.join('');
}

function errorsHtml(errors: readonly FatalError[], rel: (p: string) => string): string {
  if (errors.length === 0) return '';
  const items = errors
    .map(
      (e) =>
        `<li class="fatal">${e.file !== undefined ? `<span class="where">${esc(rel(e.file))}${e.line !== undefined ? `:${String(e.line)}` : ''}</span> ` : ''}${esc(e.message)}</li>`,
    )
    .join('');
  return `<section id="not-checked"><h2>Not checked</h2><ul>${items}</ul></section>`;
}

function nodesHtml(nodes: readonly SwarmNode[], source: string): string {
  if (nodes.length === 0) return '';
  const versions = new Map<string, number>();
  for (const n of nodes) versions.set(n.engineVersion, (versions.get(n.engineVersion) ?? 0) + 1);
  const common = [...versions].sort((a, b) => b[1] - a[1])[0]?.[0];
  const parity =
    versions.size <= 1
      ? `<p>All ${String(nodes.length)} nodes run engine ${esc(common ?? '?')}.</p>`
      : `<p class="callout">${String(versions.size)} engine versions: ${[...versions].map(([v, n]) => `${esc(v)} on ${String(n)}`).join(', ')}.</p>`;
  const rows = [...nodes]
    .sort((a, b) => a.hostname.localeCompare(b.hostname, 'en', { numeric: true }))
    .map((n) => {
      const pct = Math.min(100, Math.round((n.tasks * 100) / DENSITY_LIMIT));
      const odd = n.engineVersion !== common ? ' odd' : '';
      return `<tr data-node="${esc(n.id)}" class="node state-${esc(slug(n.state))}"><th scope="row" title="${esc(n.id)}">${esc(n.hostname)}</th><td>${esc(n.role)}${n.leader ? ' (leader)' : ''}</td><td>${esc(n.availability)}</td><td>${esc(n.state)}</td><td>${esc(`${n.os}/${n.arch}`)}</td><td class="version${odd}">${esc(n.engineVersion)}</td><td>${esc(n.address)}</td><td><div class="bar${n.tasks > DENSITY_LIMIT ? ' full' : ''}" aria-hidden="true"><span style="width:${String(pct)}%"></span></div></td><td class="num">${String(n.tasks)}</td></tr>`;
    })
    .join('');
  return `${parity}<table class="nodes"><caption>Nodes of ${esc(source)} (tasks against the ${String(DENSITY_LIMIT)}-task density limit)</caption><thead><tr><th>node</th><th>role</th><th>availability</th><th>state</th><th>platform</th><th>engine</th><th>address</th><th>tasks</th><th class="num">n</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function overlapList(found: readonly Overlap[]): string {
  if (found.length === 0) return '<p>No ranges overlap where they should not.</p>';
  const items = found
    .map((o) => {
      const links = o.findings.map((fp, i) => `<a href="#f-${esc(fp)}">finding ${String(i + 1)}</a>`).join(', ');
      return `<li class="overlap-item" data-between="${esc(`${o.a.cidr.text}|${o.b.cidr.text}`)}"><strong>${esc(o.a.label)}</strong> ${esc(o.a.cidr.text)} overlaps <strong>${esc(o.b.label)}</strong> ${esc(o.b.cidr.text)}${links ? ` (${links})` : ''}</li>`;
    })
    .join('');
  return `<ul id="overlaps">${items}</ul>`;
}

/** Above this, the archive is gzipped (base64): a 1,000-node audit's facts are 6 MB as JSON, under 1 MB so. */
export const ARCHIVE_GZIP_OVER = 1_000_000;

/**
 * The run's facts and findings in the page: JSON as it is, or gzipped and base64-encoded when large
 * (`data-encoding="gzip+base64"`; `DecompressionStream('gzip')` in a browser, `base64 -d | gunzip` in a shell).
 */
function archiveElement(archive: unknown): string {
  const text = scriptJson(archive);
  if (text.length <= ARCHIVE_GZIP_OVER) return `<script type="application/json" id="swarmlint-data">${text}</script>`;
  const packed = gzipSync(JSON.stringify(archive), { level: 9 }).toString('base64');
  return `<script type="application/gzip+base64" id="swarmlint-data" data-encoding="gzip+base64">${packed}</script>`;
}

/**
 * One self-contained page: findings grouped by severity and rule, an address map, the deep audit's mesh and the
 * nodes, with the facts and findings embedded as JSON (an archive of the run). No script runs and nothing is
 * fetched: styles are inline, pictures are inline SVG and tables, light and dark follow the reader's setting.
 */
export const html: Reporter = (report, context) => {
  const rel = (p: string): string => displayPath(context.cwd, p);
  const documents = context.documents ?? [];
  const roots = documents.map((d) => ({ name: rel(d.name), root: d.root }));
  const ranges = collectRanges(roots, context.cluster ?? {});
  const found = findOverlaps(ranges, report.findings);
  const counts = SEVERITIES.map((s) => [s, report.findings.filter((f) => f.severity === s).length] as const);
  const facts = documents.filter((d): d is typeof d & { root: Facts } => d.root.type === 'Facts');
  const stacks = documents.filter((d): d is typeof d & { root: Stack } => d.root.type === 'Stack');
  const title = `swarmlint ${context.command}`;
  const when =
    facts.map((d) => (d.raw as { collectedAt?: unknown } | undefined)?.collectedAt).find((t): t is string => typeof t === 'string') ?? '';

  const sections: string[] = [];
  sections.push(
    `<section id="summary"><h2>Summary</h2><ul class="counts">${counts.map(([s, n]) => `<li class="sev-${s}"><a href="#severity-${s}">${String(n)} ${esc(s)}</a></li>`).join('')}</ul>` +
      `<p>${[
        stacks.length > 0
          ? `${String(stacks.length)} stack${stacks.length === 1 ? '' : 's'}: ${stacks.map((s) => esc(rel(s.name))).join(', ')}`
          : '',
        facts.length > 0 ? `facts: ${facts.map((d) => esc(d.root.source || rel(d.name))).join(', ')}` : '',
        when ? `collected ${esc(when)}` : '',
      ]
        .filter(Boolean)
        .join(' · ')}</p></section>`,
  );
  sections.push(errorsHtml(report.errors, rel));
  sections.push(`<section id="findings"><h2>Findings</h2>${findingsHtml(report.findings, context, rel)}</section>`);
  if (ranges.length > 0) {
    sections.push(
      `<section id="addresses"><h2>Address map</h2><p>Every IPv4 range this run knows, on one scale (each boundary gets the same room, so small ranges stay visible). Bands mark overlaps; follow one to its finding.</p><div class="scroll">${addressMapSvg(ranges, found)}</div>${overlapList(found)}${capacityTable(ranges)}</section>`,
    );
  }
  for (const d of facts) {
    const mesh = meshOf(d.raw);
    if (mesh) sections.push(`<section id="mesh"><h2>Mesh: node to node over the overlay</h2>${meshHtml(mesh)}</section>`);
  }
  for (const d of facts) {
    if (d.root.nodes.length > 0)
      sections.push(`<section id="nodes"><h2>Nodes</h2>${nodesHtml(d.root.nodes, d.root.source || rel(d.name))}</section>`);
  }
  const archive = {
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    command: context.command,
    ...withDisplayPaths(context.cwd, report),
    facts: facts.map((d) => d.raw),
  };
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<meta name="generator" content="${esc(`${TOOL_NAME} ${TOOL_VERSION}`)}">`,
    `<title>${esc(title)}</title><style>${STYLE}</style></head><body>`,
    `<header><h1>${esc(title)}</h1><nav><a href="#findings">findings</a>${ranges.length > 0 ? ' · <a href="#addresses">addresses</a>' : ''}${facts.some((d) => meshOf(d.raw)) ? ' · <a href="#mesh">mesh</a>' : ''}${facts.some((d) => d.root.nodes.length > 0) ? ' · <a href="#nodes">nodes</a>' : ''}</nav></header>`,
    `<main>${sections.join('')}</main>`,
    `<footer>${esc(`${TOOL_NAME} ${TOOL_VERSION}`)}. The facts and findings of this run are embedded in this page (element #swarmlint-data: JSON, or gzipped JSON in base64 when large).</footer>`,
    archiveElement(archive),
    '</body></html>',
    '',
  ].join('\n');
};
