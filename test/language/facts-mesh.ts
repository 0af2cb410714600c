import t from 'tap';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { loadFacts } from '../../language/loader/facts.js';
import { meshNode, meshOf } from '../helpers/mesh.js';
import { factsDoc } from '../helpers/facts.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/facts.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

t.test('a mesh section is valid facts and loads into the model with positions', (t) => {
  const mesh = meshOf((from, to) => (to === 'n3' ? { verdict: 'unreachable', small: { size: 92, sent: 3, received: 0 } } : {}), {
    nodes: [meshNode('n1'), meshNode('n2'), meshNode('n3'), meshNode('n4', { ran: false, reason: 'drained', tasks: {} })],
    networks: ['plain', 'encrypted'],
    control: [{ from: 'n2', to: 'n1', port: 2377, verdict: 'filtered', error: 'timed out' }],
  });
  const text = factsDoc({ nodes: [], networks: [], services: [], outcomes: [], mesh });
  t.ok(validate(JSON.parse(text)), JSON.stringify(validate.errors));
  const facts = loadFacts(text, 'audit.json');
  const m = facts.mesh;
  if (!m) throw new Error('no mesh');
  t.equal(m.type, 'Mesh');
  t.equal(m.nodes.length, 4);
  t.same(m.nodes[3], { ...m.nodes[3], ran: false, reason: 'drained', tasks: {} });
  t.equal(m.pairs.length, 12);
  const bad = m.pairs.find((p) => p.from === 'n1' && p.to === 'n3' && p.network === 'plain');
  t.equal(bad?.verdict, 'unreachable');
  t.same(bad?.small, { size: 92, sent: 3, received: 0 });
  t.equal(bad?.ref?.name, 'swl-n1 → swl-n3');
  t.ok((bad?.loc.start.line ?? 0) > 1, 'a pair has its own position');
  t.same(
    m.control.map((c) => [c.from, c.to, c.port, c.verdict, c.error]),
    [['n2', 'n1', 2377, 'filtered', 'timed out']],
  );
  t.same(
    m.networks.map((n) => [n.key, n.encrypted, n.mtu]),
    [
      ['plain', false, 1450],
      ['encrypted', true, 1450],
    ],
  );
  t.end();
});

t.test('a document without a mesh has none, and a broken verdict reads as untested', (t) => {
  t.equal(loadFacts(factsDoc({ nodes: [] }), 'a.json').mesh, undefined);
  const text = factsDoc({ mesh: { nodes: [], pairs: [{ from: 'a', to: 'b', network: 'plain', verdict: 'great' }] } });
  t.notOk(validate(JSON.parse(text)), 'the schema refuses it');
  t.equal(loadFacts(text, 'a.json').mesh?.pairs[0]?.verdict, 'untested');
  t.end();
});

t.test('the leak section (audit --deep with an encrypted overlay) loads as written', (t) => {
  const leak = {
    network: 'encrypted' as const,
    vni: 4097,
    port: 4789,
    nodes: [
      { node: 'n1', window_ms: 28_000, from: [] },
      { node: 'n2', window_ms: 0, untested: 'no raw UDP socket (EPERM)', from: [] },
      { node: 'n3', window_ms: 28_000, from: [{ from: 'n1', packets: 12 }] },
    ],
  };
  const text = factsDoc({ nodes: [], networks: [], services: [], outcomes: [], mesh: { ...meshOf(), leak } });
  t.ok(validate(JSON.parse(text)), JSON.stringify(validate.errors));
  t.same(loadFacts(text, 'audit.json').mesh?.leak, leak);
  const unknown = { network: 'encrypted' as const, port: 4789, untested: 'no VNI', nodes: [] };
  t.same(
    loadFacts(factsDoc({ nodes: [], networks: [], services: [], outcomes: [], mesh: { ...meshOf(), leak: unknown } }), 'a.json').mesh?.leak,
    unknown,
  );
  t.end();
});
