import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { GO_DURATION } from '../../language/loader/ports.js';
import { dottedPath, validateStack } from '../../language/loader/schema.js';
import { defaultLimits } from '../../language/loader/limits.js';
import { parseYaml, type PValue } from '../../language/loader/yaml.js';

const root = new URL('../../', import.meta.url);

t.test('the committed validator is what the generator writes now', (t) => {
  const fresh = execFileSync(process.execPath, ['scripts/gen-schema-validators.mjs', '--print'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    // a build script, not the product: not counted in coverage
    env: { ...process.env, _TAPJS_PROCESSINFO_COVERAGE_: '0' },
  });
  const files = JSON.parse(fresh) as Record<string, string>;
  t.same(
    Object.keys(files).sort(),
    readdirSync(new URL('language/generated/', root)).sort(),
    'one validator per schema version, nothing else',
  );
  for (const [name, code] of Object.entries(files))
    t.equal(code, readFileSync(new URL(`language/generated/${name}`, root), 'utf8'), `${name}: run node scripts/gen-schema-validators.mjs`);
  const script = readFileSync(new URL('scripts/gen-schema-validators.mjs', root), 'utf8');
  t.ok(script.includes(`const GO_DURATION = ${GO_DURATION.toString()};`), 'the generator and the loader use the same duration pattern');
  t.end();
});

const problems = (yaml: string): string[] =>
  validateStack(parseYaml(yaml, 'x.yml', 0, defaultLimits).root as PValue).map((p) => `${p.path} ${p.problem}`);

t.test('most specific problems, docker-style paths', (t) => {
  t.same(problems('services:\n  a:\n    image: x\n'), []);
  t.same(
    problems('services:\n  a:\n    environment: 5\n'),
    ['services.a.environment must be a mapping or a list'],
    'oneOf branches failing on type become one message',
  );
  t.same(
    problems('services:\n  a:\n    ports:\n      - target: x\n'),
    ['services.a.ports[0].target must be an integer'],
    'the deepest branch error wins',
  );
  t.same(problems('services:\n  a:\n    healthcheck:\n      interval: 10\n'), ['services.a.healthcheck.interval must be a string']);
  t.same(problems('services:\n  a:\n    healthcheck:\n      interval: "10"\n'), [
    'services.a.healthcheck.interval must be a duration such as `30s` or `1m30s` (Go syntax: ns, us, ms, s, m, h)',
  ]);
  t.same(problems('services:\n  a:\n    deploy:\n      update_config:\n        order: sideways\n'), [
    'services.a.deploy.update_config.order must be one of: start-first, stop-first',
  ]);
  t.same(problems('volumes:\n  v:\n    driver_opts: {}\n    x-ok: 1\n    foo: 1\n'), [
    'volumes.v `foo` is not allowed here (the v3.13 stack schema does not know it)',
  ]);
  t.same(problems('services:\n  a:\n    cap_add: [A, A]\n'), ['services.a.cap_add has duplicate items (1 and 0)']);
  t.same(problems('services:\n  a:\n    ulimits:\n      nofile: {soft: 1}\n'), [
    'services.a.ulimits.nofile `hard` is required'.replace(' `hard` is required', ' `hard` is required'),
  ]);
  t.equal(dottedPath(''), '(top level)');
  t.equal(dottedPath('/a~1b/0/c~0d'), 'a/b[0].c~d');
  t.end();
});
