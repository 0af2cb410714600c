// `--format html`: the page for three runs (a stack whose networks overlap, an audit of recorded Engine API
// answers, a deep-audit mesh with one bad node), checked in a real headless Chromium: every finding is on the page,
// overlaps are drawn where the data says, the bad node's row is marked, the page asks for nothing and throws nothing.
// Screenshots go to a temporary folder; with SWARMLINT_UPDATE_SCREENSHOTS=1 also to docs/images/ (the README's).
import t, { type Test } from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readScenario, serveEngineApi } from '../../bench/audit-replay.js';
import { AUDIT_OPTIONS, LINT_OPTIONS, parse } from '../../cli/args.js';
import { runAudit } from '../../cli/audit.js';
import { runLint } from '../../cli/lint.js';
import type { Finding } from '../../engine/findings.js';
import { gunzipSync } from 'node:zlib';
import { ARCHIVE_GZIP_OVER, html } from '../../reporters/html/index.js';
import { scriptJson } from '../../reporters/html/escape.js';
import { cellOf, meshOf, tally, type Mesh } from '../../reporters/html/mesh.js';
import { findChromium, withPage, type PageRun } from '../helpers/browser.js';

t.setTimeout(300_000);

const ROOT = new URL('../../', import.meta.url).pathname;
const FIXTURES = join(ROOT, 'fixtures');
const chromium = findChromium();
const UPDATE = process.env.SWARMLINT_UPDATE_SCREENSHOTS === '1';

interface JsonReport {
  findings: Finding[];
}

/** The same run twice: as JSON (what must be on the page) and as the page. */
async function both(run: (format: string, out: string) => Promise<number>, dir: string, name: string) {
  const page = join(dir, `${name}.html`);
  const json = join(dir, `${name}.json`);
  const code = await run('html', page);
  await run('json', json);
  return { code, page, text: readFileSync(page, 'utf8'), findings: (JSON.parse(readFileSync(json, 'utf8')) as JsonReport).findings };
}

/** What every page must satisfy in the browser. */
async function checkPage(t: Test, page: PageRun, findings: readonly Finding[], shot: string): Promise<void> {
  t.same(page.requests, [], 'the page asks for nothing');
  t.same(page.errors, [], 'no console error, no exception');
  const onPage = await page.evaluate<string[]>("[...document.querySelectorAll('li.finding')].map((e) => e.dataset.fingerprint)");
  t.same([...onPage].sort(), findings.map((f) => f.fingerprint).sort(), 'every finding is on the page, once');
  const archive = await page.evaluate<{ findings: Finding[] }>("JSON.parse(document.getElementById('swarmlint-data').textContent)");
  t.same(
    archive.findings.map((f) => f.fingerprint).sort(),
    findings.map((f) => f.fingerprint).sort(),
    'the embedded JSON holds the same findings',
  );
  const scripts = await page.evaluate<number>('document.querySelectorAll(\'script:not([type="application/json"])\').length');
  t.equal(scripts, 0, 'no script: readable without JavaScript');
  for (const dark of [false, true]) {
    const png = await page.screenshot({ dark });
    t.ok(png.subarray(1, 4).toString() === 'PNG' && png.length > 10_000, `a ${dark ? 'dark' : 'light'} screenshot`);
    const file = `${shot}${dark ? '-dark' : ''}.png`;
    writeFileSync(join(tmpdir(), file), png);
    if (UPDATE) writeFileSync(join(ROOT, 'docs', 'images', file), png);
  }
}

t.test('escaping: text and embedded JSON cannot end the script or add markup', (t) => {
  const hostile = '</script><img src=x onerror=alert(1)>\u2028';
  const json = scriptJson({ a: hostile });
  t.notMatch(json, /<\/script/i);
  t.notMatch(json, /<img/);
  t.same(JSON.parse(json), { a: hostile }, 'still the same JSON');
  const page = html(
    {
      findings: [{ ruleId: 'x', severity: 'error', message: hostile, logical: [], fingerprint: 'abc' }],
      errors: [],
      files: [],
      rulesRun: ['x'],
    },
    { cwd: '/', rules: [], color: false, command: 'lint' },
  );
  t.notMatch(page, /<img src=x/, 'the message is text, not markup');
  t.equal(page.match(/<script/g)?.length, 1, 'one script element: the JSON');
  t.end();
});

