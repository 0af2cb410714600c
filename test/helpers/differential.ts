// The differential between swarmlint's stack loader and `docker stack config` (docker/cli's own loader): the
// cases (fixtures plus generated edges), a runner for each side, and the comparison. Used by
// test/cli/differential.ts; not a test file itself.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYamlText } from 'yaml';
import { LoadError } from '../../language/loader/errors.js';
import { defaultLimits } from '../../language/loader/limits.js';
import { printStack } from '../../language/loader/print.js';
import { loadStack } from '../../language/loader/stack.js';
import { decodeText } from '../../language/loader/text.js';
import type { YamlDialect } from '../../language/loader/yaml.js';
import type { Stack } from '../../language/model.js';

export interface Case {
  name: string;
  /** The files, merged in order (`-c a -c b`). */
  files: { name: string; text: string }[];
  /** The variables set for both sides (nothing else is). */
  env?: Record<string, string>;
  /** Extra files in the case's folder (env files, secrets). */
  extra?: Record<string, string>;
}

/** What one side made of a case: refused (with why) or the projection of the model rules read. */
export type Outcome = { ok: false; why: string } | { ok: true; model: Projection; warnings?: string; printed?: Projection };

export interface Projection {
  services: Record<string, unknown>;
  networks: Record<string, unknown>;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// ------------------------------------------------------------------------------------------------------------
// Cases
// ------------------------------------------------------------------------------------------------------------

const one = (name: string, text: string, env?: Record<string, string>, extra?: Record<string, string>): Case => ({
  name,
  files: [{ name: 'stack.yml', text }],
  ...(env ? { env } : {}),
  ...(extra ? { extra } : {}),
});

function fixtureCases(): Case[] {
  const out: Case[] = [];
  for (const dir of ['fixtures/corpus', 'fixtures/hostile', 'examples']) {
    for (const f of readdirSync(join(ROOT, dir)).sort()) {
      if (!/\.ya?ml$/.test(f)) continue;
      out.push(one(`${dir}/${f}`, readFileSync(join(ROOT, dir, f), 'latin1')));
    }
  }
  return out;
}

/** Scalars that YAML libraries disagree on, as written in a file. */
const SCALARS = [
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  'Y',
  'N',
  'Yes',
  'NO',
  'true',
  'False',
  'TRUE',
  '~',
  'null',
  'Null',
  "''",
  '.',
  '0755',
  '0o755',
  '0x1F',
  '1_000',
  '1e3',
  '.inf',
  '-.inf',
  '.nan',
  '3.0',
  '012',
  '2001-12-14',
  '12:30',
  '"80:80"',
  '"yes"',
  '0b101',
  '+1',
  '-0',
  '1.',
  '3',
  '" 3"',
  '!!str 3',
  '!!int "3"',
  '!!bool "yes"',
  '!!float 1',
  // Floats, base 60 and timestamps as yaml.v3 (docker ≥ 28) reads them.
  '1.5',
  '80.0',
  '1e2',
  '1:30:00',
  '2001-12-14t21:59:43.10-05:00',
  '2001-12-14 21:59:43.10',
  '2001-12-14 21:59:43.10 -5',
];

/** Where a scalar goes: a template with `@` for the value. */
const SLOTS: [string, string][] = [
  ['read_only', 'services:\n  web:\n    image: nginx\n    read_only: @\n'],
  ['env value', 'services:\n  web:\n    image: nginx\n    environment:\n      FOO: @\n'],
  ['image', 'services:\n  web:\n    image: @\n'],
  ['replicas', 'services:\n  web:\n    image: nginx\n    deploy:\n      replicas: @\n'],
  ['working_dir', 'services:\n  web:\n    image: nginx\n    working_dir: @\n'],
  ['label value', 'services:\n  web:\n    image: nginx\n    labels:\n      a: @\n'],
  ['port', 'services:\n  web:\n    image: nginx\n    ports:\n      - @\n'],
  ['network external', 'services:\n  web:\n    image: nginx\n    networks: [n]\nnetworks:\n  n:\n    external: @\n'],
  ['command', 'services:\n  web:\n    image: nginx\n    command: @\n'],
  ['extra_hosts', 'services:\n  web:\n    image: nginx\n    extra_hosts:\n      - @\n'],
  ['published', 'services:\n  web:\n    image: nginx\n    ports:\n      - target: 80\n        published: @\n'],
  ['mtu option', 'services:\n  web:\n    image: nginx\nnetworks:\n  n:\n    driver_opts:\n      com.docker.network.driver.mtu: @\n'],
];

function scalarCases(): Case[] {
  const out: Case[] = [];
  for (const [slot, template] of SLOTS)
    for (const value of SCALARS) out.push(one(`scalar ${slot} = ${value}`, `version: "3.8"\n${template.replace('@', value)}`));
  return out;
}

const YAML_EDGES: [string, string][] = [
  ['on as env key', 'services:\n  web:\n    image: nginx\n    environment:\n      on: 1\n'],
  ['y as env key', 'services:\n  web:\n    image: nginx\n    environment:\n      y: a\n'],
  ['int key', 'services:\n  web:\n    image: nginx\n    labels:\n      1: a\n'],
  ['null key', 'services:\n  web:\n    image: nginx\n    labels:\n      null: a\n'],
  ['bool service name', 'services:\n  yes:\n    image: nginx\n'],
  ['duplicate service key', 'services:\n  web:\n    image: nginx\n  web:\n    image: redis\n'],
  ['duplicate image', 'services:\n  web:\n    image: nginx\n    image: redis\n'],
  ['duplicate top key', 'services:\n  web:\n    image: nginx\nservices:\n  db:\n    image: redis\n'],
  ['duplicate merge key', 'x-a: &a\n  image: nginx\nx-b: &b\n  read_only: true\nservices:\n  web:\n    <<: *a\n    <<: *b\n'],
  ['merge key', 'x-a: &a\n  image: nginx\n  read_only: true\nservices:\n  web:\n    <<: *a\n    image: redis\n'],
  ['merge list', 'x-a: &a\n  image: nginx\nx-b: &b\n  image: redis\n  read_only: true\nservices:\n  web:\n    <<: [*a, *b]\n'],
  ['merge scalar', 'x-a: &a nginx\nservices:\n  web:\n    <<: *a\n'],
  [
    'merge into deploy',
    'x-d: &d\n  replicas: 2\n  mode: replicated\nservices:\n  web:\n    image: nginx\n    deploy:\n      <<: *d\n      replicas: 3\n',
  ],
  ['alias scalar', 'x-i: &i nginx:1\nservices:\n  web:\n    image: *i\n'],
  ['alias undefined', 'services:\n  web:\n    image: *nope\n'],
  ['anchor redefined', 'x-a: &a nginx\nx-b: &a redis\nservices:\n  web:\n    image: *a\n'],
  ['second document', 'services:\n  web:\n    image: nginx\n---\nservices:\n  db:\n    image: redis\n'],
  ['trailing ---', 'services:\n  web:\n    image: nginx\n---\n'],
  ['leading ---', '---\nservices:\n  web:\n    image: nginx\n'],
  ['document end', 'services:\n  web:\n    image: nginx\n...\n'],
  ['second doc invalid', 'services:\n  web:\n    image: nginx\n---\n: : :\n  - [\n'],
  ['tab indent', 'services:\n\tweb:\n\t\timage: nginx\n'],
  ['tab after value', 'services:\n  web:\n    image: nginx\t\n'],
  ['empty file', ''],
  ['comments only', '# nothing\n'],
  ['top-level list', '- a\n- b\n'],
  ['top-level scalar', 'hello\n'],
  ['top-level null', '~\n'],
  ['services null', 'services:\n'],
  ['service null', 'services:\n  web:\n'],
  ['no services', 'version: "3.8"\n'],
  ['flow mapping', '{services: {web: {image: nginx, ports: ["80:80"]}}}\n'],
  ['json', '{"services": {"web": {"image": "nginx"}}}\n'],
  ['complex key', 'services:\n  web:\n    image: nginx\n    labels:\n      ? [a]\n      : b\n'],
  ['literal block image', 'services:\n  web:\n    image: |\n      nginx\n'],
  ['folded block image', 'services:\n  web:\n    image: >-\n      nginx\n'],
  ['binary tag', 'services:\n  web:\n    image: !!binary bmdpbng=\n'],
  ['custom tag', 'services:\n  web:\n    image: !foo nginx\n'],
  ['set tag', 'services:\n  web:\n    image: nginx\n    labels: !!set {a, b}\n'],
  ['omap tag', 'services:\n  web:\n    image: nginx\n    labels: !!omap [a: 1]\n'],
  ['timestamp label', 'services:\n  web:\n    image: nginx\n    labels:\n      a: 2001-12-14t21:59:43.10-05:00\n'],
  ['sexagesimal port', 'services:\n  web:\n    image: nginx\n    ports:\n      - 80:80\n'],
  ['sexagesimal small', 'services:\n  web:\n    image: nginx\n    ports:\n      - 22:22\n'],
  ['quoted key', 'services:\n  "web":\n    \'image\': nginx\n'],
  ['unicode escape', 'services:\n  web:\n    image: "ngin\\x78"\n'],
  ['crlf', 'services:\r\n  web:\r\n    image: nginx\r\n'],
  ['bom', '\ufeffservices:\n  web:\n    image: nginx\n'],
  ['directive', '%YAML 1.1\n---\nservices:\n  web:\n    image: nginx\n'],
  ['directive 1.2', '%YAML 1.2\n---\nservices:\n  web:\n    image: nginx\n'],
  ['unclosed quote', 'services:\n  web:\n    image: "nginx\n'],
  ['bad indent', 'services:\n  web:\n    image: nginx\n   ports: []\n'],
  ['nested alias bomb small', 'x-a: &a [1, 1]\nx-b: &b [*a, *a]\nx-c: &c [*b, *b]\nservices:\n  web:\n    image: nginx\n'],
  ['null port list item', 'services:\n  web:\n    image: nginx\n    ports:\n      -\n'],
  ['empty env value', 'services:\n  web:\n    image: nginx\n    environment:\n      A:\n      B: ""\n'],
  ['env list', 'services:\n  web:\n    image: nginx\n    environment:\n      - A\n      - B=1\n      - C=\n'],
  ['env list duplicate', 'services:\n  web:\n    image: nginx\n    environment:\n      - A=1\n      - A=2\n'],
  ['x- top key', 'version: "3.8"\nx-foo: 1\nservices:\n  web:\n    image: nginx\n'],
  ['x- service key', 'version: "3.8"\nservices:\n  web:\n    image: nginx\n    x-foo: 1\n'],
  ['unknown service key', 'services:\n  web:\n    image: nginx\n    foo: 1\n'],
  ['unknown top key', 'foo: 1\nservices:\n  web:\n    image: nginx\n'],
  ['anchor on key', 'services:\n  &k web:\n    image: nginx\n'],
  ['very long line', `services:\n  web:\n    image: nginx\n    labels:\n      a: ${'x'.repeat(5000)}\n`],
];

function yamlEdgeCases(): Case[] {
  return YAML_EDGES.map(([name, text]) => one(`yaml ${name}`, text));
}

const TEMPLATES = [
  '${V}',
  '$V',
  '${V:-d}',
  '${V-d}',
  '${V:?need V}',
  '${V?need V}',
  '${V:?}',
  '${V?}',
  '$$V',
  '$${V}',
  '$$',
  'a$$b',
  '${V:-${W:-x}}',
  '${V:-${W}}',
  '${V:-a}b}',
  '${}',
  '${1V}',
  '$1',
  '${V.x}',
  '${V:=x}',
  '${V:+x}',
  'a $ b',
  'a$',
  '$',
  '${V-}',
  '${V:-}',
  '${V',
  '${V }',
  '${ V}',
  '${V:-a b}',
  '${V:-$W}',
  '$V$W',
  '${V}${W}',
  'x${V}y',
  '${V:--}',
  '${V:-:}',
  '${V-${W-${X-deep}}}',
  '${_V}',
  '${v}',
  '$V-x',
  '$V.x',
  '${V?a}${W:?b}',
  '${V:-$$}',
  '${V:-}}',
];

const ENVS: [string, Record<string, string>][] = [
  ['unset', {}],
  ['empty', { V: '', W: '' }],
  ['set', { V: 'nginx', W: 'redis', X: 'x', _V: 'u', v: 'lower' }],
];

function interpolationCases(): Case[] {
  const out: Case[] = [];
  for (const tpl of TEMPLATES)
    for (const [envName, env] of ENVS) {
      const quoted = JSON.stringify(tpl);
      out.push(one(`interp image ${tpl} (${envName})`, `version: "3.8"\nservices:\n  web:\n    image: ${quoted}\n`, env));
    }
  const casts: [string, string][] = [
    ['replicas', 'deploy:\n      replicas: ${N}'],
    ['read_only', 'read_only: ${N}'],
    ['port published', 'ports:\n      - target: 80\n        published: ${N}'],
    ['short port', 'ports:\n      - "${N}:80"'],
    ['max_failure_ratio', 'deploy:\n      update_config:\n        max_failure_ratio: ${N}'],
    ['healthcheck retries', 'healthcheck:\n      retries: ${N}'],
    ['label', 'labels:\n      a: ${N}'],
    ['ulimit', 'ulimits:\n      nofile: ${N}'],
  ];
  for (const [slot, text] of casts)
    for (const n of ['3', ' 3', '3 ', '+3', '-1', '0x10', '3.5', 'yes', 'on', 'TRUE', 'x', '', '1e2', '0o10', '.inf', '010']) {
      out.push(one(`cast ${slot} = ${JSON.stringify(n)}`, `version: "3.8"\nservices:\n  web:\n    image: nginx\n    ${text}\n`, { N: n }));
    }
  out.push(one('interp key not interpolated', 'services:\n  ${V}:\n    image: nginx\n', { V: 'x' }));
  out.push(one('interp version', 'version: "${VER}"\nservices:\n  web:\n    image: nginx\n', { VER: '3.8' }));
  out.push(one('interp in list', 'services:\n  web:\n    image: nginx\n    command: ["${V}", "$$HOME"]\n', { V: 'x' }));
  out.push(
    one(
      'interp network name',
      'version: "3.8"\nservices:\n  web:\n    image: nginx\n    networks: [n]\nnetworks:\n  n:\n    external: true\n    name: ${V}\n',
      { V: 'x' },
    ),
  );
  out.push(
    one(
      'interp constraint',
      'services:\n  web:\n    image: nginx\n    deploy:\n      placement:\n        constraints: [node.hostname==${V}]\n',
      { V: 'h1' },
    ),
  );
  out.push(one('interp volume', 'services:\n  web:\n    image: nginx\n    volumes:\n      - ${V}:/data\n', {}));
  out.push(one('interp volume set', 'services:\n  web:\n    image: nginx\n    volumes:\n      - ${V}:/data\n', { V: 'vol' }));
  return out;
}

/** Features by the schema version that introduced them (docker/cli's config_schema_v3.*.json). */
const FEATURES: [string, string][] = [
  ['secrets', 'secrets:\n  s:\n    file: ./s.txt\n'],
  ['long ports', 'services:\n  w2:\n    image: nginx\n    ports:\n      - target: 80\n        published: 8080\n'],
  [
    'long volumes',
    'services:\n  w2:\n    image: nginx\n    volumes:\n      - type: volume\n        source: v\n        target: /d\nvolumes:\n  v: {}\n',
  ],
  ['endpoint_mode', 'services:\n  w2:\n    image: nginx\n    deploy:\n      endpoint_mode: dnsrr\n'],
  ['configs', 'configs:\n  c:\n    file: ./s.txt\n'],
  [
    'placement preferences',
    'services:\n  w2:\n    image: nginx\n    deploy:\n      placement:\n        preferences:\n          - spread: node.labels.az\n',
  ],
  ['x- top', 'x-common: 1\n'],
  ['start_period', 'services:\n  w2:\n    image: nginx\n    healthcheck:\n      test: ["CMD", "true"]\n      start_period: 5s\n'],
  ['network name', 'networks:\n  n:\n    name: real\n'],
  ['volume name', 'volumes:\n  v:\n    name: real\n'],
  ['secret name', 'secrets:\n  s:\n    name: real\n    file: ./s.txt\n'],
  ['rollback_config', 'services:\n  w2:\n    image: nginx\n    deploy:\n      rollback_config:\n        parallelism: 1\n'],
  ['init', 'services:\n  w2:\n    image: nginx\n    init: true\n'],
  ['max_replicas_per_node', 'services:\n  w2:\n    image: nginx\n    deploy:\n      placement:\n        max_replicas_per_node: 1\n'],
  ['x- service', 'services:\n  w2:\n    image: nginx\n    x-foo: 1\n'],
  ['pids limit', 'services:\n  w2:\n    image: nginx\n    deploy:\n      resources:\n        limits:\n          pids: 10\n'],
  [
    'generic_resources',
    'services:\n  w2:\n    image: nginx\n    deploy:\n      resources:\n        reservations:\n          generic_resources:\n            - discrete_resource_spec: {kind: gpu, value: 1}\n',
  ],
  ['cap_add', 'services:\n  w2:\n    image: nginx\n    cap_add: [NET_ADMIN]\n'],
  ['sysctls', 'services:\n  w2:\n    image: nginx\n    sysctls:\n      net.core.somaxconn: 1024\n'],
  ['job mode', 'services:\n  w2:\n    image: nginx\n    deploy:\n      mode: replicated-job\n'],
  ['template_driver', 'configs:\n  c:\n    file: ./s.txt\n    template_driver: golang\n'],
  ['external name', 'networks:\n  n:\n    external:\n      name: real\n'],
  ['ulimits', 'services:\n  w2:\n    image: nginx\n    ulimits:\n      nofile: {soft: 1, hard: 2}\n'],
  ['stop_grace_period', 'services:\n  w2:\n    image: nginx\n    stop_grace_period: 10s\n'],
  ['isolation', 'services:\n  w2:\n    image: nginx\n    isolation: default\n'],
  ['credential_spec', 'services:\n  w2:\n    image: nginx\n    credential_spec:\n      file: x.json\n'],
  ['capabilities cap_drop', 'services:\n  w2:\n    image: nginx\n    cap_drop: [ALL]\n'],
  ['deploy labels', 'services:\n  w2:\n    image: nginx\n    deploy:\n      labels: {a: b}\n'],
  ['restart_policy', 'services:\n  w2:\n    image: nginx\n    deploy:\n      restart_policy:\n        condition: on-failure\n'],
  ['ipam', 'networks:\n  n:\n    ipam:\n      config:\n        - subnet: 10.9.0.0/24\n'],
  ['network attachable', 'networks:\n  n:\n    attachable: true\n'],
  [
    'tmpfs size',
    'services:\n  w2:\n    image: nginx\n    volumes:\n      - type: tmpfs\n        target: /t\n        tmpfs:\n          size: 1000\n',
  ],
  [
    'bind propagation',
    'services:\n  w2:\n    image: nginx\n    volumes:\n      - type: bind\n        source: /tmp\n        target: /t\n        bind:\n          propagation: rprivate\n',
  ],
  ['order', 'services:\n  w2:\n    image: nginx\n    deploy:\n      update_config:\n        order: start-first\n'],
];

const VERSIONS = ['3', '3.0', '3.1', '3.2', '3.3', '3.4', '3.5', '3.6', '3.7', '3.8', '3.9', '3.10', '3.11', '3.12', '3.13'];

function mergeFeature(base: string, feature: string): string {
  // Features add a second service or a top-level section; the base has `services:` first.
  if (feature.startsWith('services:\n')) return base.replace('services:\n', feature.replace(/\n$/, '\n'));
  return base + feature;
}

function versionCases(): Case[] {
  const out: Case[] = [];
  const base = 'services:\n  web:\n    image: nginx\n';
  for (const v of VERSIONS)
    for (const [feature, text] of FEATURES)
      out.push(one(`version ${v} ${feature}`, `version: "${v}"\n${mergeFeature(base, text)}`, undefined, { 's.txt': 'x\n' }));
  for (const v of ['2', '2.4', '3.14', '4', '1', 'abc', '']) out.push(one(`version "${v}"`, `version: "${v}"\n${base}`));
  for (const v of ['3.8', '3', '3.10']) out.push(one(`version unquoted ${v}`, `version: ${v}\n${base}`));
  out.push(one('version null', `version:\n${base}`));
  out.push(one('version list', `version: [3]\n${base}`));
  return out;
}

const LOADER_EDGES: [string, string, Record<string, string>?][] = [
  ['external with driver', 'services:\n  web:\n    image: nginx\nnetworks:\n  n:\n    external: true\n    driver: overlay\n'],
  ['external with driver_opts', 'services:\n  web:\n    image: nginx\nnetworks:\n  n:\n    external: true\n    driver_opts: {a: b}\n'],
  ['external with labels', 'services:\n  web:\n    image: nginx\nnetworks:\n  n:\n    external: true\n    labels: {a: b}\n'],
  ['external with ipam', 'services:\n  web:\n    image: nginx\nnetworks:\n  n:\n    external: true\n    ipam: {driver: default}\n'],
  [
    'external name and name',
    'version: "3.5"\nservices:\n  web:\n    image: nginx\nnetworks:\n  n:\n    external:\n      name: a\n    name: b\n',
  ],
  ['external name only', 'version: "3.5"\nservices:\n  web:\n    image: nginx\nnetworks:\n  n:\n    external:\n      name: a\n'],
  ['volume external with driver', 'services:\n  web:\n    image: nginx\nvolumes:\n  v:\n    external: true\n    driver: local\n'],
  ['secret external with file', 'services:\n  web:\n    image: nginx\nsecrets:\n  s:\n    external: true\n    file: ./s.txt\n'],
  ['env_file missing', 'services:\n  web:\n    image: nginx\n    env_file: nope.env\n'],
  ['env_file present', 'services:\n  web:\n    image: nginx\n    env_file: a.env\n'],
  ['env_file list', 'services:\n  web:\n    image: nginx\n    env_file: [a.env]\n    environment: {B: x}\n'],
  ['env_file bad line', 'services:\n  web:\n    image: nginx\n    env_file: bad.env\n'],
  ['bind without source', 'services:\n  web:\n    image: nginx\n    volumes:\n      - type: bind\n        target: /t\n'],
  ['volume short colon', 'services:\n  web:\n    image: nginx\n    volumes:\n      - :/path\n'],
  ['volume short three', 'services:\n  web:\n    image: nginx\n    volumes:\n      - a:/b:ro\n'],
  ['volume short bad mode', 'services:\n  web:\n    image: nginx\n    volumes:\n      - a:/b:xx\n'],
  ['volume short relative', 'services:\n  web:\n    image: nginx\n    volumes:\n      - ./data:/b\n'],
  ['volume empty', 'services:\n  web:\n    image: nginx\n    volumes:\n      - ""\n'],
  ['port invalid', 'services:\n  web:\n    image: nginx\n    ports:\n      - "abc"\n'],
  ['port range mismatch', 'services:\n  web:\n    image: nginx\n    ports:\n      - "80-82:80-81"\n'],
  ['port host ip', 'services:\n  web:\n    image: nginx\n    ports:\n      - "127.0.0.1:8081:81"\n'],
  ['port ipv6', 'services:\n  web:\n    image: nginx\n    ports:\n      - "[::1]:8081:81"\n'],
  ['port only target', 'services:\n  web:\n    image: nginx\n    ports:\n      - "80"\n'],
  ['port int', 'services:\n  web:\n    image: nginx\n    ports:\n      - 80\n'],
  ['port proto upper', 'services:\n  web:\n    image: nginx\n    ports:\n      - "80:80/UDP"\n'],
  ['port sctp', 'services:\n  web:\n    image: nginx\n    ports:\n      - "80:80/sctp"\n'],
  ['port duplicate', 'services:\n  web:\n    image: nginx\n    ports:\n      - "80:80"\n      - "80:80"\n'],
  ['port long mode host', 'services:\n  web:\n    image: nginx\n    ports:\n      - {target: 80, published: 80, mode: host}\n'],
  ['port long bad mode', 'services:\n  web:\n    image: nginx\n    ports:\n      - {target: 80, mode: foo}\n'],
  [
    'port long string published',
    'version: "3.8"\nservices:\n  web:\n    image: nginx\n    ports:\n      - {target: 80, published: "8080"}\n',
  ],
  ['port long range published', 'services:\n  web:\n    image: nginx\n    ports:\n      - {target: 80, published: "8080-8081"}\n'],
  ['forbidden extends', 'services:\n  web:\n    image: nginx\n    extends: {service: x}\n'],
  ['forbidden volumes_from', 'services:\n  web:\n    image: nginx\n    volumes_from: [x]\n'],
  ['forbidden mem_limit', 'services:\n  web:\n    image: nginx\n    mem_limit: 1g\n'],
  ['build only', 'services:\n  web:\n    build: .\n'],
  ['build context', 'services:\n  web:\n    image: x\n    build:\n      context: .\n'],
  ['working_dir dot', 'services:\n  web:\n    image: x\n    working_dir: .\n'],
  ['no image', 'services:\n  web:\n    read_only: true\n'],
  ['restart', 'services:\n  web:\n    image: nginx\n    restart: on-failure\n'],
  ['restart no', 'services:\n  web:\n    image: nginx\n    restart: "no"\n'],
  ['mode bad', 'services:\n  web:\n    image: nginx\n    deploy:\n      mode: foo\n'],
  ['global with replicas', 'services:\n  web:\n    image: nginx\n    deploy:\n      mode: global\n      replicas: 2\n'],
  ['endpoint bad', 'services:\n  web:\n    image: nginx\n    deploy:\n      endpoint_mode: foo\n'],
  ['undefined network', 'services:\n  web:\n    image: nginx\n    networks: [nope]\n'],
  // Checks swarmlint makes that docker stack config does not (accepted: deploy-time or ignored by swarm).
  ['secret file missing', 'services:\n  web:\n    image: nginx\n    secrets: [s]\nsecrets:\n  s:\n    file: ./nope.txt\n'],
  ['secret file present', 'services:\n  web:\n    image: nginx\n    secrets: [s]\nsecrets:\n  s:\n    file: ./s.txt\n'],
  ['secret file empty', 'services:\n  web:\n    image: nginx\n    secrets: [s]\nsecrets:\n  s:\n    file: ""\n'],
  ['secret file home', 'services:\n  web:\n    image: nginx\n    secrets: [s]\nsecrets:\n  s:\n    file: ~/s.txt\n'],
  ['config file missing', 'services:\n  web:\n    image: nginx\n    configs: [c]\nconfigs:\n  c:\n    file: conf/nope.conf\n'],
  ['secret driver and file', 'services:\n  web:\n    image: nginx\nsecrets:\n  s:\n    driver: vault\n    file: ./s.txt\n'],
  ['depends_on unknown', 'services:\n  web:\n    image: nginx\n    depends_on: [nope]\n'],
  ['depends_on long unknown', 'services:\n  web:\n    image: nginx\n    depends_on:\n      nope:\n        condition: service_healthy\n'],
  [
    'spread not a label',
    'services:\n  web:\n    image: nginx\n    deploy:\n      placement:\n        preferences:\n          - spread: node.hostname\n          - spread: zone\n',
  ],
  [
    'spread engine label',
    'services:\n  web:\n    image: nginx\n    deploy:\n      placement:\n        preferences:\n          - spread: engine.labels.az\n',
  ],
  ['spread empty', 'services:\n  web:\n    image: nginx\n    deploy:\n      placement:\n        preferences:\n          - spread: ""\n'],
  [
    'ipv4_address no subnet',
    'version: "3.8"\nservices:\n  web:\n    image: nginx\n    networks:\n      n:\n        ipv4_address: 10.1.0.5\nnetworks:\n  n: {}\n',
  ],
  [
    'ipv4_address outside subnet',
    'version: "3.8"\nservices:\n  web:\n    image: nginx\n    networks:\n      n:\n        ipv4_address: 10.9.0.5\nnetworks:\n  n:\n    ipam:\n      config: [{subnet: 10.1.0.0/24}]\n',
  ],
  [
    'ipv6_address',
    'version: "3.8"\nservices:\n  web:\n    image: nginx\n    networks:\n      n:\n        ipv6_address: "fd00::5"\nnetworks:\n  n: {}\n',
  ],
  ['undefined secret', 'services:\n  web:\n    image: nginx\n    secrets: [nope]\n'],
  ['undefined volume', 'services:\n  web:\n    image: nginx\n    volumes:\n      - nope:/d\n'],
  ['secret file missing', 'services:\n  web:\n    image: nginx\n    secrets: [s]\nsecrets:\n  s:\n    file: ./missing.txt\n'],
  ['network bridge', 'services:\n  web:\n    image: nginx\n    networks: [n]\nnetworks:\n  n:\n    driver: bridge\n'],
  ['network aliases', 'services:\n  web:\n    image: nginx\n    networks:\n      n:\n        aliases: [a, b]\nnetworks:\n  n: {}\n'],
  [
    'network ipv4_address',
    'services:\n  web:\n    image: nginx\n    networks:\n      n:\n        ipv4_address: 10.0.0.5\nnetworks:\n  n: {}\n',
  ],
  ['network null entry', 'services:\n  web:\n    image: nginx\n    networks:\n      n:\nnetworks:\n  n:\n'],
  ['duration bad', 'services:\n  web:\n    image: nginx\n    stop_grace_period: 10\n'],
  ['duration bad string', 'services:\n  web:\n    image: nginx\n    stop_grace_period: 10x\n'],
  ['duration days', 'services:\n  web:\n    image: nginx\n    healthcheck:\n      interval: 1d\n'],
  ['memory units', 'services:\n  web:\n    image: nginx\n    deploy:\n      resources:\n        limits:\n          memory: 1gb\n'],
  ['memory bad', 'services:\n  web:\n    image: nginx\n    deploy:\n      resources:\n        limits:\n          memory: lots\n'],
  ['cpus number', 'services:\n  web:\n    image: nginx\n    deploy:\n      resources:\n        limits:\n          cpus: 0.5\n'],
  ['cpus bad', 'services:\n  web:\n    image: nginx\n    deploy:\n      resources:\n        limits:\n          cpus: lots\n'],
  [
    'secret mode octal',
    'services:\n  web:\n    image: nginx\n    secrets:\n      - source: s\n        mode: 0440\nsecrets:\n  s:\n    external: true\n',
  ],
  [
    'secret mode 0o',
    'services:\n  web:\n    image: nginx\n    secrets:\n      - source: s\n        mode: 0o440\nsecrets:\n  s:\n    external: true\n',
  ],
  ['extra_hosts list', 'services:\n  web:\n    image: nginx\n    extra_hosts: ["a:1.2.3.4"]\n'],
  ['extra_hosts map', 'services:\n  web:\n    image: nginx\n    extra_hosts: {a: 1.2.3.4}\n'],
  ['labels list', 'services:\n  web:\n    image: nginx\n    labels: ["a=b", "c"]\n'],
  ['labels list dup', 'services:\n  web:\n    image: nginx\n    labels: ["a=b", "a=c"]\n'],
  ['command string', 'services:\n  web:\n    image: nginx\n    command: echo "a b"\n'],
  ['command bad quote', 'services:\n  web:\n    image: nginx\n    command: echo "a b\n'],
  ['healthcheck string', 'services:\n  web:\n    image: nginx\n    healthcheck:\n      test: curl x\n'],
  ['healthcheck disable', 'services:\n  web:\n    image: nginx\n    healthcheck:\n      disable: true\n'],
  ['depends_on list', 'services:\n  web:\n    image: nginx\n    depends_on: [db]\n  db:\n    image: redis\n'],
  [
    'depends_on map',
    'services:\n  web:\n    image: nginx\n    depends_on:\n      db:\n        condition: service_started\n  db:\n    image: redis\n',
  ],
  ['depends_on unknown', 'services:\n  web:\n    image: nginx\n    depends_on: [nope]\n'],
  ['constraint bad', 'services:\n  web:\n    image: nginx\n    deploy:\n      placement:\n        constraints: [node=foo]\n'],
  ['constraint string', 'services:\n  web:\n    image: nginx\n    deploy:\n      placement:\n        constraints: node.role==manager\n'],
  ['replicas negative', 'services:\n  web:\n    image: nginx\n    deploy:\n      replicas: -1\n'],
  ['replicas float', 'services:\n  web:\n    image: nginx\n    deploy:\n      replicas: 1.5\n'],
  ['replicas big', 'services:\n  web:\n    image: nginx\n    deploy:\n      replicas: 99999999999999999999\n'],
  ['service name upper', 'services:\n  Web:\n    image: nginx\n'],
  ['service name weird', 'services:\n  "we b":\n    image: nginx\n'],
  ['network name weird', 'services:\n  web:\n    image: nginx\nnetworks:\n  "a b": {}\n'],
  ['services list', 'services:\n  - web\n'],
  ['services scalar', 'services: web\n'],
  ['networks list', 'services:\n  web:\n    image: nginx\nnetworks: [a]\n'],
  ['image int', 'services:\n  web:\n    image: 3\n'],
  ['image empty', 'services:\n  web:\n    image: ""\n'],
  ['image trailing colon', 'services:\n  web:\n    image: "nginx:"\n'],
  [
    'encrypted opt',
    'services:\n  web:\n    image: nginx\n    networks: [n]\nnetworks:\n  n:\n    driver: overlay\n    driver_opts:\n      encrypted: "true"\n',
  ],
  ['internal network', 'services:\n  web:\n    image: nginx\n    networks: [n]\nnetworks:\n  n:\n    internal: true\n'],
  ['ipam config list empty', 'services:\n  web:\n    image: nginx\nnetworks:\n  n:\n    ipam:\n      config: []\n'],
  [
    'ipam bad key',
    'services:\n  web:\n    image: nginx\nnetworks:\n  n:\n    ipam:\n      config:\n        - gateway: 10.0.0.1\n          foo: 1\n',
  ],
];

function loaderEdgeCases(): Case[] {
  const extra = { 'a.env': 'A=1\n# c\nexport B=2\nC\n', 'bad.env': 'A B=1\n', 's.txt': 'x\n' };
  return LOADER_EDGES.map(([name, text, env]) => one(`loader ${name}`, text, env, extra));
}

const MERGES: [string, string, string][] = [
  ['image override', 'services:\n  web:\n    image: nginx\n', 'services:\n  web:\n    image: redis\n'],
  ['image empty override', 'services:\n  web:\n    image: nginx\n', 'services:\n  web:\n    image: ""\n'],
  ['add service', 'services:\n  web:\n    image: nginx\n', 'services:\n  db:\n    image: redis\n'],
  [
    'ports by published',
    'services:\n  web:\n    image: nginx\n    ports: ["53:53/tcp"]\n',
    'services:\n  web:\n    ports: ["53:53/udp"]\n',
  ],
  ['ports add', 'services:\n  web:\n    image: nginx\n    ports: ["80:80"]\n', 'services:\n  web:\n    ports: ["443:443"]\n'],
  ['ports unpublished', 'services:\n  web:\n    image: nginx\n    ports: ["80"]\n', 'services:\n  web:\n    ports: ["81"]\n'],
  ['ports order', 'services:\n  web:\n    image: nginx\n    ports: ["90:90", "80:80"]\n', 'services:\n  web:\n    ports: ["85:85"]\n'],
  [
    'networks union',
    'services:\n  web:\n    image: nginx\n    networks: [a]\nnetworks:\n  a: {}\n  b: {}\n',
    'services:\n  web:\n    networks: [b]\n',
  ],
  [
    'network aliases kept',
    'services:\n  web:\n    image: nginx\n    networks:\n      a:\n        aliases: [x]\nnetworks:\n  a: {}\n',
    'services:\n  web:\n    networks: [a]\n',
  ],
  [
    'network aliases replaced',
    'services:\n  web:\n    image: nginx\n    networks:\n      a:\n        aliases: [x]\nnetworks:\n  a: {}\n',
    'services:\n  web:\n    networks:\n      a:\n        aliases: [y]\n',
  ],
  [
    'top network override',
    'services:\n  web:\n    image: nginx\n    networks: [a]\nnetworks:\n  a:\n    driver: overlay\n    attachable: true\n',
    'networks:\n  a:\n    internal: true\n',
  ],
  [
    'top network driver override',
    'services:\n  web:\n    image: nginx\n    networks: [a]\nnetworks:\n  a:\n    driver_opts: {encrypted: ""}\n',
    'networks:\n  a:\n    driver: overlay\n',
  ],
  [
    'replicas override',
    'services:\n  web:\n    image: nginx\n    deploy:\n      replicas: 2\n',
    'services:\n  web:\n    deploy:\n      replicas: 0\n',
  ],
  [
    'mode override',
    'services:\n  web:\n    image: nginx\n    deploy:\n      mode: global\n',
    'services:\n  web:\n    deploy:\n      replicas: 3\n',
  ],
  [
    'constraints merge',
    'services:\n  web:\n    image: nginx\n    deploy:\n      placement:\n        constraints: [a==b]\n',
    'services:\n  web:\n    deploy:\n      placement:\n        constraints: [c==d]\n',
  ],
  [
    'constraints same',
    'services:\n  web:\n    image: nginx\n    deploy:\n      placement:\n        constraints: [a==b]\n',
    'services:\n  web:\n    deploy:\n      placement:\n        constraints: [a==b]\n',
  ],
  ['environment merge', 'services:\n  web:\n    image: nginx\n    environment: {A: "1"}\n', 'services:\n  web:\n    environment: [B=2]\n'],
  ['version mismatch', 'version: "3.7"\nservices:\n  web:\n    image: nginx\n', 'version: "3.8"\nservices:\n  web:\n    image: redis\n'],
  ['version missing second', 'version: "3.8"\nservices:\n  web:\n    image: nginx\n', 'services:\n  web:\n    image: redis\n'],
  ['override invalid', 'services:\n  web:\n    image: nginx\n', 'services:\n  web:\n    read_only: maybe\n'],
  ['override only', 'services:\n  web:\n    image: nginx\n', 'services:\n  web:\n    deploy:\n      replicas: 3\n'],
  [
    'endpoint override',
    'services:\n  web:\n    image: nginx\n    deploy:\n      endpoint_mode: dnsrr\n',
    'services:\n  web:\n    deploy:\n      endpoint_mode: vip\n',
  ],
  [
    'long and short ports',
    'services:\n  web:\n    image: nginx\n    ports: ["8080:80"]\n',
    'services:\n  web:\n    ports:\n      - {target: 81, published: 8080, mode: host}\n',
  ],
  ['service null override', 'services:\n  web:\n    image: nginx\n', 'services:\n  web:\n'],
  // Override files as `stacks:` in the config declares them (base, then an override without `image`).
  [
    'override without image',
    'services:\n  web:\n    image: nginx\n    ports: ["80:80"]\n',
    'services:\n  web:\n    deploy:\n      replicas: 3\n      placement:\n        constraints: [node.role==worker]\n',
  ],
  [
    'override adds network and service',
    'services:\n  web:\n    image: nginx\n',
    'services:\n  web:\n    networks: [edge]\n  proxy:\n    image: traefik\n    networks: [edge]\nnetworks:\n  edge:\n    driver: overlay\n',
  ],
  [
    'override long port same published',
    'services:\n  web:\n    image: nginx\n    ports: ["8080:80"]\n',
    'services:\n  web:\n    ports:\n      - {target: 8080, published: 8080}\n',
  ],
  [
    'override mode host same published',
    'services:\n  web:\n    image: nginx\n    ports: ["8080:80"]\n',
    'services:\n  web:\n    ports:\n      - {target: 80, published: 8080, mode: host}\n',
  ],
  [
    'override secret',
    'services:\n  web:\n    image: nginx\n    secrets: [s]\nsecrets:\n  s:\n    file: ./s.txt\n',
    'secrets:\n  s:\n    external: true\n',
  ],
  [
    'override network subnet',
    'services:\n  web:\n    image: nginx\n    networks: [n]\nnetworks:\n  n:\n    ipam:\n      config: [{subnet: 10.1.0.0/24}]\n',
    'networks:\n  n:\n    ipam:\n      config: [{subnet: 10.2.0.0/24}]\n',
  ],
  [
    'override global to replicated',
    'services:\n  web:\n    image: nginx\n    deploy:\n      mode: global\n',
    'services:\n  web:\n    deploy:\n      mode: replicated\n      replicas: 2\n',
  ],
  ['override endpoint dnsrr', 'services:\n  web:\n    image: nginx\n', 'services:\n  web:\n    deploy:\n      endpoint_mode: dnsrr\n'],
  [
    'override max replicas',
    'version: "3.8"\nservices:\n  web:\n    image: nginx\n    deploy:\n      placement:\n        max_replicas_per_node: 2\n',
    'version: "3.8"\nservices:\n  web:\n    deploy:\n      placement:\n        max_replicas_per_node: 1\n',
  ],
];

/** Merge sets of three files, as a config's `stacks:` entry lists them. */
const MERGES3: [string, string, string, string][] = [
  [
    'three files',
    'services:\n  web:\n    image: nginx:1\n    ports: ["80:80"]\n',
    'services:\n  web:\n    deploy:\n      replicas: 2\n',
    'services:\n  web:\n    image: nginx:2\n    ports: ["443:443"]\n',
  ],
  [
    'three files networks',
    'services:\n  web:\n    image: nginx\n    networks: [a]\nnetworks:\n  a: {}\n',
    'services:\n  web:\n    networks:\n      a:\n        aliases: [www]\n',
    'services:\n  web:\n    networks: [b]\nnetworks:\n  b:\n    attachable: true\n',
  ],
  [
    'three files constraints',
    'services:\n  web:\n    image: nginx\n    deploy:\n      placement:\n        constraints: [a==b]\n',
    'services:\n  db:\n    image: postgres\n',
    'services:\n  web:\n    deploy:\n      placement:\n        constraints: [c==d, a==b]\n',
  ],
];

function mergeCases(): Case[] {
  return [
    ...MERGES.map(([name, a, b]) => ({
      name: `merge ${name}`,
      files: [
        { name: 'a.yml', text: a },
        { name: 'b.yml', text: b },
      ],
      extra: { 's.txt': 'x\n' },
    })),
    ...MERGES3.map(([name, a, b, c]) => ({
      name: `merge ${name}`,
      files: [
        { name: 'a.yml', text: a },
        { name: 'b.yml', text: b },
        { name: 'c.yml', text: c },
      ],
    })),
  ];
}

export function allCases(): Case[] {
  return [
    ...fixtureCases(),
    ...scalarCases(),
    ...yamlEdgeCases(),
    ...interpolationCases(),
    ...versionCases(),
    ...loaderEdgeCases(),
    ...mergeCases(),
  ];
}

// ------------------------------------------------------------------------------------------------------------
// Projection: the fields the rules read, from docker's output and from swarmlint's model
// ------------------------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

export function projectDocker(out: unknown): Projection {
  const services: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(obj(obj(out).services))) {
    const s = obj(raw);
    const deploy = obj(s.deploy);
    const placement = obj(deploy.placement);
    const mode = typeof deploy.mode === 'string' ? deploy.mode : 'replicated';
    const nets: Record<string, string[]> = {};
    if (Array.isArray(s.networks)) for (const n of s.networks) nets[String(n)] = [];
    else for (const [n, v] of Object.entries(obj(s.networks))) nets[n] = ((obj(v).aliases as unknown[] | undefined) ?? []).map(String);
    services[name] = {
      image: s.image ?? null,
      mode,
      replicas: mode === 'replicated' || mode === 'replicated-job' ? (deploy.replicas ?? 1) : 0,
      endpointMode: typeof deploy.endpoint_mode === 'string' && deploy.endpoint_mode.toLowerCase() === 'dnsrr' ? 'dnsrr' : 'vip',
      constraints: ((placement.constraints as unknown[] | undefined) ?? []).map(String),
      maxReplicasPerNode: placement.max_replicas_per_node ?? null,
      ports: ((s.ports as unknown[] | undefined) ?? []).map((p) => {
        const o = obj(p);
        return `${JSON.stringify(o.published ?? 0)}:${JSON.stringify(o.target)}/${JSON.stringify(o.protocol ?? 'tcp')}/${JSON.stringify(o.mode ?? 'ingress')}`;
      }),
      networks: nets,
    };
  }
  const networks: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(obj(obj(out).networks))) {
    const n = obj(raw);
    const external = n.external === true || (typeof n.external === 'object' && n.external !== null);
    const opts = obj(n.driver_opts);
    networks[name] = {
      driver: typeof n.driver === 'string' ? n.driver : external ? '' : 'overlay',
      external,
      attachable: n.attachable === true,
      internal: n.internal === true,
      encrypted: 'encrypted' in opts,
      subnets: ((obj(n.ipam).config as unknown[] | undefined) ?? []).flatMap((c) =>
        typeof obj(c).subnet === 'string' ? [String(obj(c).subnet)] : [],
      ),
    };
  }
  return { services, networks };
}

