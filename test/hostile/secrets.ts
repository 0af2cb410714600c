// Secrets planted in a stack (environment values, an env-file, labels, commands, extension fields, a URL with a
// password to a service it cannot reach) never appear in any output format, whatever the rules report.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SECRETS = [
  'SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-1awxwuwd3z9j1z3puu7rcgdbx',
  'hunter2-P4ssw0rd-planted',
  '-----BEGIN PRIVATE KEY-----',
  'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7',
  'sk_live_planted_4eC39HqLyjWDarjtT1zdp7dc',
];
const [token, password, keyHead, keyBody, apiKey] = SECRETS as [string, string, string, string, string];

const dir = mkdtempSync(join(tmpdir(), 'swarmlint-secrets-'));
const stack = join(dir, 'docker-stack.yml');
writeFileSync(
  stack,
  `version: "3.8"
x-secret: "${apiKey}"
services:
  api:
    image: registry.example/api:\${TAG}
    command: ["--join-token", "${token}"]
    environment:
      DATABASE_URL: postgres://app:${password}@db:5432/app
      DB_PASSWORD: "${password}"
      TLS_KEY: |
        ${keyHead}
        ${keyBody}
    deploy:
      labels:
        api-key: "${apiKey}"
      mode: "${password}"
      endpoint_mode: dnsrr
    ports: ["80:80"]
    networks: [front]
  db:
    image: postgres
    environment:
      - POSTGRES_PASSWORD=${password}
      - API_KEY
    networks: [back]
networks:
  front: {}
  back:
    driver_opts:
      encrypted: "false"
`,
);
const envFile = join(dir, 'deploy.env');
writeFileSync(envFile, `TAG=1.0\nAPI_KEY=${apiKey}\nJOIN=${token}\n`);
const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

for (const format of ['stylish', 'json', 'sarif']) {
  t.test(`--format ${format}`, (t) => {
    const r = spawnSync(
      process.execPath,
      [cli, 'lint', '--format', format, '--env-file', envFile, '--rule', 'prefer-long-port-syntax:suggestion', stack],
      { encoding: 'utf8', env: { ...process.env, _TAPJS_PROCESSINFO_COVERAGE_: '0', NO_COLOR: '1' } },
    );
    t.equal(r.status, 1, 'findings were reported');
    t.match(r.stdout, /unreachable-service/, 'the URL with a password is reported (by variable name)');
    t.match(r.stdout, /DATABASE_URL/);
    for (const secret of SECRETS) {
      t.notOk(r.stdout.includes(secret) || r.stderr.includes(secret), `${secret.slice(0, 12)}… never printed`);
    }
    t.end();
  });
}
