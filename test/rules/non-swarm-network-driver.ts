import { checkRuleDocs } from '../helpers/rule-docs.js';
import { yaml } from '../helpers/dedent.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/non-swarm-network-driver.js';

testRule('non-swarm-network-driver', rule, {
  valid: [
    {
      name: 'overlay, the default, an external host network and a plugin driver',
      code: yaml`
        services:
          web:
            image: nginx
            networks: [front, back, hostnet, weave]
        networks:
          front:
            driver: overlay
          back: {}
          hostnet:
            external: true
            name: host
          weave:
            driver: weaveworks/net-plugin:latest
      `,
    },
    {
      name: 'a bridge network no service uses is never created (unused-network reports it)',
      code: yaml`
        services:
          web:
            image: nginx
        networks:
          local:
            driver: bridge
      `,
    },
  ],
  invalid: [
    {
      name: 'bridge, used by two services',
      code: yaml`
        services:
          api:
            image: example/api
            networks: [app]
          db:
            image: postgres
            networks: [app]
        networks:
          app:
            driver: bridge
      `,
      errors: [{ messageId: 'localDriver', line: 10, column: 13, data: { network: 'app', driver: 'bridge', services: '`api`, `db`' } }],
    },
    {
      name: 'host in any case, listed in the mapping form',
      code: yaml`
        services:
          web:
            image: nginx
            networks:
              edge:
                aliases: [www]
        networks:
          edge:
            driver: Host
      `,
      errors: [{ messageId: 'localDriver', line: 9, column: 13, data: { network: 'edge', driver: 'Host', services: '`web`' } }],
    },
  ],
});

checkRuleDocs('non-swarm-network-driver', rule);