export function projectStack(stack: Stack): Projection {
  const services: Record<string, unknown> = {};
  for (const s of stack.services) {
    services[s.name] = {
      // docker prints no `image` when it is empty
      image: s.image || null,
      mode: s.mode,
      replicas: s.replicas,
      endpointMode: s.endpointMode,
      constraints: s.constraints.map((c) => c.expression),
      maxReplicasPerNode: s.maxReplicasPerNode ?? null,
      ports: s.ports.map(
        (p) => `${JSON.stringify(p.published ?? 0)}:${JSON.stringify(p.target)}/${JSON.stringify(p.protocol)}/${JSON.stringify(p.mode)}`,
      ),
      networks: Object.fromEntries(s.networks.map((n) => [n.name, n.aliases])),
    };
  }
  const networks: Record<string, unknown> = {};
  for (const n of stack.networks) {
    if (n.implicit) continue;
    networks[n.name] = {
      driver: n.driver,
      external: n.external,
      attachable: n.attachable,
      internal: n.internal,
      encrypted: n.encrypted,
      subnets: n.subnets.map((x) => x.cidr),
    };
  }
  return { services, networks };
}

// ------------------------------------------------------------------------------------------------------------
// Runners
// ------------------------------------------------------------------------------------------------------------

/** The docker client to compare with, or why there is none: it must have `stack config` (docker/cli ≥ 20.10.?). */
export async function findDocker(candidates: string[]): Promise<{ path: string; version: string } | { reason: string }> {
  const reasons: string[] = [];
  const onPath = (name: string): string[] =>
    name.includes('/')
      ? [name]
      : (process.env.PATH ?? '').split(delimiter).flatMap((d) => (d && existsSync(join(d, name)) ? [join(d, name)] : []));
  for (const path of [...new Set(candidates.flatMap(onPath))]) {
    const version = await new Promise<string | undefined>((resolve) => {
      execFile(path, ['version', '--format', '{{.Client.Version}}'], { timeout: 10_000 }, (_e, stdout) => {
        resolve(stdout.trim().split('\n')[0] || undefined);
      });
    });
    if (!version) {
      reasons.push(`${path}: not runnable`);
      continue;
    }
    const hasConfig = await new Promise<boolean>((resolve) => {
      execFile(path, ['stack', 'config', '--help'], { timeout: 10_000 }, (e) => {
        resolve(!e);
      });
    });
    if (hasConfig) return { path, version };
    reasons.push(`${path}: docker ${version} has no \`stack config\``);
  }
  return { reason: reasons.join('; ') || 'no docker client found' };
}

