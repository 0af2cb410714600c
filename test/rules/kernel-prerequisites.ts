import { checkRuleDocs } from '../helpers/rule-docs.js';
import { factsDoc, objectLine } from '../helpers/facts.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/kernel-prerequisites.js';

const mod = (name: string, state: string): object => ({ name, state });
const healthy = [
  mod('vxlan', 'loaded'),
  mod('ip_vs', 'available'),
  mod('xfrm_user', 'loaded'),
  mod('esp4', 'builtin'),
  mod('xt_u32', 'available'),
  mod('xt_bpf', 'loaded'),
];
const secure = { name: 'secure', driver: 'overlay', encrypted: true, subnets: ['10.0.1.0/24'] };
const plain = { name: 'ingress', driver: 'overlay', ingress: true, subnets: ['10.0.0.0/24'] };
const preflight = (modules: object[], networks: object[] = [plain, secure], hostExtra: Record<string, unknown> = {}): string =>
  factsDoc(
    {
      host: { hostname: 'joiner', engine: { version: '28.2.2', swarmState: 'inactive' }, modules, ...hostExtra },
      networks,
      peers: [],
      outcomes: [],
    },
    'preflight',
  );
const engine = (version: string): Record<string, unknown> => ({ engine: { version, swarmState: 'inactive' } });
const with_ = (changes: Record<string, string>): object[] =>
  healthy.map((m) => {
    const name = (m as { name: string }).name;
    return changes[name] ? mod(name, changes[name]) : m;
  });

const noVxlan = preflight(with_({ vxlan: 'missing', ip_vs: 'missing' }), []);
const ipsec = preflight([...with_({ xfrm_user: 'missing', esp4: 'missing' }), mod('gcm', 'loaded')]);
const bpf = preflight(with_({ xt_bpf: 'missing', xt_u32: 'missing' }));
const silent = preflight(with_({ xt_u32: 'missing', xt_bpf: 'missing' }), [secure], {
  ...engine('20.10.21+dfsg1'),
  iptablesBackend: 'nf_tables',
});
const bothFirstBpf = preflight([mod('xt_bpf', 'missing'), mod('xt_u32', 'missing')], [secure], engine('23.0.3'));

testRule(
  'kernel-prerequisites',
  rule,
  {
    valid: [
      { name: 'everything there', code: preflight(healthy) },
      { name: 'no host facts', code: factsDoc({ peers: [] }, 'preflight') },
      {
        name: 'states the probe could not tell are not findings',
        code: preflight(healthy.map((m) => ({ ...m, state: 'unknown' }))),
      },
      {
        name: "the swarm's networks are known and none is encrypted: the encryption modules do not matter",
        code: preflight(with_({ xfrm_user: 'missing', xt_u32: 'missing', xt_bpf: 'missing' }), [plain]),
      },
      { name: 'Engine 24 and later use xt_bpf only', code: preflight(with_({ xt_u32: 'missing' })) },
      { name: 'Engine 23.0.3 falls back to xt_bpf', code: preflight(with_({ xt_u32: 'missing' }), [secure], engine('23.0.3')) },
      { name: 'Engine 20.10.24 uses xt_u32 when there', code: preflight(with_({ xt_bpf: 'missing' }), [secure], engine('20.10.24')) },
      { name: 'Engine 20.10.21 uses xt_u32 only', code: preflight(with_({ xt_bpf: 'missing' }), [secure], engine('20.10.21')) },
      {
        name: 'an engine that cannot be read, one of the matches there',
        code: preflight(with_({ xt_u32: 'missing' }), [secure], engine('dev')),
      },
      { name: 'Engine 28 and xt_bpf unknown', code: preflight(with_({ xt_bpf: 'unknown', xt_u32: 'missing' })) },
    ],
    invalid: [
      {
        name: 'no vxlan and no ip_vs: overlays cannot work at all, encrypted or not',
        code: noVxlan,
        errors: [
          { messageId: 'vxlan', line: objectLine(noVxlan, '"name": "vxlan"'), column: 7 },
          { messageId: 'ipvs', line: objectLine(noVxlan, '"name": "ip_vs"'), column: 7 },
        ],
      },
      {
        name: 'IPsec modules missing and the swarm has an encrypted overlay',
        code: ipsec,
        errors: [
          {
            messageId: 'ipsec',
            line: objectLine(ipsec, '"name": "xfrm_user"'),
            data: { modules: '`xfrm_user`, `esp4` are', networks: '`secure`' },
          },
        ],
      },
      {
        name: "IPsec module missing, the manager's networks not read: a warning",
        code: preflight(with_({ esp4: 'missing' }), []),
        errors: [{ messageId: 'ipsecIfEncrypted', data: { modules: '`esp4` is', networks: '' } }],
      },
      {
        name: 'Engine 28 without xt_bpf (xt_u32 would not help)',
        code: bpf,
        errors: [
          {
            messageId: 'noBpf',
            line: objectLine(bpf, '"name": "xt_bpf"'),
            data: { networks: '`secure`', engine: 'Docker Engine 28.2.2', backend: '' },
          },
        ],
      },
      {
        name: 'an engine from before the CVE-2023-28841 fix on nf_tables without xt_u32: silently unencrypted',
        code: silent,
        errors: [
          {
            messageId: 'noU32Silent',
            line: objectLine(silent, '"name": "xt_u32"'),
            data: {
              networks: '`secure`',
              engine: 'Docker Engine 20.10.21+dfsg1',
              backend: ' (iptables uses its nf_tables backend here, as on RHEL 8 and 9, which ship no `xt_u32`)',
            },
          },
        ],
      },
      {
        name: 'Engine 23.0.1 is before the fix too',
        code: preflight(with_({ xt_u32: 'missing' }), [secure], engine('23.0.1')),
        errors: [{ messageId: 'noU32Silent' }],
      },
      {
        name: 'Engine 23.0.3 with neither match: reported at the first of the two',
        code: bothFirstBpf,
        errors: [
          {
            messageId: 'noMatch',
            line: objectLine(bothFirstBpf, '"name": "xt_bpf"'),
            data: { networks: '`secure`', engine: 'Docker Engine 23.0.3', backend: '' },
          },
        ],
      },
      {
        name: "no engine facts and neither match, the manager's networks not read",
        code: preflight(with_({ xt_u32: 'missing', xt_bpf: 'missing' }), [], { engine: undefined }),
        errors: [
          {
            messageId: 'noMatchIfEncrypted',
            data: { networks: '', engine: 'the engine', backend: '' },
          },
        ],
      },
    ],
  },
  'facts',
);

checkRuleDocs('kernel-prerequisites', rule);
