import { checkRuleDocs } from '../helpers/rule-docs.js';
import { factsDoc, objectLine } from '../helpers/facts.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/windows-encrypted-overlay.js';

const secure = 'networks:\n  secure:\n    driver_opts:\n      encrypted: ""\n';
const svc = (constraints: string, networks = '    networks: [secure]\n'): string =>
  `services:\n  app:\n    image: example/app\n${networks}${constraints ? `    deploy:\n      placement:\n        constraints:\n${constraints}` : ''}`;
const constraint = (c: string): string => `          - ${c}\n`;

testRule('windows-encrypted-overlay', rule, {
  valid: [
    { name: 'no Windows anywhere', code: svc('') + secure },
    { name: 'on Windows, unencrypted network', code: `${svc(constraint('node.platform.os == windows'))}networks:\n  secure: {}\n` },
    { name: 'Windows nodes, kept on Linux', code: svc(constraint('node.platform.os == linux')) + secure, cluster: { windowsNodes: 2 } },
    { name: 'Windows nodes, kept off Windows', code: svc(constraint('node.platform.os!=Windows')) + secure, cluster: { windowsNodes: 2 } },
    { name: 'Windows nodes, no Windows node counted', code: svc('') + secure, cluster: { windowsNodes: 0, nodes: 3 } },
    {
      name: 'an external network the cluster knows as unencrypted',
      code: `${svc(constraint('node.platform.os == windows'))}networks:\n  secure:\n    external: true\n`,
      cluster: { networks: [{ name: 'secure', subnets: [], encrypted: false }] },
    },
    {
      name: 'an external network the cluster does not describe',
      code: `${svc(constraint('node.platform.os == windows'))}networks:\n  secure:\n    external: true\n`,
    },
    {
      name: 'an undeclared network (the schema rule reports it)',
      code: svc(constraint('node.platform.os == windows'), '    networks: [nope]\n'),
    },
  ],
  invalid: [
    {
      name: 'pinned to Windows, on an encrypted network',
      code: svc(constraint('node.platform.os == windows')) + secure,
      errors: [
        {
          messageId: 'onWindows',
          line: 4,
          column: 16,
          data: { service: 'app', network: 'secure', constraint: 'node.platform.os == windows' },
        },
      ],
    },
    {
      name: 'pinned to Windows (any case), on the encrypted default network it gets implicitly',
      code: `${svc(constraint('Node.Platform.OS==WINDOWS'), '')}networks:\n  default:\n    driver_opts:\n      encrypted: "true"\n`,
      errors: [
        {
          messageId: 'onWindows',
          line: 2,
          column: 3,
          data: { service: 'app', network: 'default', constraint: 'Node.Platform.OS==WINDOWS' },
        },
      ],
    },
    {
      name: 'Windows nodes in the cluster and no constraint',
      code: svc('') + secure,
      cluster: { windowsNodes: 1 },
      errors: [{ messageId: 'mayRunOnWindows', line: 4, column: 16, data: { service: 'app', network: 'secure', windowsNodes: 1 } }],
    },
    {
      name: 'Windows nodes and only unrelated constraints; one finding per encrypted network',
      code: `${svc(constraint('node.role == worker'), '    networks:\n      secure: {}\n      plain: {}\n      vault: {}\n')}${secure}  plain: {}\n  vault:\n    driver_opts: {encrypted: ""}\n`,
      cluster: { windowsNodes: 3 },
      errors: [
        { messageId: 'mayRunOnWindows', line: 5, column: 7, data: { service: 'app', network: 'secure', windowsNodes: 3 } },
        { messageId: 'mayRunOnWindows', line: 7, column: 7, data: { service: 'app', network: 'vault', windowsNodes: 3 } },
      ],
    },
    {
      name: 'an external network the cluster knows as encrypted',
      code: `${svc(constraint('node.platform.os == windows'))}networks:\n  secure:\n    external: true\n`,
      cluster: { networks: [{ name: 'secure', subnets: ['10.0.9.0/24'], encrypted: true }] },
      errors: [{ messageId: 'onWindows', line: 4, column: 16 }],
    },
  ],
});

// Facts documents: what an audit read from the Engine API.
const facts = (parts: Record<string, unknown>): string => JSON.stringify({ format: 'swarmlint-facts/1', kind: 'audit', ...parts }, null, 2);
const node = (id: string, os: string, extra: Record<string, unknown> = {}) => ({
  id,
  hostname: id,
  role: 'worker',
  availability: 'active',
  state: 'ready',
  os,
  arch: 'x86_64',
  engineVersion: '27.3.1',
  labels: {},
  ...extra,
});
const nodes = [
  node('lin1', 'linux'),
  node('win1', 'windows', { labels: { zone: 'a' } }),
  node('win2', 'windows', { labels: { zone: 'b' } }),
];
const networks = [
  { id: 'n1', name: 'secure', driver: 'overlay', encrypted: true },
  { id: 'n2', name: 'plain', driver: 'overlay', encrypted: false },
  { id: 'n0', name: 'ingress', driver: 'overlay', ingress: true, encrypted: true },
];
const service = (extra: Record<string, unknown>) => ({ id: 's1', name: 'shop_app', mode: 'replicated', replicas: 2, ...extra });

