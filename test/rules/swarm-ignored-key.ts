import { checkRuleDocs } from '../helpers/rule-docs.js';
import { yaml } from '../helpers/dedent.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/swarm-ignored-key.js';

testRule('swarm-ignored-key', rule, {
  valid: [
    'services:\n  web:\n    image: nginx\n    deploy:\n      restart_policy:\n        condition: any\n',
    // docker/cli's fallback restart policy when deploy.restart_policy is absent (convertRestartPolicy).
    'services:\n  web:\n    image: nginx\n    restart: on-failure\n',
    'services:\n  web:\n    image: nginx\n    restart: unless-stopped\n    deploy:\n      replicas: 2\n',
  ],
  invalid: [
    {
      name: 'unquoted dates in maps docker turns into text (docker 28 reads timestamps); quoted ones and x- keys are kept',
      code: yaml`
        x-release: &release 2024-01-01
        services:
          web:
            image: nginx
            environment:
              RELEASE: 2024-01-01
              QUOTED: "2024-01-01"
              STAMP: 2024-01-01T10:00:00Z
              TIME: "10:00"
            labels:
              - built=2024-01-01
            extra_hosts:
              - 2024-01-01
            deploy:
              labels:
                since: 2024-01-01 10:00:00
      `,
      errors: [
        { messageId: 'timestampText', line: 6, column: 16, data: { path: 'services.web.environment.RELEASE' } },
        { messageId: 'timestampText', line: 8, column: 14, data: { path: 'services.web.environment.STAMP' } },
        { messageId: 'timestampText', line: 13, column: 9, data: { path: 'services.web.extra_hosts[0]' } },
        { messageId: 'timestampText', line: 16, column: 16, data: { path: 'services.web.deploy.labels.since' } },
      ],
    },
    {
      name: 'a fixed address on a network, inside its subnet or not (swarm never uses it)',
      code: yaml`
        services:
          web:
            image: nginx
            networks:
              front:
                aliases: [www]
                ipv4_address: 10.1.0.5
              back:
                ipv6_address: fd00::5
              plain:
        networks:
          front:
            ipam:
              config: [{subnet: 10.1.0.0/24}]
          back:
          plain:
      `,
      errors: [
        {
          messageId: 'ignored',
          line: 7,
          column: 9,
          data: {
            service: 'web',
            key: 'networks.front.ipv4_address',
            why: 'swarm gives each task an address from the network’s subnet and never a fixed one; reach the service by its name or its virtual IP',
          },
        },
        { messageId: 'ignored', line: 9, column: 9 },
      ],
    },
    {
      code: 'services:\n  web:\n    image: nginx\n    restart: always\n    deploy:\n      restart_policy:\n        condition: on-failure\n',
      errors: [
        {
          messageId: 'ignored',
          line: 4,
          column: 5,
          data: { service: 'web', key: 'restart', why: '`deploy.restart_policy` is set and wins' },
        },
      ],
    },
    {
      code: "services:\n  web:\n    image: nginx\n    restart: 'no'\n  job:\n    image: busybox\n    restart: no\n",
      errors: [
        { messageId: 'ignored', line: 4, column: 5 },
        { messageId: 'ignored', line: 7, column: 5 },
      ],
    },
    {
      code: 'services:\n  web:\n    image: nginx\n    container_name: web\n    links: [db]\n  db:\n    image: postgres\n',
      errors: [
        {
          messageId: 'ignored',
          line: 4,
          column: 5,
          data: { service: 'web', key: 'container_name', why: 'task containers are named by swarm (deprecated option)' },
        },
        { messageId: 'ignored', line: 5, column: 5 },
      ],
    },
  ],
});

checkRuleDocs('swarm-ignored-key', rule);
