import { checkRuleDocs } from '../helpers/rule-docs.js';
import { yaml } from '../helpers/dedent.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/undefined-reference.js';

testRule('undefined-reference', rule, {
  valid: [
    {
      name: 'defined secrets, configs and volumes, short and long forms; bind mounts and anonymous volumes',
      code: yaml`
        services:
          db:
            image: postgres
            secrets: [db_password, {source: tls_key, target: key.pem}]
            configs: [{source: pg_conf, target: /etc/postgresql.conf}]
            volumes:
              - data:/var/lib/postgresql/data
              - ./init:/docker-entrypoint-initdb.d:ro
              - /var/run/docker.sock:/var/run/docker.sock
              - ~/logs:/logs
              - /scratch
              - type: volume
                source: backups
                target: /backups
              - type: bind
                source: /srv/x
                target: /x
        secrets:
          db_password:
            external: true
          tls_key:
            file: ./key.pem
        configs:
          pg_conf:
            file: ./postgresql.conf
        volumes:
          data: {}
          backups:
      `,
    },
  ],
  invalid: [
    {
      name: 'one of each, undefined',
      code: yaml`
        services:
          db:
            image: postgres
            secrets: [db_pasword]
            configs:
              - source: pg_conf
                target: /etc/pg.conf
            volumes: ["pgdata:/var/lib/postgresql/data"]
        secrets:
          db_password:
            external: true
      `,
      errors: [
        { messageId: 'undefined', line: 4, column: 15, data: { service: 'db', kind: 'secret', name: 'db_pasword', section: 'secrets' } },
        { messageId: 'undefined', line: 6, column: 17, data: { service: 'db', kind: 'config', name: 'pg_conf', section: 'configs' } },
        { messageId: 'undefined', line: 8, column: 15, data: { service: 'db', kind: 'volume', name: 'pgdata', section: 'volumes' } },
      ],
    },
  ],
});

checkRuleDocs('undefined-reference', rule);
