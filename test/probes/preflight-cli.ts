// `swarmlint preflight` as a command: help, usage errors, the --listen responder (real sockets on 127.0.0.1), and
// the report of a facts document (lint, --save-facts, formats, exit codes). Probing itself needs root, an engine
// and peers: test/lab/preflight.ts runs it on the lab swarm.
import t from 'tap';
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { address, preflightRequest, reportPreflight, splitHostPort } from '../../cli/preflight.js';
import { formatsFor, limits, readReportOptions } from '../../cli/report-options.js';
import { PREFLIGHT_OPTIONS, parse } from '../../cli/args.js';
import { loadConfig } from '../../engine/config.js';
import { lintDocuments } from '../../engine/lint.js';
import { loadFacts } from '../../language/loader/facts.js';
import { encodeProbe, parseEcho } from '../../probes/paths/echo-protocol.js';
import { assertDistFresh, childEnv, MAIN, swarmlintInProcess } from '../helpers/cli.js';
import { PREFLIGHT_ICMP_SKIPPED } from '../helpers/facts.js';

const dir = mkdtempSync(join(tmpdir(), 'swarmlint-preflight-'));
t.teardown(() => {
  rmSync(dir, { recursive: true, force: true });
});

t.test('help', async (t) => {
  const r = await swarmlintInProcess(['preflight', '--help'], { cwd: dir });
  t.equal(r.code, 0);
  t.match(r.stdout, /^Usage: swarmlint preflight --manager ADDR\[:PORT\]/);
  t.match((await swarmlintInProcess(['--help'], { cwd: dir })).stdout, /preflight +check a host before it joins/);
});

t.test('usage errors exit 2 before anything is probed', async (t) => {
  const cases: [string[], RegExp][] = [
    [[], /preflight needs --manager ADDR/],
    [['stack.yml', '--manager', '10.0.0.1'], /preflight takes no files \(got stack.yml\)/],
    [['--manager', '10.0.0.1:99999'], /--manager: 99999 is not a port/],
    [['--manager', ':2377'], /--manager: no address in ":2377"/],
    [['--manager', ''], /--manager: an address is needed/],
    [['--manager', '10.0.0.1', '--timeout', 'soon'], /--timeout takes a number of seconds/],
    [['--manager', '10.0.0.1', '--deadline', '0'], /--deadline takes a number of seconds/],
    [['--manager', '10.0.0.1', '--data-path-port', '0'], /--data-path-port: 0 is not a port/],
    [['--manager', '10.0.0.1', '--format', 'xml'], /unknown format "xml" \(one of: github, gitlab, html, json, sarif, stylish\)/],
    [['--manager', '10.0.0.1', '--format', 'prometheus'], /unknown format "prometheus"/],
    [['--manager', '10.0.0.1', '--max-warnings', 'O'], /--max-warnings O: a whole number, 0 or more \(-1: no limit\)/],
    [['--manager', '10.0.0.1', '--failure-threshold', 'fatal'], /--failure-threshold fatal: one of error/],
    [['--manager', '10.0.0.1', '--config', 'nope.json'], /nope\.json/],
    [['--peer', 'swarmlint-no-such-host.invalid', '--manager', '10.0.0.1'], /--peer swarmlint-no-such-host\.invalid: cannot resolve it/],
    [['--manager', '10.0.0.1', '--bogus'], /Unknown option '--bogus'/],
  ];
  for (const [args, message] of cases) {
    const r = await swarmlintInProcess(['preflight', ...args], { cwd: dir });
    t.equal(r.code, 2, args.join(' '));
    t.match(r.stderr, message, args.join(' '));
  }
});

