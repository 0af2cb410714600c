// Property tests: random compose-shaped documents (right and wrong types mixed, anchors, odd keys, random
// damage to the text) through the loader and every rule. Never an exception, never a rule failure, and the
// same input always gives the same findings in the same order.
import t from 'tap';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { isDocument, prepareDocument } from '../../engine/documents.js';
import { lintDocuments, type RuleSetting } from '../../engine/lint.js';
import { rules } from '../../rules/index.js';

const all: Record<string, RuleSetting> = Object.fromEntries(
  Object.entries(rules).map(([id, r]) => [id, { severity: r.meta.docs?.severity ?? 'error', options: [] }]),
);

const name = fc.constantFrom('web', 'db', 'api', 'n', 'yes', 'default', 'ingress', 'front', 'back', 'x-ext', '1', 'a.b', 'tasks.db');
const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -5, max: 70000 }),
  fc.boolean(),
  fc.constant(null),
  fc.double({ noNaN: true }),
);
const cidr = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 40 }))
    .map(([a, b, p]) => `${String(a)}.${String(b)}.0.0/${String(p)}`),
  fc.constantFrom('10.0.0.0/24', 'fd00::/64', '172.18.0.0/16', 'nonsense', '10.0.0.1/24', '0.0.0.0/0'),
);
const port = fc.oneof(
  fc.constantFrom(
    '80',
    '8080:80',
    '80:80/udp',
    '127.0.0.1:80:80',
    '8000-8002:80-82',
    '8000-8010:80',
    '[::1]:80:80',
    '${PORT}:80',
    '99999',
    'x',
  ),
  fc.integer({ min: 0, max: 70000 }),
  fc.record(
    {
      target: fc.oneof(fc.integer({ min: 0, max: 70000 }), scalar),
      published: fc.oneof(fc.integer({ min: 0, max: 70000 }), scalar),
      mode: fc.constantFrom('host', 'ingress', 'x'),
      protocol: fc.constantFrom('tcp', 'udp', 'sctp', 'HTTP'),
    },
    { requiredKeys: [] },
  ),
);
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: scalar }, { weight: 1, arbitrary: fc.array(scalar, { maxLength: 2 }) });
const service = fc.record(
  {
    image: maybe(fc.constantFrom('nginx', 'postgres:16', 'registry.example/app:${TAG:-1}', '')),
    ports: maybe(fc.array(port, { maxLength: 4 })),
    networks: maybe(
      fc.oneof(
        fc.array(name, { maxLength: 3 }),
        fc.dictionary(name, fc.oneof(fc.constant(null), fc.record({ aliases: fc.array(name, { maxLength: 2 }) }))),
      ),
    ),
    environment: maybe(
      fc.oneof(
        fc.dictionary(
          fc.constantFrom('DB_URL', 'DB_HOST', 'X'),
          fc.constantFrom('postgres://u:p@db:5432/x', 'db:5432', 'tasks.api', 'http://web,api', ''),
        ),
        fc.array(fc.constantFrom('A=1', 'DB_HOST=db', 'B'), { maxLength: 3 }),
      ),
    ),
    depends_on: maybe(fc.array(name, { maxLength: 2 })),
    links: maybe(fc.array(fc.constantFrom('db', 'db:database', 'nowhere'), { maxLength: 2 })),
    container_name: fc.string({ maxLength: 5 }),
    extends: fc.constant('base'),
    deploy: maybe(
      fc.record(
        {
          mode: maybe(fc.constantFrom('replicated', 'global', 'replicated-job', 'global-job', 'Global')),
          replicas: maybe(fc.integer({ min: 0, max: 3000 })),
          endpoint_mode: maybe(fc.constantFrom('vip', 'dnsrr', 'DNSRR', 'rr')),
          placement: maybe(
            fc.record(
              {
                constraints: maybe(
                  fc.array(
                    fc.constantFrom(
                      'node.platform.os == windows',
                      'node.platform.os==linux',
                      'node.role != manager',
                      'node.hostname == a',
                      'garbage',
                    ),
                    { maxLength: 2 },
                  ),
                ),
                max_replicas_per_node: maybe(fc.integer({ min: 0, max: 5 })),
              },
              { requiredKeys: [] },
            ),
          ),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);
const network = fc.record(
  {
    driver: maybe(fc.constantFrom('overlay', 'bridge', 'weave')),
    external: maybe(fc.oneof(fc.boolean(), fc.record({ name: name }))),
    attachable: maybe(fc.boolean()),
    driver_opts: maybe(
      fc.record(
        {
          encrypted: maybe(fc.constantFrom('', 'true', 'false', 'no')),
          'com.docker.network.driver.mtu': maybe(fc.constantFrom('1400', '9000', '0', 'abc', ' 1450', '1500')),
        },
        { requiredKeys: [] },
      ),
    ),
    ipam: maybe(
      fc.record(
        {
          config: maybe(
            fc.array(fc.record({ subnet: maybe(cidr), gateway: fc.constant('10.0.0.1') }, { requiredKeys: [] }), { maxLength: 3 }),
          ),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);
const stack = fc.record(
  {
    version: fc.constantFrom('3.8', '3', '2.4', 3.1),
    services: maybe(fc.dictionary(name, fc.oneof({ weight: 5, arbitrary: service }, { weight: 1, arbitrary: scalar }), { maxKeys: 5 })),
    networks: maybe(
      fc.dictionary(name, fc.oneof({ weight: 5, arbitrary: network }, { weight: 1, arbitrary: fc.constant(null) }), { maxKeys: 4 }),
    ),
    'x-extra': scalar,
  },
  { requiredKeys: ['services'] },
);

/** Text damage: cut it somewhere, or put a random character in. */
const damage = fc.oneof(
  fc.constant((s: string) => s),
  fc.nat().map((n) => (s: string) => s.slice(0, n % (s.length + 1))),
  fc.tuple(fc.nat(), fc.constantFrom('\t', ':', '[', '&a ', '*a', '"', '\0', '\r', '<<: ', '#', '\u00e9')).map(
    ([n, ch]) =>
      (s: string) =>
        s.slice(0, n % (s.length + 1)) + ch + s.slice(n % (s.length + 1)),
  ),
);

function run(text: string): unknown {
  const doc = prepareDocument([{ path: 'prop.yml', text }], { env: new Map([['TAG', '1.2']]) });
  if (!isDocument(doc)) return { fatal: doc };
  const report = lintDocuments([doc], { rules: all });
  return report;
}

t.test('random stacks: no exception, no rule failure, same findings twice', (t) => {
  fc.assert(
    fc.property(stack, damage, (value, hurt) => {
      const text = hurt(stringify(value, { aliasDuplicateObjects: true }));
      const first = run(text) as { errors?: { kind: string }[] };
      if (first.errors?.some((e) => e.kind === 'rule')) throw new Error(`a rule failed on:\n${text}\n${JSON.stringify(first.errors)}`);
      const second = run(text);
      if (JSON.stringify(first) !== JSON.stringify(second)) throw new Error(`different findings on a second run:\n${text}`);
    }),
    { numRuns: 400, seed: Number(process.env.FC_SEED ?? 20261123) },
  );
  t.pass('400 random documents');
  t.end();
});
