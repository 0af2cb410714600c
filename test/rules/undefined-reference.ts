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
            file: ./LICENSE
        configs:
          pg_conf:
            file: package.json
        volumes:
          data: {}
          backups:
      `,
    },
    {
      // The rule tester lints docker-stack.yml in the working folder (the repository): its files are found there.
      name: 'a file that is there, an external secret and a driver secret are not read from files; depends_on a service',
      code: yaml`
        services:
          web:
            image: nginx
            depends_on: [db]
          db:
            image: postgres
        secrets:
          a:
            file: ./README.md
          b:
            external: true
            file: ./nope.pem
          c:
            driver: vault
        configs:
          d:
            file: @ROOT@/package.json
      `.replace('@ROOT@', process.cwd()),
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
    {
      name: 'depends_on a service the stack does not have (once per name), list and long forms',
      code: yaml`
        services:
          web:
            image: nginx
            depends_on: [db, cache, cache]
          worker:
            image: worker
            depends_on:
              db:
                condition: service_started
              queue:
                condition: service_healthy
          db:
            image: postgres
      `,
      errors: [
        { messageId: 'unknownDependency', line: 4, column: 22, data: { service: 'web', name: 'cache' } },
        { messageId: 'unknownDependency', line: 10, column: 7, data: { service: 'worker', name: 'queue' } },
      ],
    },
    {
      name: 'a secret file that is missing, a config file that is a folder, an empty file path (the folder itself)',
      code: yaml`
        services:
          web:
            image: nginx
        secrets:
          tls:
            file: ./certs/tls-does-not-exist.pem
          empty:
            file: ""
        configs:
          site:
            file: docs
      `,
      errors: [
        { messageId: 'missingFile', line: 6, column: 11, data: { Kind: 'Secret', name: 'tls', file: './certs/tls-does-not-exist.pem' } },
        { messageId: 'folderFile', line: 8, column: 11, data: { Kind: 'Secret', name: 'empty', file: '""' } },
        { messageId: 'folderFile', line: 11, column: 11, data: { Kind: 'Config', name: 'site', file: 'docs' } },
      ],
    },
  ],
});

checkRuleDocs('undefined-reference', rule);