t.test('addresses and ports', async (t) => {
  t.same(splitHostPort('10.0.0.1', 2377, 'x'), { host: '10.0.0.1', port: 2377 });
  t.same(splitHostPort('10.0.0.1:2378', 2377, 'x'), { host: '10.0.0.1', port: 2378 });
  t.same(splitHostPort('[fd00::1]:2378', 2377, 'x'), { host: 'fd00::1', port: 2378 });
  t.same(splitHostPort('[fd00::1]', 2377, 'x'), { host: 'fd00::1', port: 2377 });
  t.same(splitHostPort('fd00::1', 2377, 'x'), { host: 'fd00::1', port: 2377 });
  t.equal(await address('localhost', 'x'), '127.0.0.1');
  t.equal(await address('fd00::1', 'x'), 'fd00::1');
  await t.rejects(
    address('slow.example', '--peer', 50, () => new Promise(() => undefined)),
    /--peer slow\.example: cannot resolve it \(no answer within 50 ms\)/,
  );
  const request = await preflightRequest(
    parse(
      [
        '--manager',
        '10.0.0.1',
        '--manager',
        '10.0.0.1:2378',
        '--peer',
        '10.0.0.1',
        '--peer',
        '10.0.0.2',
        '--peer',
        '10.0.0.2',
        '--data-path-port',
        '4790',
        '--timeout',
        '0.5',
      ],
      PREFLIGHT_OPTIONS,
    ),
  );
  t.same(
    request,
    {
      managers: [{ address: '10.0.0.1', port: 2377 }],
      peers: ['10.0.0.2'],
      dataPathPort: 4790,
      timeoutMs: 500,
      deadlineMs: 20_000,
    },
    'each address once, managers first',
  );
  t.equal(
    (await preflightRequest(parse(['--listen'], PREFLIGHT_OPTIONS))).deadlineMs,
    600_000,
    'a responder listens for ten minutes by default',
  );
  const threshold = (args: string[]) =>
    limits(readReportOptions(parse(args, PREFLIGHT_OPTIONS).values, dir, formatsFor('preflight')), { failureThreshold: 'warning' })
      .threshold;
  t.equal(threshold([]), 'warning', "the config's threshold");
  t.equal(threshold(['--failure-threshold', 'none']), 'none');
});

/** Runs `swarmlint preflight --listen …` and resolves once it says it listens (or exits). */
function listener(args: string[]): { ready: Promise<void>; done: Promise<{ code: number | null; stderr: string }>; stop: () => void } {
  assertDistFresh();
  const child = spawn(process.execPath, ['--', MAIN, 'preflight', '--listen', ...args], {
    env: childEnv(),
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let ready: () => void = () => undefined;
  const readyP = new Promise<void>((resolve) => (ready = resolve));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    if (stderr.includes('listening on') || stderr.includes('nothing to listen on')) ready();
  });
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => {
      resolve({ code, stderr });
    }),
  );
  void done.then(() => {
    ready();
  });
  return { ready: readyP, done, stop: () => child.kill('SIGTERM') };
}

// The swarm ports are fixed (2377/tcp, 7946): on an address of its own in 127/8, chosen at random, so that another run
// of this test at the same time (another checkout) holds other sockets. Probes still come from 127.0.0.1.
const ADDRESS = `127.${String(1 + randomInt(254))}.${String(randomInt(256))}.${String(1 + randomInt(254))}`;

t.test('--listen: echoes probes on the ports it could bind, lists the others, stops at the deadline or SIGTERM', async (t) => {
  const free = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => free.bind(0, ADDRESS, resolve));
  const dataPort = free.address().port;
  await new Promise<void>((resolve) =>
    free.close(() => {
      resolve();
    }),
  );
  const first = listener(['--listen-address', ADDRESS, '--data-path-port', String(dataPort), '--peer', '127.0.0.1', '--deadline', '20']);
  await first.ready;
  // A second responder on the same address: the swarm ports are held by the first, its own data-path port is free.
  const other = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => other.bind(0, ADDRESS, resolve));
  const otherPort = other.address().port;
  await new Promise<void>((resolve) =>
    other.close(() => {
      resolve();
    }),
  );
  const second = listener(['--listen-address', ADDRESS, '--data-path-port', String(otherPort), '--deadline', '1']);

  const client = dgram.createSocket('udp4');
  const echo = new Promise<Buffer>((resolve) => client.on('message', resolve));
  client.send(encodeProbe('0123456789abcdef', { port: dataPort, protocol: 'udp' }), dataPort, ADDRESS);
  const answer = parseEcho(await echo);
  client.close();
  t.same(answer?.to, { port: dataPort, protocol: 'udp' }, 'the echo');
  const s = await second.done;
  t.equal(s.code, 0, 'the second stops at its deadline');
  t.match(s.stderr, /could not bind 2377\/tcp: in use by another program/);
  t.match(s.stderr, new RegExp(`listening on .*${String(otherPort)}/udp for 1 s`));
  t.match(s.stderr, /stopped after answering 0 probe\(s\)/);
  first.stop();
  const f = await first.done;
  t.equal(f.code, 0, 'SIGTERM stops the first');
  t.match(f.stderr, new RegExp(`listening on .*${String(dataPort)}/udp for 127\\.0\\.0\\.1 for 20 s`));
  t.match(f.stderr, new RegExp(`answered 127\\.0\\.0\\.1 on ${String(dataPort)}/udp`));
  t.match(f.stderr, /stopped after answering 1 probe\(s\)/);
});