/** A mesh in the facts' shape (docs/deep-audit.md): three healthy nodes and node 4, whose pairs all fail. */
function meshWithBadNode(nodes: { id: string; hostname: string; address: string }[]): Mesh {
  const bad = nodes[3]!.id;
  const pairs: Mesh['pairs'] = [];
  for (const a of nodes) {
    for (const b of nodes) {
      if (a === b) continue;
      const broken = a.id === bad || b.id === bad;
      for (const network of ['plain', 'encrypted']) {
        // Encrypted pairs fail everywhere: this kernel has no ESP (the lab shows it).
        const fails = broken || network === 'encrypted';
        pairs.push({
          from: a.id,
          to: b.id,
          network,
          verdict: fails ? 'unreachable' : 'ok',
          small: { size: 84, sent: 3, received: fails ? 0 : 3 },
          large: { size: 1450, sent: 3, received: fails ? 0 : 3 },
        });
      }
    }
  }
  return {
    nodes: nodes.map((n) => ({
      ...n,
      role: 'worker',
      ran: true,
      tasks: { plain: { state: 'complete' }, encrypted: { state: 'complete' } },
    })),
    pairs,
    networks: [
      { key: 'plain', name: 'swl-deep-plain', encrypted: false, mtu: 1450 },
      { key: 'encrypted', name: 'swl-deep-secure', encrypted: true, mtu: 1424 },
    ],
    control: [{ from: bad, to: nodes[0]!.id, port: 2377, verdict: 'timeout' }],
  };
}

t.test('mesh verdicts: a node whose every pair fails is the node at fault; ESP and MTU cells', (t) => {
  const nodes = ['a', 'b', 'c', 'd'].map((id, i) => ({ id, hostname: `n${String(i + 1)}`, address: `198.18.0.${String(101 + i)}` }));
  const mesh = meshWithBadNode(nodes);
  const faults = tally(mesh).filter((x) => x.fault);
  t.same(
    faults.map((x) => x.node.id),
    ['d'],
    'only node d is at fault',
  );
  const index = new Map(mesh.pairs.map((p) => [`${p.from}>${p.to}>${p.network}`, p]));
  t.equal(cellOf(mesh, 'a', 'b', index).kind, 'esp', 'plain answers, encrypted does not: ESP');
  t.equal(cellOf(mesh, 'a', 'd', index).kind, 'fail');
  t.equal(cellOf(mesh, 'a', 'a', index).kind, 'self');
  const mtu: Mesh = {
    ...mesh,
    pairs: mesh.pairs.map((p) =>
      p.from === 'a' && p.to === 'b' && p.network === 'plain'
        ? { ...p, verdict: 'mtu-blackhole' as const, large: { size: 1450, sent: 3, received: 0 } }
        : p,
    ),
  };
  const cell = cellOf(mtu, 'a', 'b', new Map(mtu.pairs.map((p) => [`${p.from}>${p.to}>${p.network}`, p])));
  t.equal(cell.kind, 'mtu');
  t.match(cell.title, /1450 bytes: 0\/3 answered/, 'the sizes are in the cell');
  t.equal(meshOf({ mesh: { nodes: 'x' } }), undefined, 'a mesh of the wrong shape is left out');
  t.end();
});

