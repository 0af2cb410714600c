import { checkRuleDocs } from '../helpers/rule-docs.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/container-density.js';

const service = (name: string, deploy: string): string => `  ${name}:\n    image: example/${name}\n    deploy:\n${deploy}`;
const replicas = (n: number, more = ''): string => `      replicas: ${String(n)}\n${more}`;
const global = '      mode: global\n';
const maxPerNode = (n: number): string => `      placement:\n        max_replicas_per_node: ${String(n)}\n`;
const pinTo = (node: string): string => `      placement:\n        constraints: [node.hostname == ${node}]\n`;
const stack = (...services: string[]): string => `services:\n${services.join('')}`;

testRule('container-density', rule, {
  valid: [
    { name: 'a small stack', code: stack(service('web', replicas(3))) },
    { name: 'many replicas, node count unknown: nothing to judge', code: stack(service('web', replicas(5000))) },
    { name: '2000 replicas over three nodes', code: stack(service('web', replicas(2000))), cluster: { nodes: 3 } },
    {
      name: 'max_replicas_per_node that leaves room for every replica',
      code: stack(service('web', replicas(1500, maxPerNode(500)))),
      cluster: { nodes: 3 },
    },
    { name: 'max_replicas_per_node with the node count unknown', code: stack(service('web', replicas(10, maxPerNode(2)))) },
    { name: 'global services ignore max_replicas_per_node', code: stack(service('agent', global + maxPerNode(1))), cluster: { nodes: 3 } },
    { name: 'a higher limit', code: stack(service('web', replicas(3000))), cluster: { nodes: 2 }, options: [{ limit: 2000 }] },
    { name: 'pinned, within the limit', code: stack(service('db', replicas(900, pinTo('db1'))), service('agent', global)) },
  ],
  invalid: [
    {
      name: '2100 replicas on two nodes',
      code: stack(service('web', replicas(2100))),
      cluster: { nodes: 2 },
      errors: [
        {
          messageId: 'tooMany',
          line: 5,
          column: 17,
          data: { nodes: '2 nodes', tasks: 1050, replicated: 2100, limit: 1000, service: 'web', serviceTasks: 2100 },
        },
      ],
    },
    {
      name: 'replicated tasks spread evenly, plus one per global service',
      code: stack(service('api', replicas(3000)), service('worker', replicas(1000)), service('agent', global), service('logs', global)),
      cluster: { nodes: 4 },
      errors: [
        {
          messageId: 'tooMany',
          line: 5,
          column: 17,
          data: { nodes: '4 nodes', tasks: 1002, replicated: 4000, limit: 1000, service: 'api', serviceTasks: 3000 },
        },
      ],
    },
    {
      name: 'global services only, with a small limit: reported at the first',
      code: stack(service('a', global), service('b', global), service('c', global)),
      cluster: { nodes: 5 },
      options: [{ limit: 2 }],
      errors: [
        {
          messageId: 'tooMany',
          line: 2,
          column: 3,
          data: { nodes: '5 nodes', tasks: 3, replicated: 0, limit: 2, service: 'a', serviceTasks: 5 },
        },
      ],
    },
    {
      name: 'services pinned to one node, node count unknown',
      code: stack(service('a', replicas(600, pinTo('big1'))), service('b', replicas(500, pinTo('big1'))), service('agent', global)),
      errors: [{ messageId: 'pinnedTooMany', line: 5, column: 17, data: { node: 'big1', tasks: 1101, limit: 1000 } }],
    },
    {
      name: 'the larger pinned service is pointed at',
      code: stack(service('small', replicas(100, pinTo('n1'))), service('large', replicas(1000, pinTo('n1')))),
      cluster: { nodes: 10 },
      errors: [{ messageId: 'pinnedTooMany', line: 11, column: 17, data: { node: 'n1', tasks: 1100, limit: 1000 } }],
    },
    {
      name: 'max_replicas_per_node leaves replicas pending',
      code: stack(service('web', replicas(10, maxPerNode(3)))),
      cluster: { nodes: 3 },
      errors: [
        {
          messageId: 'unschedulable',
          line: 7,
          column: 32,
          data: { service: 'web', replicas: 10, fit: 9, perNode: 3, nodes: '3 nodes', pending: 1 },
        },
      ],
    },
    {
      name: 'a pinned service can only use one node, whatever the node count',
      code: stack(
        service('db', replicas(5, '      placement:\n        max_replicas_per_node: 2\n        constraints: ["node.hostname==db1"]\n')),
      ),
      errors: [
        {
          messageId: 'unschedulable',
          data: { service: 'db', replicas: 5, fit: 2, perNode: 2, nodes: 'node `db1`, where a placement constraint pins it', pending: 3 },
        },
      ],
    },
    {
      name: 'a lower limit',
      code: stack(service('web', replicas(300))),
      cluster: { nodes: 2 },
      options: [{ limit: 100 }],
      errors: [
        { messageId: 'tooMany', data: { nodes: '2 nodes', tasks: 150, replicated: 300, limit: 100, service: 'web', serviceTasks: 300 } },
      ],
    },
  ],
});

const facts = (doc: object): string => JSON.stringify({ format: 'swarmlint-facts/1', kind: 'audit', networks: [], ...doc }, null, 2);
const node = (id: string, tasks: number, availability = 'active'): object => ({
  id,
  hostname: id,
  role: 'worker',
  availability,
  state: 'ready',
  tasks,
});

testRule(
  'container-density',
  rule,
  {
    valid: [
      {
        name: 'audit: busy but within the limit; replicas that fit',
        code: facts({
          nodes: [node('w1', 900), node('w2', 1000), node('w3', 10)],
          services: [{ name: 'web', replicas: 6, maxReplicasPerNode: 2 }],
        }),
      },
    ],
    invalid: [
      {
        name: 'audit: a node over the limit, and replicas a drained node cannot take',
        code: facts({
          nodes: [node('w1', 1200), node('w2', 10), node('w3', 10), node('w4', 0, 'drain')],
          services: [{ name: 'web', replicas: 10, maxReplicasPerNode: 2 }],
        }),
        errors: [
          { messageId: 'nodeTooMany', line: 6, column: 5, data: { node: 'w1', tasks: 1200, limit: 1000 } },
          {
            messageId: 'unschedulable',
            line: 40,
            column: 5,
            data: { service: 'web', replicas: 10, fit: 6, perNode: 2, nodes: '3 nodes', pending: 4 },
          },
        ],
      },
    ],
  },
  'facts',
);

checkRuleDocs('container-density', rule);
