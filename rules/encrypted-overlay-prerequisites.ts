import type { Network } from '../language/model.js';
import { createRule, report, visit } from './utils/create-rule.js';
import { nameSpan } from './utils/networks.js';

export default createRule({
  name: 'encrypted-overlay-prerequisites',
  meta: {
    type: 'suggestion',
    docs: {
      description:
        'An encrypted overlay network needs IP protocol 50 (ESP) open between nodes, kernel support for its iptables rules, and a throughput budget.',
      severity: 'info',
      recommended: true,
      checks: ['stack', 'audit'],
      remediation:
        "Allow IP protocol 50 (ESP) between all nodes, not only 4789/udp; make sure every node's kernel has the `xt_u32` (or `xt_bpf`) iptables match and run Docker Engine 20.10.24, 23.0.3 or later; benchmark the network before production.",
    },
    schema: [],
    defaultOptions: [],
    messages: {
      prerequisites:
        'Network `{{network}}` is encrypted (IPsec ESP between nodes): every node must accept IP protocol 50 (ESP) from the others (opening 4789/udp is not enough), every kernel needs the `xt_u32` or `xt_bpf` iptables match (without it, tasks on the network are rejected with "could not install mangle rule"), and the docs warn of a "non-negligible performance penalty": measure it first.',
    },
  },
  create(context) {
    const check = (network: Network): void => {
      if (network.encrypted && network.driver === 'overlay')
        report(context, network.at.encrypted ?? nameSpan(network), 'prerequisites', { network: network.name });
    };
    return visit({
      Stack(stack) {
        stack.networks.forEach(check);
      },
      Facts(facts) {
        facts.networks.forEach(check);
      },
    });
  },
});
