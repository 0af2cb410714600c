import { checkRuleDocs } from '../helpers/rule-docs.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/subnet-capacity.js';

/** One service named `name` with `lines` under it (indented for a service body). */
const service = (name: string, lines = ''): string => `  ${name}:\n    image: example/${name}\n${lines}`;
const replicas = (n: number, more = ''): string => `    deploy:\n      replicas: ${String(n)}\n${more}`;
const onNet = (net: string): string => `    networks: [${net}]\n`;
const stack = (services: string[], networks = ''): string => `services:\n${services.join('')}${networks ? `networks:\n${networks}` : ''}`;
const subnet = (name: string, ...cidrs: string[]): string =>
  `  ${name}:\n    ipam:\n      config:\n${cidrs.map((c) => `        - subnet: "${c}"\n`).join('')}`;

const assumed = '1 node (assumed: set `cluster.nodes` for an exact count)';
const pool = 'its /24 from the address pool';

/** A network `app` on 172.28.0.0/24 with an API at N replicas. */
const api = (n: number, more = ''): string => stack([service('api', onNet('app') + replicas(n, more))], subnet('app', '172.28.0.0/24'));

testRule('subnet-capacity', rule, {
  valid: [
    { name: 'a small stack on the default network', code: stack([service('web', replicas(3))]) },
    { name: '190 tasks on three nodes: 194 of 253', code: stack([service('web', replicas(190))]), cluster: { nodes: 3 } },
    { name: 'a /16 holds a thousand tasks', code: stack([service('web', onNet('big') + replicas(1000))], subnet('big', '172.28.0.0/16')) },
    {
      name: 'external networks are not counted',
      code: stack([service('web', onNet('proxy') + replicas(1000))], '  proxy:\n    external: true\n'),
    },
    { name: 'a declared network no service uses', code: stack([service('web')], subnet('spare', '172.28.0.0/30')) },
    {
      name: 'malformed subnets are left to subnet-overlap',
      code: stack([service('web', onNet('app') + replicas(400))], subnet('app', '172.28.0/24')),
    },
    {
      name: 'a higher warning threshold',
      code: stack([service('web', replicas(200))]),
      cluster: { nodes: 3 },
      options: [{ warnPercent: 90 }],
    },
    {
      name: 'a huge IPv6 subnet next to the IPv4 one',
      code: stack([service('web', onNet('app') + replicas(100))], subnet('app', '172.28.0.0/24', 'fd00::/64')),
    },
    {
      name: 'ingress moved to a /16 (known from an audit)',
      code: stack([service('web', '    ports: ["80:80"]\n    networks: [app]\n' + replicas(240))], subnet('app', '172.28.0.0/16')),
      cluster: { networks: [{ name: 'ingress', subnets: ['10.255.0.0/16'], encrypted: false }] },
    },
    {
      name: 'no ingress finding when its subnet is not a CIDR',
      code: stack([service('web', '    ports: ["80:80"]\n    networks: [app]\n' + replicas(240))], subnet('app', '172.28.0.0/16')),
      cluster: { ingressSubnet: 'ingress' },
    },
  ],
  invalid: [
    {
      name: 'the implicit default network, node count unknown: reported at the first service on it',
      code: stack([service('web', replicas(300))]),
      errors: [
        {
          messageId: 'exhausted',
          line: 2,
          column: 3,
          data: {
            network: 'default',
            needed: 302,
            share: 'more than the 253 usable (119%)',
            subnet: pool,
            tasks: 300,
            vips: 1,
            endpoints: 1,
            nodes: assumed,
          },
        },
      ],
    },
    {
      name: 'replicated, dnsrr and global services on ten nodes',
      code: stack(
        [
          service('api', onNet('app') + replicas(200)),
          service('worker', onNet('app') + replicas(50, '      endpoint_mode: dnsrr\n')),
          service('agent', onNet('app') + '    deploy:\n      mode: global\n'),
        ],
        subnet('app', '172.28.0.0/24'),
      ),
      cluster: { nodes: 10 },
      errors: [
        {
          messageId: 'exhausted',
          line: 19,
          column: 3,
          data: {
            network: 'app',
            needed: 272,
            share: 'more than the 253 usable (108%)',
            subnet: '172.28.0.0/24',
            tasks: 260,
            vips: 2,
            endpoints: 10,
            nodes: '10 nodes',
          },
        },
      ],
    },
    {
      name: 'exactly full (251 tasks, a VIP and an endpoint): a warning, not yet an error',
      code: api(251),
      errors: [
        {
          messageId: 'nearlyFull',
          line: 8,
          column: 3,
          data: {
            network: 'app',
            needed: 253,
            usable: 253,
            percent: 100,
            subnet: '172.28.0.0/24',
            tasks: 251,
            vips: 1,
            endpoints: 1,
            nodes: assumed,
          },
        },
      ],
    },
    { name: 'one task more is an error', code: api(252), errors: [{ messageId: 'exhausted', line: 8, column: 3 }] },
    {
      name: 'dnsrr saves the virtual IP',
      code: api(252, '      endpoint_mode: dnsrr\n'),
      errors: [
        {
          messageId: 'nearlyFull',
          data: {
            network: 'app',
            needed: 253,
            usable: 253,
            percent: 100,
            subnet: '172.28.0.0/24',
            tasks: 252,
            vips: 0,
            endpoints: 1,
            nodes: assumed,
          },
        },
      ],
    },
    {
      name: 'just above 80% on three nodes',
      code: stack([service('web', replicas(200))]),
      cluster: { nodes: 3 },
      errors: [
        {
          messageId: 'nearlyFull',
          data: {
            network: 'default',
            needed: 204,
            usable: 253,
            percent: 81,
            subnet: pool,
            tasks: 200,
            vips: 1,
            endpoints: 3,
            nodes: '3 nodes',
          },
        },
      ],
    },
    {
      name: 'a lower error threshold',
      code: api(230),
      options: [{ errorPercent: 90 }],
      errors: [
        {
          messageId: 'exhausted',
          data: {
            network: 'app',
            needed: 232,
            share: '92% of the 253 usable, above the 90% limit',
            subnet: '172.28.0.0/24',
            tasks: 230,
            vips: 1,
            endpoints: 1,
            nodes: assumed,
          },
        },
      ],
    },
    {
      name: 'the smaller family decides: an IPv6 /120 next to an IPv4 /16',
      code: stack([service('web', onNet('app') + replicas(300))], subnet('app', '172.28.0.0/16', 'fd00::/120')),
      errors: [
        {
          messageId: 'exhausted',
          data: {
            network: 'app',
            needed: 302,
            share: 'more than the 254 usable (119%)',
            subnet: 'fd00::/120',
            tasks: 300,
            vips: 1,
            endpoints: 1,
            nodes: assumed,
          },
        },
      ],
    },
    {
      name: 'two IPv4 subnets add up; host bits are forgiven here',
      code: stack([service('web', onNet('app') + replicas(600))], subnet('app', '172.28.0.0/24', '172.28.1.7/24')),
      errors: [
        {
          messageId: 'exhausted',
          data: {
            network: 'app',
            needed: 602,
            share: 'more than the 506 usable (119%)',
            subnet: '172.28.0.0/24 + 172.28.1.0/24',
            tasks: 600,
            vips: 1,
            endpoints: 1,
            nodes: assumed,
          },
        },
      ],
    },
    {
      name: 'a /32 has no address for a task',
      code: stack([service('web', onNet('app'))], subnet('app', '172.28.0.1/32')),
      errors: [
        {
          messageId: 'exhausted',
          data: {
            network: 'app',
            needed: 3,
            share: 'and none is usable',
            subnet: '172.28.0.1/32',
            tasks: 1,
            vips: 1,
            endpoints: 1,
            nodes: assumed,
          },
        },
      ],
    },
    {
      name: 'global services on 300 nodes take a task and an endpoint per node',
      code: stack([service('agent', '    deploy:\n      mode: global\n')]),
      cluster: { nodes: 300 },
      errors: [
        {
          messageId: 'exhausted',
          data: {
            network: 'default',
            needed: 601,
            share: 'more than the 253 usable (238%)',
            subnet: pool,
            tasks: 300,
            vips: 1,
            endpoints: 300,
            nodes: '300 nodes',
          },
        },
      ],
    },
    {
      name: 'jobs count like their services; pinned services stay on one node',
      code: stack(
        [
          service(
            'cache',
            onNet('app') + '    deploy:\n      mode: global\n      placement:\n        constraints: [node.hostname == db1]\n',
          ),
          service('db', onNet('app') + replicas(50, '      placement:\n        constraints: ["node.id==abc"]\n')),
          service('migrate', onNet('app') + '    deploy:\n      mode: replicated-job\n      replicas: 120\n'),
          service('cleanup', onNet('app') + '    deploy:\n      mode: global-job\n'),
        ],
        subnet('app', '172.28.0.0/24'),
      ),
      cluster: { nodes: 100 },
      errors: [
        {
          messageId: 'exhausted',
          data: {
            network: 'app',
            needed: 375,
            share: 'more than the 253 usable (148%)',
            subnet: '172.28.0.0/24',
            tasks: 271,
            vips: 4,
            endpoints: 100,
            nodes: '100 nodes',
          },
        },
      ],
    },
    {
      name: 'a pinned service takes one node, a scaled-to-zero service only its virtual IP',
      code: stack(
        [
          service('db', onNet('app') + replicas(100, '      placement:\n        constraints: [node.hostname == db1]\n')),
          service('api', onNet('app') + replicas(1)),
          service('idle', onNet('app') + replicas(0)),
          service('batch', onNet('app') + replicas(1, '      placement:\n        constraints: [node.hostname != db1]\n')),
        ],
        subnet('app', '172.28.0.0/25'),
      ),
      cluster: { nodes: 5 },
      errors: [
        {
          messageId: 'nearlyFull',
          data: {
            network: 'app',
            needed: 109,
            usable: 125,
            percent: 87,
            subnet: '172.28.0.0/25',
            tasks: 102,
            vips: 4,
            endpoints: 3,
            nodes: '5 nodes',
          },
        },
      ],
    },
    {
      name: "the pool's subnet size",
      code: stack([service('web', replicas(60))]),
      cluster: { subnetSize: 26, nodes: 1 },
      errors: [
        {
          messageId: 'exhausted',
          data: {
            network: 'default',
            needed: 62,
            share: 'more than the 61 usable (102%)',
            subnet: 'its /26 from the address pool',
            tasks: 60,
            vips: 1,
            endpoints: 1,
            nodes: '1 node',
          },
        },
      ],
    },
    {
      name: 'ingress: the publishing services alone nearly fill the default ingress subnet',
      code: stack(
        [service('web', '    ports: ["80:80"]\n    networks: [app]\n' + replicas(240)), service('db', onNet('app'))],
        subnet('app', '172.28.0.0/16'),
      ),
      cluster: { nodes: 10 },
      errors: [
        {
          messageId: 'ingressNearlyFull',
          line: 4,
          column: 13,
          data: {
            needed: 251,
            usable: 253,
            percent: 99,
            subnet: '10.0.0.0/24',
            tasks: 240,
            vips: 1,
            endpoints: 10,
            nodes: '10 nodes',
            network: 'ingress',
          },
        },
      ],
    },
    {
      name: "ingress: its default subnet has the pool's subnet size",
      code: stack([service('web', '    ports: ["8080:80"]\n' + replicas(60))]),
      cluster: { subnetSize: 26 },
      errors: [
        {
          messageId: 'exhausted',
          line: 2,
          data: {
            network: 'default',
            needed: 62,
            share: 'more than the 61 usable (102%)',
            subnet: 'its /26 from the address pool',
            tasks: 60,
            vips: 1,
            endpoints: 1,
            nodes: assumed,
          },
        },
        {
          messageId: 'ingressExhausted',
          line: 4,
          data: {
            network: 'ingress',
            needed: 62,
            share: 'more than the 61 usable (102%)',
            subnet: '10.0.0.0/26',
            tasks: 60,
            vips: 1,
            endpoints: 1,
            nodes: assumed,
          },
        },
      ],
    },
    {
      name: 'ingress: a declared ingress subnet that is too small',
      code: stack([service('web', '    ports:\n      - target: 80\n        published: 8080\n' + replicas(60))]),
      cluster: { ingressSubnet: '10.0.0.0/26', subnetSize: 16 },
      errors: [
        {
          messageId: 'ingressExhausted',
          line: 5,
          column: 9,
          data: {
            needed: 62,
            share: 'more than the 61 usable (102%)',
            subnet: '10.0.0.0/26',
            tasks: 60,
            vips: 1,
            endpoints: 1,
            nodes: assumed,
            network: 'ingress',
          },
        },
      ],
    },
  ],
});

