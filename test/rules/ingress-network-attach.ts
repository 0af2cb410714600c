import { checkRuleDocs } from '../helpers/rule-docs.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/ingress-network-attach.js';

const proxy = (networks: string, declared: string): string =>
  `services:\n  proxy:\n    image: traefik\n    ports: ["80:80"]\n${networks}networks:\n${declared}`;

testRule('ingress-network-attach', rule, {
  valid: [
    { name: 'publishing a port is how a service gets on ingress', code: 'services:\n  proxy:\n    image: traefik\n    ports: ["80:80"]\n' },
    {
      name: 'a network of the stack called ingress is <stack>_ingress, not the swarm one',
      code: proxy('    networks: [ingress]\n', '  ingress:\n    driver: overlay\n'),
    },
    {
      name: 'an external network with another name',
      code: proxy('    networks: [public]\n', '  public:\n    external: true\n'),
    },
    {
      name: 'an external ingress that no service lists (unused-network reports it)',
      code: proxy('', '  ingress:\n    external: true\n'),
    },
    {
      name: 'the option replaces the default names',
      code: proxy('    networks: [ingress]\n', '  ingress:\n    external: true\n'),
      options: [{ names: ['mesh'] }],
    },
  ],
  invalid: [
    {
      name: 'the external ingress network, list form',
      code: proxy('    networks: [front, ingress]\n', '  front: {}\n  ingress:\n    external: true\n'),
      errors: [{ messageId: 'attached', line: 5, column: 23, data: { service: 'proxy', network: 'ingress' } }],
    },
    {
      name: 'the external ingress network, mapping form with `external.name`, in two services',
      code: 'services:\n  proxy:\n    image: traefik\n    networks:\n      ingress:\n        aliases: [edge]\n  api:\n    image: x\n    networks: [ingress]\nnetworks:\n  ingress:\n    external:\n      name: ingress\n',
      errors: [
        { messageId: 'attached', line: 5, column: 7, data: { service: 'proxy', network: 'ingress' } },
        { messageId: 'attached', line: 9, column: 16, data: { service: 'api', network: 'ingress' } },
      ],
    },
    {
      name: 'a recreated ingress network under another name, given as an option',
      code: proxy('    networks: [mesh]\n', '  mesh:\n    external: true\n'),
      options: [{ names: ['mesh'] }],
      errors: [{ messageId: 'attached', line: 5, column: 16, data: { service: 'proxy', network: 'mesh' } }],
    },
  ],
});

checkRuleDocs('ingress-network-attach', rule);