function writeCase(c: Case, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(c.extra ?? {})) writeFileSync(join(dir, name), text);
  return c.files.map((f) => {
    const p = join(dir, f.name);
    writeFileSync(p, f.text, 'latin1');
    return p;
  });
}

export function runDocker(docker: string, c: Case, dir: string): Promise<Outcome> {
  const paths = writeCase(c, dir);
  // GOGC=off: no garbage collection in a client that lives about 10 ms (a fifth less CPU a case, 1,600 cases), unless
  // the case could interpolate a variable of that name.
  const gc = JSON.stringify(c).includes('GOGC') ? {} : { GOGC: 'off' };
  const env: NodeJS.ProcessEnv = { PATH: '/usr/bin:/bin', HOME: dir, DOCKER_CONFIG: join(dir, '.docker'), ...gc, ...c.env };
  return new Promise((resolve) => {
    execFile(
      docker,
      ['stack', 'config', ...paths.flatMap((p) => ['-c', p])],
      { env, cwd: dir, timeout: 30_000, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        if (error) {
          resolve({ ok: false, why: stderr.trim().replace(/^time="[^"]*" level=warning msg=.*\n?/gm, '') || error.message });
          return;
        }
        resolve({ ok: true, model: projectDocker(parseYamlText(stdout)), ...(stderr.trim() ? { warnings: stderr.trim() } : {}) });
      },
    );
  });
}

/**
 * `schema` findings for checks that only the deploy makes, not docker/cli's loader (`docker stack config` accepts
 * these files): no image ("no image specified", the daemon's service create), `deploy.mode` and `replicas` with a
 * global mode (cli/compose/convert/service.go convertDeployMode), `endpoint_mode` (convertEndpointSpec, then the
 * daemon's "invalid resolution mode"), an undeclared network (convert.Networks: "undefined network").
 */
export const DEPLOY_TIME = new Set([
  'deploy',
  'noImage',
  'unknownMode',
  'replicasNotReplicated',
  'unknownEndpointMode',
  'undeclaredNetwork',
]);

/** Diagnostics that mean docker/cli's loader refuses the file (the rest are deploy-time or advice). */
export function refusal(stack: Stack): string | undefined {
  for (const d of stack.diagnostics) {
    if (d.rule === 'schema' && !DEPLOY_TIME.has(d.messageId)) return `${d.messageId}: ${JSON.stringify(d.data)}`;
    if (d.rule === 'interpolation' && d.messageId !== 'unset') return `interpolation ${d.messageId}: ${JSON.stringify(d.data)}`;
  }
  return undefined;
}

export function runSwarmlint(c: Case, dir: string, dialect: YamlDialect = 'v3'): Outcome {
  const paths = writeCase(c, dir);
  try {
    // As the CLI reads files: bytes checked and decoded (UTF-8, no binary), a byte-order mark removed.
    const files = c.files.map((f, i) => ({
      path: paths[i] ?? f.name,
      text: decodeText(readFileSync(paths[i] ?? ''), f.name, defaultLimits).text,
    }));
    const { stack, interpolated } = loadStack(files, { env: new Map(Object.entries(c.env ?? {})), dialect, plainValues: true });
    const why = refusal(stack);
    return why
      ? { ok: false, why }
      : { ok: true, model: projectStack(stack), printed: projectDocker(parseYamlText(printStack(interpolated))) };
  } catch (error) {
    if (error instanceof LoadError) return { ok: false, why: `LoadError: ${error.message}` };
    return { ok: false, why: `crash: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` };
  }
}

export interface Comparison {
  case: Case;
  docker: Outcome;
  swarmlint: Outcome;
  agree: boolean;
  /** accept/refuse agree but the models differ */
  modelDiffers: boolean;
}

export async function compareAll(docker: string, cases: Case[], jobs = 2, dialect: YamlDialect = 'v3'): Promise<Comparison[]> {
  const base = mkdtempSync(join(tmpdir(), 'swarmlint-diff-'));
  const out: Comparison[] = new Array<Comparison>(cases.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const i = next++;
      const c = cases[i];
      if (!c) continue;
      const dir = join(base, String(i));
      const d = await runDocker(docker, c, join(dir, 'd'));
      const s = runSwarmlint(c, join(dir, 's'), dialect);
      const modelDiffers = d.ok && s.ok && canonical(d.model) !== canonical(s.model);
      out[i] = { case: c, docker: d, swarmlint: s, agree: d.ok === s.ok && !modelDiffers, modelDiffers };
    }
  };
  try {
    await Promise.all(Array.from({ length: jobs }, worker));
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  return out;
}

/** JSON with object keys sorted (docker prints services by name; the model keeps file order). */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Obj)[k])}`)
      .join(',')}}`;
  return v === undefined ? 'undefined' : JSON.stringify(v);
}

export function caseFileName(c: Case): string {
  return basename(c.name).replace(/[^A-Za-z0-9._-]+/g, '_');
}