t.test(
  'three pages in a real browser',
  { skip: chromium ? false : 'no chromium on PATH (Debian: apt-get install chromium)' },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'swl-html-'));
    t.teardown(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    await t.test('a stack whose networks overlap the office LAN and each other', async (t) => {
      const config = join(FIXTURES, 'html', 'swarmlint.config.yaml');
      const stack = join(FIXTURES, 'html', 'overlaps-stack.yml');
      const r = await both(
        (format, out) => runLint(parse(['--config', config, '-f', format, '-o', out, stack], LINT_OPTIONS), ROOT),
        dir,
        'stack',
      );
      t.equal(r.code, 1, 'errors: exit 1 as in every format');
      t.ok(
        r.findings.some((f) => f.ruleId === 'subnet-overlap'),
        'the run has overlap findings',
      );
      await withPage(pathToFileURL(r.page).href, async (page) => {
        const overlaps = await page.evaluate<string[]>(
          "[...document.querySelectorAll('rect.overlap')].map((e) => e.dataset.between).sort()",
        );
        t.same(overlaps, ['10.10.0.0/16|10.10.4.0/24', '10.20.0.0/24|10.20.0.128/25'], 'the two overlaps are drawn, no other');
        const links = await page.evaluate<string[]>(
          "[...document.querySelectorAll('#overlaps a')].map((a) => document.querySelector(a.getAttribute('href')).dataset.rule)",
        );
        t.ok(links.length >= 2 && links.every((rule) => rule === 'subnet-overlap'), 'each overlap links to its subnet-overlap finding');
        const capacity = await page.evaluate<string[]>(
          "[...document.querySelectorAll('tr.capacity')].map((e) => e.dataset.network + ':' + e.className)",
        );
        t.ok(
          capacity.some((c) => c.startsWith('stack_back:') && c.includes('nearly')),
          'back is drawn nearly full',
        );
        await checkPage(t, page, r.findings, 'html-stack');
      });
    });

    await t.test('an audit of Engine API answers recorded from the lab (an overlay on the underlay)', async (t) => {
      const replay = await serveEngineApi(join(dir, 'engine.sock'), {
        answers: readScenario(join(FIXTURES, 'engine-api', 'overlapping-overlay')),
      });
      t.teardown(() => replay.close());
      const cwd = mkdtempSync(join(dir, 'audit-'));
      const r = await both(
        (format, out) => runAudit(parse(['--docker-host', `unix://${replay.socketPath}`, '-f', format, '-o', out], AUDIT_OPTIONS), cwd),
        dir,
        'audit',
      );
      await withPage(pathToFileURL(r.page).href, async (page) => {
        const nodes = await page.evaluate<number>("document.querySelectorAll('table.nodes tr.node').length");
        t.equal(nodes, 3, 'the three lab nodes are listed');
        const overlaps = await page.evaluate<string[]>("[...document.querySelectorAll('rect.overlap')].map((e) => e.dataset.between)");
        t.ok(
          overlaps.some((o) => o.includes('198.18.0.0/24')),
          'the overlay on the underlay is drawn over it',
        );
        await checkPage(t, page, r.findings, 'html-audit');
      });
    });

    await t.test('a deep audit mesh where node 4 drops everything', async (t) => {
      const replay = await serveEngineApi(join(dir, 'engine2.sock'), {
        answers: readScenario(join(FIXTURES, 'engine-api', 'healthy-3-nodes')),
      });
      t.teardown(() => replay.close());
      const cwd = mkdtempSync(join(dir, 'deep-'));
      const saved = join(cwd, 'audit.json');
      await runAudit(
        parse(['--docker-host', `unix://${replay.socketPath}`, '--save-facts', saved, '-o', join(cwd, 'ignored.txt')], AUDIT_OPTIONS),
        cwd,
      );
      const facts = JSON.parse(readFileSync(saved, 'utf8')) as { nodes: { id: string; hostname: string; address: string }[] };
      const nodes = [...facts.nodes, { id: 'x4', hostname: 'swl-n4', address: '198.18.0.104' }];
      const withMesh = join(cwd, 'deep.json');
      writeFileSync(withMesh, JSON.stringify({ ...facts, mesh: meshWithBadNode(nodes) }, null, 2));
      const r = await both((format, out) => runLint(parse(['-f', format, '-o', out, withMesh], LINT_OPTIONS), cwd), dir, 'deep');
      await withPage(pathToFileURL(r.page).href, async (page) => {
        const marked = await page.evaluate<string[]>(
          "[...document.querySelectorAll('table.mesh tbody tr.fault')].map((e) => e.dataset.node)",
        );
        t.same(marked, ['x4'], "the bad node's row is marked, no other");
        const cells = await page.evaluate<Record<string, number>>(
          "[...document.querySelectorAll('table.mesh td.cell')].reduce((m, e) => (m[e.className.split(' ')[1]] = (m[e.className.split(' ')[1]] ?? 0) + 1, m), {})",
        );
        t.same(cells, { esp: 6, fail: 6, self: 4 }, '6 ESP pairs among the healthy three, 6 failing pairs with node 4, 4 diagonals');
        await checkPage(t, page, r.findings, 'html-mesh');
      });
    });
  },
);

t.test('a mesh of more than 50 nodes is summarised by node', (t) => {
  const nodes = Array.from({ length: 60 }, (_, i) => ({
    id: `n${String(i)}`,
    hostname: `node-${String(i)}`,
    address: `198.18.1.${String(i)}`,
  }));
  [nodes[0], nodes[3]] = [nodes[3]!, nodes[0]!];
  const mesh = meshWithBadNode(nodes);
  const page = html(
    { findings: [], errors: [], files: [], rulesRun: [] },
    {
      cwd: '/',
      rules: [],
      color: false,
      command: 'audit',
      documents: [
        {
          name: 'deep.json',
          root: { type: 'Facts', nodes: [], networks: [], services: [], outcomes: [], peers: [], comments: [] } as never,
          raw: { mesh },
        },
      ],
    },
  );
  t.notMatch(page, /<table class="mesh">/, 'no 60 × 60 matrix');
  t.equal(page.match(/<tr class="fault" data-node="n0"/g)?.length, 1, 'the bad node is marked in the summary');
  t.end();
});

t.test('a large archive is embedded gzipped, and decodes to the same facts', (t) => {
  const raw = { format: 'swarmlint-facts/1', filler: 'x'.repeat(ARCHIVE_GZIP_OVER) };
  const page = html(
    { findings: [], errors: [], files: [], rulesRun: [] },
    {
      cwd: '/',
      rules: [],
      color: false,
      command: 'audit',
      documents: [
        {
          name: 'big.json',
          root: { type: 'Facts', nodes: [], networks: [], services: [], outcomes: [], peers: [], comments: [] } as never,
          raw,
        },
      ],
    },
  );
  const packed = /<script type="application\/gzip\+base64" id="swarmlint-data" data-encoding="gzip\+base64">([^<]*)<\/script>/.exec(
    page,
  )?.[1];
  t.ok(packed, 'marked as gzip+base64');
  const archive = JSON.parse(gunzipSync(Buffer.from(packed ?? '', 'base64')).toString('utf8')) as { facts: unknown[] };
  t.same(archive.facts, [raw]);
  t.ok(page.length < ARCHIVE_GZIP_OVER / 10, 'and small');
  t.end();
});
