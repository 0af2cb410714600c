// This host's privileges (CapEff of /proc/self/status, recorded as root, root without CAP_NET_RAW, and nobody) and
// its engine (GET /info answers recorded from the lab: fixtures/engine-api/).
import t from 'tap';
import { readFileSync } from 'node:fs';
import { engineFacts, hasCapNetRaw } from '../../probes/parse/host.js';

const text = (path: string): string => readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8');
const json = (path: string): unknown => JSON.parse(text(path));

t.test('CAP_NET_RAW in the effective set', (t) => {
  t.equal(hasCapNetRaw(text('host/capabilities/root.txt')), true);
  t.equal(hasCapNetRaw(text('host/capabilities/root-without-net-raw.txt')), false, 'capsh --drop=cap_net_raw');
  t.equal(hasCapNetRaw(text('host/capabilities/nobody.txt')), false);
  t.equal(hasCapNetRaw(''), false, 'no /proc');
  t.end();
});

t.test("the local engine's facts from GET /info", (t) => {
  t.same(engineFacts(json('engine-api/healthy-3-nodes/info.json')), {
    version: '20.10.24+dfsg1',
    swarmState: 'active',
    role: 'manager',
    dataPathPort: 4789,
  });
  t.same(
    engineFacts(json('engine-api/healthy-3-nodes/info.swl-n2.json')),
    { version: '20.10.24+dfsg1', swarmState: 'active', role: 'worker' },
    'a worker does not see the cluster',
  );
  t.same(engineFacts({ ServerVersion: '28.2.2', Swarm: { LocalNodeState: 'inactive' } }), { version: '28.2.2', swarmState: 'inactive' });
  t.same(engineFacts(null), { version: '', swarmState: 'inactive' });
  t.end();
});
