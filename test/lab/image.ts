// The user's image in a real dockerd: the archive of `npm run image:offline` (the image `audit --deep` runs too)
// docker-loaded into a lab node, then run with the docker CLI exactly as the README says:
// `docker run --rm -v "$PWD:/src" swarmlint/swarmlint:<version> lint /src`. A bind-mounted folder with a stack whose
// subnets overlap gives exit 1 and the subnet-overlap error; the JSON report is the one the host's own build gives
// for the same folder; run as another user, `-o` writes the SARIF into the mount; a clean folder gives exit 0;
// `audit` reads the swarm through the mounted socket; `--help` (and no arguments) print the help; both tags name
// one image.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { DEEP_IMAGE, IMAGE } from '../../probes/deep/image.js';
import { assertDistFresh, childEnv, MAIN } from '../helpers/cli.js';
import { labWithDeepImage, tempDir, whenLabCan } from '../helpers/lab.js';
import { OVERLAPPING_STACK } from '../helpers/stacks.js';

const CLEAN = `services:
  api:
    image: busybox:1.36
    networks: [app]
networks:
  app:
    driver: overlay
`;

interface Finding {
  ruleId: string;
  severity: string;
  file: string;
  line: number;
  message: string;
  fingerprint: string;
}

await whenLabCan(t, async () => {
  if (spawnSync('docker', ['--version'], { encoding: 'utf8' }).status !== 0)
    t.fail('the docker CLI is missing (apt-get install docker.io)');
  else await main();
});

async function main(): Promise<void> {
  assertDistFresh();
  const dir = tempDir(t, 'swarmlint-image-lab-');
  const stacks = join(dir, 'stacks');
  mkdirSync(join(stacks, 'ok'), { recursive: true });
  writeFileSync(join(stacks, 'docker-stack.yml'), OVERLAPPING_STACK);
  writeFileSync(join(stacks, 'ok', 'docker-stack.yml'), CLEAN);
  const dockerConfig = join(dir, 'docker-config');
  mkdirSync(dockerConfig);
  // The image as `audit --deep` gets it, on one node: the same archive, under both tags.
  const { lab } = await labWithDeepImage(t, dir, 1);

  /** The docker CLI against the lab node, as a user runs it. */
  const docker = (args: string[]) =>
    spawnSync('docker', args, {
      encoding: 'utf8',
      timeout: 120_000,
      env: { PATH: process.env.PATH, DOCKER_HOST: `unix://${lab.node(1).socketPath}`, DOCKER_CONFIG: dockerConfig },
    });

  t.test('one image, two tags', async (t) => {
    const user = (await lab.node(1).docker.getImage(IMAGE).inspect()) as { Id: string };
    const deep = (await lab.node(1).docker.getImage(DEEP_IMAGE).inspect()) as { Id: string };
    t.equal(user.Id, deep.Id, `${IMAGE} and ${DEEP_IMAGE}`);
  });

  t.test('docker run --rm -v "$PWD:/src" IMAGE lint /src', (t) => {
    const run = docker(['run', '--rm', '-v', `${stacks}:/src`, IMAGE, 'lint', '/src']);
    t.equal(run.status, 1, `an error: exit 1 (stderr: ${run.stderr})`);
    t.match(run.stdout, /docker-stack\.yml\n\s+15:\d+\s+error\s+Subnet 10\.20\.5\.0\/24 of network `back` overlaps.*subnet-overlap/);
    t.match(run.stdout, /1 problem \(1 error\)/, 'one problem: the clean stack has none');
    t.end();
  });

  t.test('the JSON report is the host build’s, finding for finding', (t) => {
    const run = docker(['run', '--rm', '-v', `${stacks}:/src`, IMAGE, 'lint', '--format', 'json', '.']);
    t.equal(run.status, 1, run.stderr);
    const host = spawnSync(process.execPath, [MAIN, 'lint', '--format', 'json', '.'], { cwd: stacks, encoding: 'utf8', env: childEnv() });
    t.equal(host.status, 1, host.stderr);
    const findings = (stdout: string): Finding[] => (JSON.parse(stdout) as { findings: Finding[] }).findings;
    const inImage = findings(run.stdout);
    t.match(inImage, [{ ruleId: 'subnet-overlap', severity: 'error', file: 'docker-stack.yml', line: 15 }]);
    t.equal(inImage.length, 1);
    t.same(inImage, findings(host.stdout), 'same findings, messages and fingerprints as the host');
    t.end();
  });

  t.test('--user and -o: the report written into the mounted folder, owned by that user', (t) => {
    chmodSync(stacks, 0o777);
    const run = docker([
      'run',
      '--rm',
      '--user',
      '65534:65534',
      '-v',
      `${stacks}:/src`,
      IMAGE,
      'lint',
      '--format',
      'sarif',
      '-o',
      'out/swarmlint.sarif',
      '.',
    ]);
    t.equal(run.status, 1, `exit 1 (stderr: ${run.stderr})`);
    t.equal(run.stdout, '', 'the report went to the file');
    t.match(run.stderr, /the report is in \/src\/out\/swarmlint\.sarif/, 'a failing run says where the report is');
    const file = join(stacks, 'out', 'swarmlint.sarif');
    t.equal(statSync(file).uid, 65534, 'owned by the user the container ran as');
    const log = JSON.parse(readFileSync(file, 'utf8')) as {
      runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    t.match(log.runs[0]?.results, [
      { ruleId: 'subnet-overlap', locations: [{ physicalLocation: { artifactLocation: { uri: 'docker-stack.yml' } } }] },
    ]);
    rmSync(join(stacks, 'out'), { recursive: true, force: true });
    t.end();
  });

  t.test('a clean folder: exit 0', (t) => {
    const run = docker(['run', '--rm', '-v', `${join(stacks, 'ok')}:/src`, IMAGE, 'lint', '.']);
    t.equal(run.status, 0, run.stderr);
    t.equal(run.stdout, '', 'nothing to say');
    t.end();
  });

  t.test('audit through the mounted Engine API socket', (t) => {
    const run = docker(['run', '--rm', '-v', `${lab.node(1).socketPath}:/var/run/docker.sock`, IMAGE, 'audit', '--format', 'json']);
    t.ok(run.status === 0 || run.status === 1, `exit 0 or 1, not 2 (stderr: ${run.stderr})`);
    const report = JSON.parse(run.stdout || '{}') as { command?: string; findings?: { ruleId: string }[] };
    t.equal(report.command, 'audit');
    t.notOk(
      report.findings?.some((f) => f.ruleId === 'probe-skipped'),
      'every fact read',
    );
    t.end();
  });

  t.test('--help, and no arguments', (t) => {
    const help = docker(['run', '--rm', IMAGE, '--help']);
    t.equal(help.status, 0, help.stderr);
    t.match(help.stdout, /^Usage: swarmlint <command> \[options\]\n/);
    const bare = docker(['run', '--rm', IMAGE]);
    t.equal(bare.status, 0, bare.stderr);
    t.equal(bare.stdout, help.stdout, 'the image’s default command is --help');
    t.end();
  });
}