testRule(
  'windows-encrypted-overlay',
  rule,
  {
    valid: [
      {
        name: 'kept on Linux',
        code: facts({ nodes, networks, services: [service({ networks: ['secure'], constraints: ['node.platform.os==linux'] })] }),
      },
      { name: 'an unencrypted network', code: facts({ nodes, networks, services: [service({ networks: ['plain'] })] }) },
      { name: 'no Windows node', code: facts({ nodes: [nodes[0]], networks, services: [service({ networks: ['secure'] })] }) },
      {
        name: 'Windows nodes drained, or excluded by hostname, role, ID or label',
        code: facts({
          nodes: [node('win1', 'windows', { availability: 'drain' }), node('win2', 'windows', { labels: { zone: 'b' } })],
          networks,
          services: [
            service({ name: 'a', networks: ['secure'], constraints: ['node.hostname != win2'] }),
            service({ name: 'b', networks: ['secure'], constraints: ['node.role == manager'] }),
            service({ name: 'c', networks: ['secure'], constraints: ['node.id == lin1'] }),
            service({ name: 'd', networks: ['secure'], constraints: ['node.labels.zone == a'] }),
            service({ name: 'e', networks: ['secure'], constraints: ['node.labels.gpu == yes'] }),
            service({ name: 'f', networks: ['secure'], constraints: ['node.platform.arch == aarch64'] }),
          ],
        }),
      },
      {
        name: 'host-mode ports do not use the ingress network',
        code: facts({ nodes, networks, services: [service({ ports: [{ target: 80, published: 80, mode: 'host' }] })] }),
      },
    ],
    invalid: [
      {
        name: 'a listed encrypted network (by name and by ID: one finding)',
        code: facts({ nodes, networks, services: [service({ networks: ['secure', 'n1', 'plain', 'unknown'] })] }),
        errors: [
          {
            messageId: 'windowsNodesAllowed',
            line: 71,
            column: 9,
            data: { service: 'shop_app', network: 'secure', nodes: '`win1`, `win2`' },
          },
        ],
      },
      {
        name: 'constraints narrow the nodes named; unknown attributes may match',
        code: facts({
          nodes,
          networks,
          services: [service({ networks: ['n1'], constraints: ['node.labels.zone==B', 'engine.labels.os == windows'] })],
        }),
        errors: [{ messageId: 'windowsNodesAllowed', data: { service: 'shop_app', network: 'secure', nodes: '`win2`' } }],
      },
      {
        name: 'an ingress-mode port on an encrypted ingress network',
        code: facts({
          nodes,
          networks,
          services: [service({ ports: [{ target: 80, published: 8080, protocol: 'tcp', mode: 'ingress' }] })],
        }),
        errors: [
          {
            messageId: 'windowsNodesAllowed',
            line: 71,
            column: 9,
            data: { service: 'shop_app', network: 'ingress', nodes: '`win1`, `win2`' },
          },
        ],
      },
      {
        name: 'an encrypted ingress network listed as well: one finding',
        code: facts({ nodes, networks, services: [service({ networks: ['ingress'], ports: [{ target: 80, published: 8080 }] })] }),
        errors: [{ messageId: 'windowsNodesAllowed', data: { service: 'shop_app', network: 'ingress', nodes: '`win1`, `win2`' } }],
      },
    ],
  },
  'facts',
);

// Preflight: this host runs Windows and the swarm it joins has encrypted overlays.
const preflight = (os: string, nets: object[]): string =>
  factsDoc({ host: { hostname: 'winhost', os }, networks: nets, services: [], peers: [], outcomes: [] }, 'preflight');
const windowsJoin = preflight('Windows_NT', networks);

testRule(
  'windows-encrypted-overlay',
  rule,
  {
    valid: [
      { name: 'preflight: a Linux host joining a swarm with encrypted overlays', code: preflight('linux', networks) },
      {
        name: 'preflight: a Windows host, no encrypted overlay in the swarm',
        code: preflight(
          'windows',
          networks.filter((n) => !n.encrypted),
        ),
      },
      { name: "preflight: a Windows host, the manager's networks not read", code: preflight('windows', []) },
    ],
    invalid: [
      {
        name: 'preflight: a Windows host joining a swarm with encrypted overlays (ingress too): one finding',
        code: windowsJoin,
        errors: [
          {
            messageId: 'hostIsWindows',
            line: objectLine(windowsJoin, '"hostname": "winhost"'),
            column: 11,
            data: { host: 'winhost', networks: '`secure`, `ingress`' },
          },
        ],
      },
    ],
  },
  'facts',
);

checkRuleDocs('windows-encrypted-overlay', rule);
