import { checkRuleDocs } from '../helpers/rule-docs.js';
import { factsDoc, objectLine } from '../helpers/facts.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/port-in-use.js';

const listen = (protocol: string, port: number, process?: string, address = '0.0.0.0'): object => ({
  protocol,
  port,
  address,
  ...(process ? { process } : {}),
});
const engine = (swarmState: string, role?: string): object => ({ version: '28.2.2', swarmState, ...(role ? { role } : {}) });
const preflight = (listeners: object[], hostExtra: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): string =>
  factsDoc(
    { host: { hostname: 'joiner', listeners, engine: engine('inactive'), ...hostExtra }, peers: [], outcomes: [], ...extra },
    'preflight',
  );

const serf = preflight([listen('tcp', 22, 'sshd'), listen('tcp', 7946, 'serf'), listen('udp', 7946, undefined, '::')]);
const nsx = preflight([listen('udp', 4789, undefined, '0.0.0.0')]);
const proxy = preflight([listen('tcp', 2377, 'docker-proxy')]);
const unnamed = 'a process the probe could not name (run preflight as root to see it)';
const kernel =
  'a socket with no process, as a kernel VXLAN device of another overlay (VMware NSX, flannel, a `vxlan` interface) holds its port';

testRule(
  'port-in-use',
  rule,
  {
    valid: [
      {
        name: 'nothing on the swarm ports',
        code: preflight([listen('tcp', 22, 'sshd'), listen('udp', 53, 'systemd-resolved', '127.0.0.53')]),
      },
      { name: 'no host facts', code: factsDoc({ peers: [] }, 'preflight') },
      {
        name: 'dockerd holds them: this host is already a swarm node',
        code: preflight(
          [listen('tcp', 2377, 'dockerd', '::'), listen('tcp', 7946, 'dockerd', '::'), listen('udp', 7946, 'dockerd', '::')],
          {
            engine: engine('active', 'manager'),
          },
        ),
      },
      {
        name: "the kernel's VXLAN socket of an active swarm's overlays",
        code: preflight([listen('udp', 4789)], { engine: engine('active', 'worker') }),
      },
      {
        name: "the kernel's VXLAN socket beside dockerd's gossip port, the engine not probed",
        code: preflight([listen('udp', 4789), listen('udp', 7946, 'dockerd')], { engine: undefined }),
      },
      { name: 'a locked manager is in the swarm too', code: preflight([listen('udp', 4789)], { engine: engine('locked', 'manager') }) },
      {
        name: 'a worker does not need 2377',
        code: preflight([listen('tcp', 2377, 'docker-proxy')], { engine: engine('inactive') }),
        options: [{ role: 'worker' }],
      },
      {
        name: "4789 is not the swarm's data-path port here",
        code: preflight([listen('udp', 4789)], {}, { swarm: { id: 's', dataPathPort: 5789 } }),
      },
    ],
    invalid: [
      {
        name: "serf (memberlist's default port) holds 7946/tcp, something unnamed 7946/udp",
        code: serf,
        errors: [
          {
            messageId: 'gossip',
            line: objectLine(serf, '"process": "serf"'),
            column: 7,
            data: { port: '7946', protocol: 'tcp', holder: '`serf`', address: '0.0.0.0' },
          },
          {
            messageId: 'gossip',
            line: objectLine(serf, '"address": "::"'),
            data: { port: '7946', protocol: 'udp', holder: unnamed, address: '::' },
          },
        ],
      },
      {
        name: 'another VXLAN owns 4789/udp before the join',
        code: nsx,
        errors: [
          {
            messageId: 'data',
            line: objectLine(nsx, '"port": 4789'),
            data: { port: '4789', protocol: 'udp', holder: kernel, address: '0.0.0.0' },
          },
        ],
      },
      {
        name: 'a container publishes 2377: matters if this host joins as a manager',
        code: proxy,
        errors: [
          {
            messageId: 'controlIfManager',
            line: objectLine(proxy, '"port": 2377'),
            data: { port: '2377', protocol: 'tcp', holder: '`docker-proxy`', address: '0.0.0.0' },
          },
        ],
      },
      {
        name: 'the rule option says this host joins as a manager',
        code: proxy,
        options: [{ role: 'manager' }],
        errors: [{ messageId: 'control', data: { port: '2377', protocol: 'tcp', holder: '`docker-proxy`', address: '0.0.0.0' } }],
      },
      {
        name: "the swarm's own data-path port, held by a named process; an address the probe did not record",
        code: preflight([listen('udp', 5789, 'vxlan-gw', '')], {}, { swarm: { id: 's', dataPathPort: 5789 } }),
        errors: [
          {
            messageId: 'data',
            data: { port: '5789', protocol: 'udp', holder: '`vxlan-gw`', address: 'an address the probe did not record' },
          },
        ],
      },
    ],
  },
  'facts',
);

checkRuleDocs('port-in-use', rule);