/** A facts document (audit). */
const facts = (doc: object): string => JSON.stringify({ format: 'swarmlint-facts/1', kind: 'audit', ...doc }, null, 2);
const node = (id: string, availability = 'active'): object => ({ id, hostname: id, role: 'worker', availability, state: 'ready' });
const threeNodes = [node('a'), node('b'), node('c'), node('d', 'drain')];

testRule(
  'subnet-capacity',
  rule,
  {
    valid: [
      {
        name: 'audit: a quiet network; local networks and unreadable subnets are skipped',
        code: facts({
          nodes: threeNodes,
          networks: [
            { name: 'app', driver: 'overlay', subnets: ['10.0.1.0/24'] },
            { name: 'docker_gwbridge', driver: 'bridge', scope: 'local', subnets: ['172.18.0.0/16'], attachments: 1000 },
            { name: 'odd', driver: 'overlay', subnets: ['n/a'], attachments: 1000 },
          ],
          services: [{ name: 'web', replicas: 10, networks: ['app'] }],
        }),
      },
    ],
    invalid: [
      {
        name: 'audit: attachments, virtual IPs and the nodes the network is on',
        code: facts({
          nodes: threeNodes,
          networks: [
            {
              name: 'proxy',
              id: 'n1',
              driver: 'overlay',
              subnets: ['10.0.9.0/24'],
              attachments: 240,
              nodes: ['a', 'b', 'c', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm'],
            },
          ],
          services: [
            { name: 'traefik', replicas: 2, networks: ['n1'] },
            { name: 'app', replicas: 200, networks: ['proxy'] },
          ],
        }),
        errors: [
          {
            messageId: 'exhausted',
            line: 35,
            column: 5,
            data: {
              network: 'proxy',
              needed: 254,
              share: 'more than the 253 usable (100%)',
              subnet: '10.0.9.0/24',
              tasks: 240,
              vips: 2,
              endpoints: 12,
              nodes: '3 nodes',
            },
          },
        ],
      },
      {
        name: 'audit: ingress has an endpoint on every node that can run tasks',
        code: facts({
          nodes: threeNodes,
          networks: [{ name: 'ingress', driver: 'overlay', ingress: true, subnets: ['10.0.0.0/24'], attachments: 200 }],
          services: [
            { name: 'web', replicas: 100, ports: [{ target: 80, published: 80 }] },
            { name: 'api', replicas: 100, ports: [{ target: 81, published: 81 }] },
            { name: 'db', replicas: 1, ports: [{ target: 5432, published: 5432, mode: 'host' }] },
          ],
        }),
        errors: [
          {
            messageId: 'nearlyFull',
            data: {
              network: 'ingress',
              needed: 205,
              usable: 253,
              percent: 81,
              subnet: '10.0.0.0/24',
              tasks: 200,
              vips: 2,
              endpoints: 3,
              nodes: '3 nodes',
            },
          },
        ],
      },
      {
        name: 'audit: no attachment count: tasks by node, and the nodes they are on',
        code: facts({
          swarm: { subnetSize: 24 },
          nodes: threeNodes,
          networks: [{ name: 'app', driver: 'overlay', subnets: [] }],
          services: [
            { name: 'web', replicas: 200, networks: ['app'], tasksByNode: { a: 100, b: 100, c: 0 } },
            { name: 'spare', replicas: 1, networks: ['app'], endpointMode: 'dnsrr' },
          ],
        }),
        errors: [
          {
            messageId: 'nearlyFull',
            data: {
              network: 'app',
              needed: 204,
              usable: 253,
              percent: 81,
              subnet: pool,
              tasks: 201,
              vips: 1,
              endpoints: 2,
              nodes: '3 nodes',
            },
          },
        ],
      },
      {
        name: 'audit: no attachments, no task counts: desired tasks spread over the nodes',
        code: facts({
          swarm: { subnetSize: 25 },
          nodes: threeNodes,
          networks: [{ name: 'app', driver: 'overlay' }],
          services: [{ name: 'web', replicas: 124, networks: ['app'] }],
        }),
        errors: [
          {
            messageId: 'exhausted',
            data: {
              network: 'app',
              needed: 128,
              share: 'more than the 125 usable (102%)',
              subnet: 'its /25 from the address pool',
              tasks: 124,
              vips: 1,
              endpoints: 3,
              nodes: '3 nodes',
            },
          },
        ],
      },
    ],
  },
  'facts',
);

checkRuleDocs('subnet-capacity', rule);
