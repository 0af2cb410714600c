// schemas/facts.schema.json and the facts types (language/facts-format.ts) describe one shape. A sample document
// with every property of the types (`Complete` makes the optional ones required, and an object literal may hold
// no property the types lack, so the compiler checks the sample against the types) is walked beside the schema:
// each object's keys must be exactly the schema's `properties`, and the sample must validate.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { PreflightFacts } from '../../language/facts-format.js';
import { defaultLimits } from '../../language/loader/limits.js';
import { parseYaml } from '../../language/loader/yaml.js';

/** Parts of the types the sample leaves out on purpose (none now: the deep audit's mesh is sampled too). */
type Unsampled = never;
const UNSAMPLED: string[] = [];

/** Every property required, all the way down. */
type Complete<T> = T extends readonly (infer U)[] ? Complete<U>[] : T extends object ? { [K in keyof T]-?: Complete<T[K]> } : T;

const text = readFileSync(new URL('../../schemas/facts.schema.json', import.meta.url), 'utf8');
const schema = JSON.parse(text) as Schema;

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  oneOf?: Schema[];
  definitions?: Record<string, Schema>;
}

/** One of everything a preflight document holds (an audit document is the same without host and peers). */
const sample: Complete<Omit<PreflightFacts, Unsampled>> = {
  format: 'swarmlint-facts/1',
  kind: 'preflight',
  collectedAt: '2026-12-04T12:00:00.000Z',
  source: 'manager-1',
  swarm: { id: 'swarm', dataPathPort: 4789, defaultAddrPools: ['10.0.0.0/8'], subnetSize: 24 },
  nodes: [
    {
      id: 'n1',
      hostname: 'manager-1',
      role: 'manager',
      availability: 'active',
      state: 'ready',
      os: 'linux',
      arch: 'x86_64',
      engineVersion: '27.3.1',
      address: '192.0.2.10',
      tasks: 3,
      underlayMtu: 1500,
      labels: { zone: 'a' },
      leader: true,
    },
  ],
  networks: [
    {
      id: 'net1',
      name: 'app',
      driver: 'overlay',
      scope: 'swarm',
      ingress: false,
      attachable: false,
      internal: false,
      encrypted: true,
      mtu: 1450,
      subnets: ['10.0.1.0/24'],
      attachments: 3,
      vips: 1,
      nodes: ['n1'],
    },
  ],
  services: [
    {
      id: 's1',
      name: 'web',
      image: 'nginx',
      mode: 'replicated',
      replicas: 2,
      endpointMode: 'vip',
      ports: [{ target: 80, published: 8080, protocol: 'tcp', mode: 'ingress' }],
      networks: ['app'],
      constraints: ['node.role == worker'],
      maxReplicasPerNode: 1,
      tasksByNode: { n1: 2 },
    },
  ],
  outcomes: [{ probe: 'host/routes', status: 'skipped', reason: 'no ip', subject: "this host's routes" }],
  mesh: {
    run: 'r1',
    image: 'swarmlint/deep:0.1.0',
    sample: { peers: 2, seed: 's1' },
    nodes: [
      {
        id: 'n1',
        hostname: 'manager-1',
        address: '192.0.2.10',
        role: 'manager',
        availability: 'active',
        state: 'ready',
        ran: true,
        reason: 'drained',
        tasks: {
          plain: { state: 'complete', reported: true, error: 'x', message: 'finished' },
          encrypted: { state: 'complete', reported: true, error: 'x', message: 'finished' },
          host: { state: 'complete', reported: true, error: 'x', message: 'finished' },
        },
        notes: ['DF could not be set'],
      },
    ],
    pairs: [
      {
        from: 'n1',
        to: 'n2',
        network: 'plain',
        verdict: 'mtu-blackhole',
        small: { size: 92, sent: 3, received: 3 },
        large: { size: 1450, sent: 3, received: 0 },
        reason: 'large echoes lost',
      },
    ],
    networks: [{ key: 'plain', name: 'swarmlint-deep-r1-plain', encrypted: false, mtu: 1450 }],
    control: [{ from: 'n1', to: 'n2', port: 7946, verdict: 'open', error: 'x' }],
  },
  host: {
    hostname: 'worker-1',
    os: 'linux',
    kernel: '6.1.0',
    arch: 'x86_64',
    root: true,
    capNetRaw: true,
    iptablesBackend: 'nf_tables',
    engine: { version: '27.3.1', swarmState: 'inactive', role: 'worker', dataPathPort: 4789 },
    interfaces: [{ name: 'eth0', mtu: 1500, up: true, addresses: ['192.0.2.20/24'], driver: 'virtio_net', txChecksumIpGeneric: true }],
    routes: [{ destination: '192.0.2.0/24', device: 'eth0', gateway: '192.0.2.1', mtu: 1500 }],
    firewall: [{ protocol: 'udp', port: 4789, from: '192.0.2.10', verdict: 'accept', rule: '-A INPUT -j ACCEPT', source: 'iptables-nft' }],
    listeners: [{ protocol: 'tcp', port: 2377, address: '0.0.0.0', process: 'dockerd' }],
    modules: [{ name: 'vxlan', state: 'loaded' }],
  },
  peers: [
    {
      address: '192.0.2.10',
      role: 'manager',
      device: 'eth0',
      deviceMtu: 1500,
      checks: [{ protocol: 'udp', port: 4789, state: 'open', method: 'responder', detail: 'echoed' }],
      pathMtu: 1500,
      pathMtuProbedUpTo: 1500,
    },
  ],
};