t.test('--listen on every address by default', async (t) => {
  const free = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => free.bind(0, resolve));
  const port = free.address().port;
  await new Promise<void>((resolve) =>
    free.close(() => {
      resolve();
    }),
  );
  const r = await listener(['--data-path-port', String(port), '--deadline', '0.3']).done;
  t.equal(r.code, 0);
  t.match(r.stderr, new RegExp(`listening on .*${String(port)}/udp for 0.3 s`));
});

t.test('--listen where nothing can be bound: exit 2, saying why', async (t) => {
  const r = await listener(['--listen-address', '192.0.2.1']).done;
  t.equal(r.code, 2);
  t.match(r.stderr, /could not bind 2377\/tcp: .*EADDRNOTAVAIL/);
  t.match(r.stderr, /nothing to listen on: every swarm port is held here/);
});

t.test('the report of a facts document: lint, save, formats, exit codes', async (t) => {
  const facts = PREFLIGHT_ICMP_SKIPPED;
  const config = await loadConfig({ cwd: dir, ruleOverrides: [] });
  const run = (args: string[], threshold = 'error', format = 'json') => {
    const parsed = parse([...args, '--failure-threshold', threshold, '--format', format], PREFLIGHT_OPTIONS);
    const options = readReportOptions(parsed.values, dir, formatsFor('preflight'));
    return reportPreflight(facts, { args: parsed, cwd: dir, config, options, started: performance.now() });
  };

  const saved = join(dir, 'facts.json');
  const out = join(dir, 'report.json');
  t.equal(await run(['--save-facts', saved, '-o', out]), 0, 'a skipped probe is a warning: exit 0 at the error threshold');
  t.same(JSON.parse(readFileSync(saved, 'utf8')), facts, 'the facts as collected');
  type Out = { command: string; findings: { ruleId: string; file?: string; message: string; logical: { kind: string; name: string }[] }[] };
  const report = JSON.parse(readFileSync(out, 'utf8')) as Out;
  t.equal(report.command, 'preflight');
  t.match(
    report.findings,
    [{ ruleId: 'probe-skipped', file: 'facts.json', message: /ICMP echo and the path MTU/ }],
    'findings point into the saved file',
  );
  t.equal(await run(['-o', out], 'warning'), 1, 'exit 1 at the warning threshold');
  t.match(
    (JSON.parse(readFileSync(out, 'utf8')) as Out).findings,
    [{ ruleId: 'probe-skipped', file: undefined, logical: [{ kind: 'probe', name: 'peer/198.18.0.101/icmp' }] }],
    'not saved: logical locations only',
  );
  t.equal(await run(['-o', out, '--max-warnings', '0']), 1, 'too many warnings');
  t.equal(await run(['-o', join(dir, 'r.sarif')], 'error', 'sarif'), 0);
  t.equal((JSON.parse(readFileSync(join(dir, 'r.sarif'), 'utf8')) as { version: string }).version, '2.1.0');
  await t.rejects(run(['--save-facts', join(saved, 'f.json')]), /--save-facts .*(EEXIST|ENOTDIR)/, 'a file where its folder should be');
  const quiet = { ...facts, outcomes: [] };
  t.equal(
    await reportPreflight(quiet, {
      args: parse([], PREFLIGHT_OPTIONS),
      cwd: dir,
      config,
      options: readReportOptions({}, dir, formatsFor('preflight')),
      started: performance.now(),
    }),
    0,
    'nothing found: stylish prints nothing to stdout',
  );

  // `swarmlint lint FILE` re-checks a saved document offline, with the same findings.
  const again = await swarmlintInProcess(['lint', '-f', 'json', saved], { cwd: dir });
  t.equal(again.code, 0);
  t.same(
    (JSON.parse(again.stdout) as Out).findings.map((f) => f.message),
    report.findings.map((f) => f.message),
  );
  const text = readFileSync(saved, 'utf8');
  t.equal(
    lintDocuments([{ name: saved, kind: 'facts', text, root: loadFacts(text, saved), files: [] }], { rules: config.rules }).findings.length,
    1,
  );
});
