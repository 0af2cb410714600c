// The differential test: every case (fixtures and generated edges, test/helpers/differential.ts) goes through
// `docker stack config` (docker/cli's own loader: YAML, interpolation, schema of the declared version, its
// load-time checks, merge) and through swarmlint's loader. Both must accept or both refuse, and on acceptance
// the model the rules read (services, modes, replicas, ports, networks, constraints) must be equal.
//
// Needs a docker client with `stack config` (no daemon): SWARMLINT_DOCKER, else `docker` on PATH,
// /usr/local/bin/docker or /usr/bin/docker. Debian's docker.io 20.10 has no `stack config`; without a suitable
// client the test is skipped with the reason, and fails under CI=true so that CI never silently runs without it.
import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStack } from '../../language/loader/stack.js';
import { dialectOf } from '../../language/loader/yaml.js';
import { allCases, canonical, compareAll, findDocker, type Comparison } from '../helpers/differential.js';

t.setTimeout(600_000);

/**
 * Cases where swarmlint knowingly differs from `docker stack config`, each with why. Everything else must agree.
 */
const EXCEPTIONS: Record<string, string> = {
  'scalar port = -0':
    'docker/cli accepts container port 0 (nat.ParsePortSpec); swarmlint reports it, since no task listens on port 0 and swarmkit allocates nothing for it',
  'loader port long bad mode':
    'docker/cli loads `mode: foo` on a port and the deploy fails (convert.ports / swarmkit); the model holds only ingress or host, and the `schema` rule reports the value',
  'loader mode bad':
    'docker/cli loads `deploy.mode: foo` and the deploy fails ("Unknown mode", cli/compose/convert/service.go convertDeployMode); the model holds only valid modes and `schema` reports it',
  'loader replicas big':
    'replicas above 2^63: docker/cli wraps to uint64 and the daemon refuses; the model keeps the number as written (a float in JavaScript)',
};

/** What `docker stack config` prints for one file (no variables set). */
function printedByDocker(docker: string, text: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'swarmlint-print-'));
  writeFileSync(join(dir, 'stack.yml'), text);
  return new Promise((resolve, reject) => {
    execFile(
      docker,
      ['stack', 'config', '-c', join(dir, 'stack.yml')],
      { env: { PATH: '/usr/bin:/bin', HOME: dir, DOCKER_CONFIG: join(dir, '.docker') }, timeout: 30_000 },
      (error, stdout, stderr) => {
        rmSync(dir, { recursive: true, force: true });
        if (error) reject(new Error(`docker stack config: ${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

const docker = await findDocker([
  ...(process.env.SWARMLINT_DOCKER ? [process.env.SWARMLINT_DOCKER] : []),
  'docker',
  '/usr/local/bin/docker',
  '/usr/bin/docker',
]);

if ('reason' in docker) {
  const message = `NO DIFFERENTIAL AGAINST DOCKER: no docker client with \`stack config\` (${docker.reason}); set SWARMLINT_DOCKER to one (docker/cli ≥ 23)`;
  if (process.env.CI) t.fail(message);
  else t.skip(message, () => undefined);
} else {
  const cases = allCases();
  const dialect = dialectOf(docker.version);
  t.comment(`docker ${docker.version} (${docker.path}), YAML ${dialect}, ${String(cases.length)} cases`);
  const results = await compareAll(docker.path, cases, 2, dialect);

  const counts = { bothAccept: 0, bothRefuse: 0, onlyDockerRefuses: 0, onlySwarmlintRefuses: 0, modelDiffers: 0 };
  for (const r of results) {
    if (r.docker.ok && r.swarmlint.ok) counts[r.modelDiffers ? 'modelDiffers' : 'bothAccept']++;
    else if (!r.docker.ok && !r.swarmlint.ok) counts.bothRefuse++;
    else counts[r.docker.ok ? 'onlySwarmlintRefuses' : 'onlyDockerRefuses']++;
  }
  const agree = results.filter((r) => r.agree).length;
  t.comment(
    `agreement ${String(agree)}/${String(results.length)} (${((100 * agree) / results.length).toFixed(1)}%): ${JSON.stringify(counts)}`,
  );

  const describe = (r: Comparison): string => {
    const side = (o: Comparison['docker']): string => (o.ok ? `accepts ${canonical(o.model)}` : `refuses: ${o.why.slice(0, 400)}`);
    return `docker ${side(r.docker)}\nswarmlint ${side(r.swarmlint)}`;
  };
  t.test('swarmlint accepts and refuses what docker stack config does, with the same model', (t) => {
    for (const r of results) {
      const known = EXCEPTIONS[r.case.name];
      if (r.agree) {
        if (known) t.fail(`${r.case.name}: listed as an exception but now agrees; remove it from EXCEPTIONS`);
        continue;
      }
      if (known) {
        t.comment(`exception: ${r.case.name}: ${known}`);
        continue;
      }
      t.fail(`${r.case.name}\n${describe(r)}`);
    }
    t.ok(agree >= results.length - Object.keys(EXCEPTIONS).length, 'every case agrees apart from the listed exceptions');
    t.end();
  });

  t.test('--print-stack prints what docker stack config prints, on the fields rules read', (t) => {
    let compared = 0;
    for (const r of results) {
      if (!r.docker.ok || !r.swarmlint.ok || !r.swarmlint.printed || EXCEPTIONS[r.case.name]) continue;
      compared++;
      if (canonical(r.docker.model) !== canonical(r.swarmlint.printed))
        t.fail(`${r.case.name}\ndocker    ${canonical(r.docker.model)}\nprinted   ${canonical(r.swarmlint.printed)}`);
    }
    t.ok(compared > 100, `${String(compared)} accepted cases compared`);
    t.end();
  });

  t.test('a plain date in a text map: docker 28 passes Go’s rendering of a timestamp, and swarmlint says so', async (t) => {
    const text =
      'services:\n  web:\n    image: nginx\n    environment:\n      A: 2001-12-14\n      B: "2001-12-14"\n    labels:\n      c: 2001-12-14t21:59:43.10-05:00\n';
    const out = await printedByDocker(docker.path, text);
    const { stack } = loadStack([{ path: '/tmp/stack.yml', text }], { dialect });
    const flagged = stack.diagnostics.filter((d) => d.messageId === 'timestampText').map((d) => d.data.path);
    if (dialect === 'v3') {
      t.match(out, /A: 2001-12-14 00:00:00 \+0000 UTC/, 'docker rewrites the unquoted date');
      t.match(out, /B: "?2001-12-14"?\n/, 'and keeps the quoted one');
      t.match(out, /c: 2001-12-14 21:59:43\.1 -0500 -0500/);
      t.same(flagged, ['services.web.environment.A', 'services.web.labels.c']);
    } else {
      t.match(out, /A: "?2001-12-14"?\n/, 'yaml.v2 keeps the text');
      t.same(flagged, []);
    }
  });

  t.test('the differential can fail: a loader that accepts everything disagrees with docker', (t) => {
    const refused = results.filter((r) => !r.docker.ok).length;
    t.ok(refused > 100, `docker refuses ${String(refused)} of the cases, so an accept-all loader would not pass`);
    t.ok(results.length - refused > 100, 'and accepts enough of them for the model comparison to matter');
    t.end();
  });
}