/** A `$ref` followed, and a `oneOf` of null and one object (an echo that may be missing) read as the object. */
const resolve = (s: Schema): Schema => {
  if (s.oneOf) {
    const objects = s.oneOf.map(resolve).filter((o) => o.type !== 'null');
    if (objects.length === 1 && objects[0]) return objects[0];
  }
  if (!s.$ref) return s;
  const name = s.$ref.replace('#/definitions/', '');
  const found = schema.definitions?.[name];
  if (!found) throw new Error(`unresolved ${s.$ref}`);
  return resolve(found);
};

/** Where the sample and the schema disagree on which properties an object has. */
function differences(value: unknown, node: Schema, path: string): string[] {
  const s = resolve(node);
  if (Array.isArray(value)) return s.items ? value.flatMap((v, i) => differences(v, s.items as Schema, `${path}[${String(i)}]`)) : [];
  if (value === null || typeof value !== 'object') return [];
  const entries = Object.entries(value);
  if (!s.properties) {
    // A map (labels, tasksByNode): its values, each against additionalProperties.
    const values = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
    return values
      ? entries.flatMap(([k, v]) => differences(v, values, `${path}.${k}`))
      : [`${path}: an object the schema does not describe`];
  }
  const declared = Object.keys(s.properties);
  const out = [
    ...entries.filter(([k]) => !declared.includes(k)).map(([k]) => `${path}.${k}: in the types, not in the schema`),
    ...declared
      .filter((k) => !(k in value) && !UNSAMPLED.includes(`${path}.${k}`))
      .map((k) => `${path}.${k}: in the schema, not in the types`),
  ];
  for (const [k, v] of entries) {
    const child = s.properties[k];
    if (child) out.push(...differences(v, child, `${path}.${k}`));
  }
  return out;
}

t.test('every property of the facts types is in the schema, and every property of the schema in the types', (t) => {
  t.same(differences(sample, schema, '$'), []);
  t.end();
});

t.test('the sample is valid', (t) => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  t.ok(validate(sample), JSON.stringify(validate.errors));
  t.end();
});

t.test('the walk finds a property on one side only', (t) => {
  const swarm: Partial<typeof sample.swarm> = { ...sample.swarm };
  delete swarm.subnetSize;
  t.same(differences({ ...sample, swarm, extra: 1 }, schema, '$'), [
    '$.extra: in the types, not in the schema',
    '$.swarm.subnetSize: in the schema, not in the types',
  ]);
  t.end();
});

t.test('the schema sets no key twice (JSON.parse would keep the last silently)', (t) => {
  const twice = (json: string): string[] =>
    parseYaml(json, 'facts.schema.json', 0, defaultLimits).duplicateKeys.map((d) => String(d.key.value));
  t.same(twice(text), []);
  t.same(twice('{"a": {"b": 1, "b": 2}}'), ['b'], 'the check sees one');
  t.end();
});
