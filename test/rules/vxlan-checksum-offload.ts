import { checkRuleDocs } from '../helpers/rule-docs.js';
import { factsDoc, objectLine } from '../helpers/facts.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/vxlan-checksum-offload.js';

const nic = (name: string, driver: string | undefined, offload: boolean | undefined, up = true): object => ({
  name,
  mtu: 1500,
  up,
  addresses: [],
  ...(driver ? { driver } : {}),
  ...(offload !== undefined ? { txChecksumIpGeneric: offload } : {}),
});
const preflight = (interfaces: object[], peers: object[] = [], routes: object[] = []): string =>
  factsDoc({ host: { hostname: 'joiner', interfaces, routes }, peers, outcomes: [] }, 'preflight');
const manager = { address: '198.18.0.101', role: 'manager', checks: [] };
const toPeers = [{ destination: '198.18.0.0/24', device: 'ens192' }];

const onPath = preflight([nic('ens192', 'vmxnet3', true), nic('ens224', 'vmxnet3', true)], [manager], toPeers);
const noPeers = preflight([nic('ens192', 'vmxnet3', true), nic('ens224', 'vmxnet3', true, false)]);

testRule(
  'vxlan-checksum-offload',
  rule,
  {
    valid: [
      { name: 'the offload is off', code: preflight([nic('ens192', 'vmxnet3', false)], [manager], toPeers) },
      { name: 'another driver', code: preflight([nic('eth0', 'virtio_net', true)]) },
      { name: 'driver or offload state not known', code: preflight([nic('ens192', undefined, true), nic('ens224', 'vmxnet3', undefined)]) },
      {
        name: 'the vmxnet3 interface does not carry the traffic to the peers',
        code: preflight([nic('ens192', 'virtio_net', true), nic('ens224', 'vmxnet3', true)], [manager], toPeers),
      },
      { name: 'no host facts', code: factsDoc({ peers: [] }, 'preflight') },
    ],
    invalid: [
      {
        name: 'the interface this host reaches its peers through',
        code: onPath,
        errors: [
          {
            messageId: 'offloadOn',
            line: objectLine(onPath, '"name": "ens192"'),
            column: 7,
            data: { interface: 'ens192', carries: 'this host reaches its peers through it' },
          },
        ],
      },
      {
        name: 'no peers: every interface that is up',
        code: noPeers,
        errors: [
          {
            messageId: 'offloadOn',
            line: objectLine(noPeers, '"name": "ens192"'),
            data: { interface: 'ens192', carries: 'it is up (no peer says which interface carries the overlays)' },
          },
        ],
      },
    ],
  },
  'facts',
);

checkRuleDocs('vxlan-checksum-offload', rule);
