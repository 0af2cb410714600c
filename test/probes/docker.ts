// The Engine API adapter: where the engine is (DOCKER_HOST, contexts in a temporary DOCKER_CONFIG, TLS), and the
// GET calls over real sockets: a replay of recorded answers on a unix socket, an HTTPS engine with client
// certificates, and engines that fail, hang, trickle or answer nonsense.
import t, { type Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer as createHttpServer, request, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  EndpointError,
  EngineApiError,
  engineApi,
  JsonArraySplitter,
  redactHost,
  resolveEndpoint,
  toEngineApiError,
  type Endpoint,
} from '../../probes/adapters/docker.js';
import { KEEP } from '../../probes/audit/collect.js';
import { readScenario, serveEngineApi } from '../../bench/audit-replay.js';

const HEALTHY = new URL('../../fixtures/engine-api/healthy-3-nodes/', import.meta.url).pathname;
const sha = (name: string): string => createHash('sha256').update(name).digest('hex');

/** A short folder for unix sockets (a socket path has at most 107 bytes; tap's test folders are longer). */
function socketDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'swl-docker-'));
  t.teardown(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** A docker config folder with contexts, as `docker context create` writes them. */
function dockerConfig(
  dir: string,
  current: string | undefined,
  contexts: Record<string, { host?: string; skipTls?: boolean; tls?: boolean; raw?: string }>,
): string {
  mkdirSync(dir, { recursive: true });
  if (current !== undefined) writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: {}, currentContext: current }));
  for (const [name, c] of Object.entries(contexts)) {
    const meta = join(dir, 'contexts', 'meta', sha(name));
    mkdirSync(meta, { recursive: true });
    const endpoints = c.host ? { docker: { Host: c.host, SkipTLSVerify: c.skipTls ?? false } } : {};
    writeFileSync(join(meta, 'meta.json'), c.raw ?? JSON.stringify({ Name: name, Metadata: { Description: '' }, Endpoints: endpoints }));
    if (c.tls) {
      const tls = join(dir, 'contexts', 'tls', sha(name), 'docker');
      mkdirSync(tls, { recursive: true });
      for (const f of ['ca', 'cert', 'key']) writeFileSync(join(tls, `${f}.pem`), `${name} ${f}`);
    }
  }
  return dir;
}

t.test('resolveEndpoint: DOCKER_HOST and an explicit host', (t) => {
  const home = t.testdir({});
  const r = (env: Record<string, string>, explicit?: string): Endpoint => resolveEndpoint(explicit, env, home);
  t.same(
    r({}),
    { description: 'unix:///var/run/docker.sock', options: { socketPath: '/var/run/docker.sock' } },
    'nothing set: the default socket',
  );
  t.same(r({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }).options, { socketPath: '/run/user/1000/docker.sock' });
  t.same(r({ DOCKER_HOST: 'unix://' }).options, { socketPath: '/var/run/docker.sock' }, 'unix:// alone: the default path');
  t.same(r({ DOCKER_HOST: 'npipe:////./pipe/docker_engine' }).options, { socketPath: '//./pipe/docker_engine' });
  t.same(r({ DOCKER_HOST: 'npipe://' }).options, { socketPath: '//./pipe/docker_engine' });
  t.same(r({ DOCKER_HOST: 'tcp://10.0.0.1:2375' }), {
    description: 'tcp://10.0.0.1:2375',
    options: { host: '10.0.0.1', port: '2375', protocol: 'http' },
  });
  t.same(r({ DOCKER_HOST: 'tcp://10.0.0.1' }).options.port, '2375', 'tcp without a port: 2375');
  t.same(
    r({ DOCKER_HOST: 'tcp://a:1' }, 'unix:///explicit.sock').options,
    { socketPath: '/explicit.sock' },
    '--docker-host wins over DOCKER_HOST',
  );
  t.same(
    r({ DOCKER_HOST: 'ssh://deploy@manager-1:2222' }).options,
    { host: 'manager-1', port: '2222', protocol: 'ssh', username: 'deploy' },
    'ssh',
  );
  t.same(r({ DOCKER_HOST: 'ssh://manager-1' }).options, { host: 'manager-1', port: '22', protocol: 'ssh' });
  t.throws(() => r({ DOCKER_HOST: 'ftp://h' }), new EndpointError('"ftp://h": unsupported Docker host scheme ftp:'));
  t.throws(() => r({ DOCKER_HOST: 'not a host' }), { name: 'EndpointError', message: /is not a Docker host/ });
  t.end();
});

t.test('resolveEndpoint: TLS from DOCKER_TLS_VERIFY, DOCKER_TLS and DOCKER_CERT_PATH', (t) => {
  const dir = t.testdir({ certs: { 'ca.pem': 'CA', 'cert.pem': 'CERT', 'key.pem': 'KEY' }, home: { '.docker': { 'ca.pem': 'HOME CA' } } });
  const certs = join(dir, 'certs');
  const home = join(dir, 'home');
  const verified = resolveEndpoint(
    undefined,
    { DOCKER_HOST: 'tcp://10.0.0.1:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs },
    home,
  );
  t.equal(verified.description, 'tcp://10.0.0.1:2376 (TLS)');
  t.same(
    { ...verified.options, ca: String(verified.options.ca), cert: String(verified.options.cert), key: String(verified.options.key) },
    { host: '10.0.0.1', port: '2376', protocol: 'https', ca: 'CA', cert: 'CERT', key: 'KEY', verify: true },
  );
  // The docker CLI verifies for any non-empty DOCKER_TLS_VERIFY, "0" included.
  t.equal(
    resolveEndpoint(undefined, { DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '0', DOCKER_CERT_PATH: certs }, home).options.verify,
    true,
  );
  t.equal(
    resolveEndpoint(undefined, { DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '' }, home).options.protocol,
    'http',
    'empty: no TLS',
  );
  const noPort = resolveEndpoint(undefined, { DOCKER_HOST: 'tcp://h', DOCKER_TLS_VERIFY: '1' }, home);
  t.same(
    [noPort.options.port, String(noPort.options.ca), noPort.options.cert],
    ['2376', 'HOME CA', undefined],
    'TLS default port 2376; files from ~/.docker, those there',
  );
  const unverified = resolveEndpoint(undefined, { DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS: '1', DOCKER_CONFIG: certs }, home);
  t.same(
    [unverified.description, unverified.options.protocol, unverified.options.verify, String(unverified.options.ca)],
    ['tcp://h:2376 (TLS, not verified)', 'https', false, 'CA'],
    'DOCKER_TLS: TLS without verifying; files from DOCKER_CONFIG',
  );
  const https = resolveEndpoint(undefined, { DOCKER_HOST: 'https://h' }, certs).options;
  t.same(
    [https.port, https.protocol, https.verify, https.ca],
    ['2376', 'https', false, undefined],
    'https://: TLS on 2376 (no files where it looked)',
  );
  t.end();
});

t.test('resolveEndpoint: credentials never reach a description or a message', (t) => {
  const home = t.testdir({});
  const d = resolveEndpoint(undefined, { DOCKER_HOST: 'tcp://admin:s3cret@10.0.0.1:2375' }, home);
  t.equal(d.description, 'tcp://admin@10.0.0.1:2375');
  t.equal(resolveEndpoint(undefined, { DOCKER_HOST: 'ssh://ops:s3cret@m1' }, home).description, 'ssh://ops@m1');
  t.throws(() => resolveEndpoint(undefined, { DOCKER_HOST: 'tcp://admin:s3cret@[bad' }, home), {
    name: 'EndpointError',
    message: /^"tcp:\/\/admin@\[bad" is not a Docker host/,
  });
  t.throws(() => resolveEndpoint(undefined, { DOCKER_HOST: 'gopher://admin:s3cret@h' }, home), {
    message: '"gopher://admin@h": unsupported Docker host scheme gopher:',
  });
  t.equal(redactHost('unix:///var/run/docker.sock'), 'unix:///var/run/docker.sock');
  t.equal(redactHost('tcp://h:2375'), 'tcp://h:2375');
  t.equal(redactHost('what:ever'), 'what:ever', 'nothing to redact in a host without credentials');
  t.end();
});

t.test('resolveEndpoint: Docker contexts in DOCKER_CONFIG', (t) => {
  const dir = t.testdir({
    home: {},
    bad: { 'config.json': '{not json' },
    noCurrent: { 'config.json': '{"auths": {}}' },
    nullConfig: { 'config.json': 'null' },
    withHome: {},
  });
  const home = join(dir, 'home');
  const config = dockerConfig(join(dir, 'cfg'), 'prod', {
    prod: { host: 'tcp://prod-manager:2376', tls: true },
    lab: { host: 'unix:///tmp/lab.sock' },
    insecure: { host: 'tcp://10.1.1.1:2376', tls: true, skipTls: true },
    plain: { host: 'tcp://10.1.1.2:2375' },
    empty: {},
    broken: { raw: '{"Name": ' },
  });
  const r = (env: Record<string, string>): Endpoint => resolveEndpoint(undefined, { DOCKER_CONFIG: config, ...env }, home);
  const prod = r({});
  t.equal(prod.description, 'tcp://prod-manager:2376 (context prod, TLS)', 'the current context of config.json');
  t.same(
    [
      prod.options.host,
      prod.options.port,
      prod.options.protocol,
      prod.options.verify,
      String(prod.options.ca),
      String(prod.options.cert),
      String(prod.options.key),
    ],
    ['prod-manager', '2376', 'https', true, 'prod ca', 'prod cert', 'prod key'],
    'its TLS files, under contexts/tls/<sha256 of the name>/docker',
  );
  t.same(
    r({ DOCKER_CONTEXT: 'lab' }),
    { description: 'unix:///tmp/lab.sock (context lab)', options: { socketPath: '/tmp/lab.sock' } },
    'DOCKER_CONTEXT wins over the config',
  );
  t.same(
    r({ DOCKER_CONTEXT: 'lab', DOCKER_HOST: 'unix:///other.sock' }).options,
    { socketPath: '/other.sock' },
    'DOCKER_HOST wins over DOCKER_CONTEXT',
  );
  const insecure = r({ DOCKER_CONTEXT: 'insecure' });
  t.same(
    [insecure.description, insecure.options.verify],
    ['tcp://10.1.1.1:2376 (context insecure, TLS, not verified)', false],
    'SkipTLSVerify',
  );
  t.same(r({ DOCKER_CONTEXT: 'plain' }).options, { host: '10.1.1.2', port: '2375', protocol: 'http' }, 'a context without TLS files');
  t.same(r({ DOCKER_CONTEXT: 'default' }).options, { socketPath: '/var/run/docker.sock' }, 'the default context');
  t.throws(() => r({ DOCKER_CONTEXT: 'missing' }), {
    name: 'EndpointError',
    message: new RegExp(`^Docker context "missing" not found \\(.*${sha('missing')}/meta\\.json\\)$`),
  });
  t.throws(() => r({ DOCKER_CONTEXT: 'empty' }), new EndpointError('Docker context "empty" has no docker endpoint'));
  t.throws(() => r({ DOCKER_CONTEXT: 'broken' }), { name: 'EndpointError', message: /^Docker context "broken": .*meta\.json: .*JSON/ });

  const bad = join(dir, 'bad');
  t.throws(() => resolveEndpoint(undefined, { DOCKER_CONFIG: bad }, home), {
    name: 'EndpointError',
    message: /^the docker config .*config\.json: /,
  });
  const noCurrent = join(dir, 'noCurrent');
  t.same(
    resolveEndpoint(undefined, { DOCKER_CONFIG: noCurrent }, home).options,
    { socketPath: '/var/run/docker.sock' },
    'no current context',
  );
  const nullConfig = join(dir, 'nullConfig');
  t.same(resolveEndpoint(undefined, { DOCKER_CONFIG: nullConfig }, home).options, { socketPath: '/var/run/docker.sock' });
  // ~/.docker when DOCKER_CONFIG is not set.
  const withHome = join(dir, 'withHome');
  dockerConfig(join(withHome, '.docker'), 'lab', { lab: { host: 'unix:///home.sock' } });
  t.same(resolveEndpoint(undefined, {}, withHome).options, { socketPath: '/home.sock' }, 'the config in ~/.docker');
  t.end();
});

t.test('engineApi over a replay of recorded answers: six GETs, the answers as recorded', async (t) => {
  const dir = socketDir(t);
  const answers = readScenario(HEALTHY);
  const replay = await serveEngineApi(join(dir, 'engine.sock'), { answers });
  t.teardown(() => replay.close());
  const api = engineApi(resolveEndpoint(`unix://${replay.socketPath}`, {}), 5_000);
  const signal = new AbortController().signal;
  const [info, swarm, nodes, networks, services, tasks] = await Promise.all([
    api.info(signal),
    api.swarm(signal),
    api.nodes(signal),
    api.networks(signal),
    api.services(signal),
    api.tasks(signal),
  ]);
  t.same(
    [info, swarm, nodes, networks, services],
    [answers.info, answers.swarm, answers.nodes, answers.networks, answers.services],
    'parsed as recorded',
  );
  t.same(
    tasks,
    (answers.tasks as { DesiredState: string }[]).filter((x) => x.DesiredState === 'running'),
    'tasks: those desired running, asked of the engine',
  );
  t.same(
    [...replay.requests].sort(),
    [
      'GET /info',
      'GET /networks',
      'GET /nodes',
      'GET /services?status=true',
      'GET /swarm',
      'GET /tasks?filters=%7B%22desired-state%22%3A%5B%22running%22%5D%7D',
    ],
    'six GET requests, no more',
  );
  const kept = await api.tasks(signal, KEEP.tasks);
  t.same(kept, tasks.map(KEEP.tasks), 'keep applied per element');
  const dropped = await api.nodes(signal, () => undefined);
  t.same(dropped, [], 'keep may drop elements');
});

t.test('the replay itself: what it serves and refuses, as dockerd would', async (t) => {
  const dir = socketDir(t);
  const answers = readScenario(HEALTHY);
  const replay = await serveEngineApi(join(dir, 'engine.sock'), {
    answers,
    bodies: { nodes: Buffer.from('[{"ID": "pre-rendered"}]') },
    failures: { swarm: {}, info: { status: 503, message: 'no' } },
  });
  t.teardown(() => replay.close());
  const get = (path: string, method = 'GET'): Promise<[number, string]> =>
    new Promise((resolve, reject) => {
      const req = request({ socketPath: replay.socketPath, path, method }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => {
          resolve([res.statusCode as number, body]);
        });
      });
      req.on('error', reject);
      req.end();
    });
  t.same(await get('/v1.41/nodes'), [200, '[{"ID": "pre-rendered"}]'], 'a versioned path; a body rendered beforehand');
  t.same(await get('/swarm'), [500, '{"message":"replayed failure"}'], 'a failure: 500 unless said');
  t.same(await get('/info'), [503, '{"message":"no"}']);
  t.same(await get('/containers/json'), [404, '{"message":"page not found: GET /containers/json"}'], 'only the paths of the audit');
  t.same(await get('/nodes', 'POST'), [404, '{"message":"page not found: POST /nodes"}'], 'only GET');
  const running = (answers.tasks as { DesiredState: string }[]).filter((x) => x.DesiredState === 'running').length;
  const count = async (query: string): Promise<number> => (JSON.parse((await get(`/tasks${query}`))[1]) as unknown[]).length;
  t.equal(await count(`?filters=${encodeURIComponent('{"desired-state":{"running":true}}')}`), running, 'the filter as a map');
  t.equal(await count(`?filters=${encodeURIComponent('{"desired-state":["shutdown"]}')}`), 0);
  t.equal(
    await count(`?filters=${encodeURIComponent('{"service":["web"]}')}`),
    (answers.tasks as unknown[]).length,
    'other filters: not replayed',
  );
  t.equal(await count(''), (answers.tasks as unknown[]).length);
  t.same(replay.requests.slice(0, 2), ['GET /v1.41/nodes', 'GET /swarm']);
});

t.test('engineApi: the endpoint is the one resolved, whatever DOCKER_HOST and DOCKER_CERT_PATH say', async (t) => {
  const dir = socketDir(t);
  const replay = await serveEngineApi(join(dir, 'engine.sock'), { answers: readScenario(HEALTHY) });
  t.teardown(() => replay.close());
  const saved = { ...process.env };
  t.teardown(() => {
    for (const k of ['DOCKER_HOST', 'DOCKER_CERT_PATH', 'DOCKER_TLS_VERIFY']) {
      if (saved[k] === undefined) Reflect.deleteProperty(process.env, k);
      else process.env[k] = saved[k];
    }
  });
  process.env.DOCKER_HOST = 'tcp://127.0.0.1:9';
  process.env.DOCKER_CERT_PATH = join(dir, 'nowhere');
  process.env.DOCKER_TLS_VERIFY = '1';
  const api = engineApi(resolveEndpoint(`unix://${replay.socketPath}`), 5_000);
  t.equal(((await api.info(new AbortController().signal)) as { Name: string }).Name, 'swl-n1', 'answered by the explicit socket');
  t.equal(process.env.DOCKER_HOST, 'tcp://127.0.0.1:9', 'the environment is left as it was');
  t.equal(process.env.DOCKER_CERT_PATH, join(dir, 'nowhere'));
});

/** A unix-socket HTTP server with a handler of the test's own. */
async function serve(t: Test, handler: RequestListener): Promise<string> {
  const dir = socketDir(t);
  const server = createHttpServer(handler);
  const path = join(dir, 'engine.sock');
  await new Promise<void>((resolve) => server.listen(path, resolve));
  t.teardown(() => closeServer(server));
  return path;
}
function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
  });
}

t.test('engineApi: errors in words a person can act on', async (t) => {
  const swarmErrors = ['plain text from a proxy', '{"error": "not dockerd\'s"}'];
  const socket = await serve(t, (req, res) => {
    const answers: Record<string, [number, string]> = {
      '/info': [503, JSON.stringify({ message: 'This node is not a swarm manager.' })],
      '/swarm': [500, ''],
      '/nodes': [502, ''],
      '/networks': [200, '{"not": "a list"}'],
      '/services': [200, '[1, 2]'],
      '/tasks': [200, '[{"ID": "a"}, {"ID": "b"'],
    };
    const path = (req.url ?? '').split('?')[0] ?? '';
    const [status, body] = path === '/swarm' ? [500, swarmErrors.shift() ?? ''] : (answers[path] ?? [200, '[] []']);
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(body);
  });
  const api = engineApi(resolveEndpoint(`unix://${socket}`, {}), 5_000);
  const signal = new AbortController().signal;
  await t.rejects(api.info(signal), new EngineApiError('HTTP 503: This node is not a swarm manager.', 503));
  t.equal(((await api.info(signal).catch((e: unknown) => e)) as EngineApiError).statusCode, 503);
  await t.rejects(api.swarm(signal), new EngineApiError('HTTP 500: plain text from a proxy', 500));
  await t.rejects(api.nodes(signal), new EngineApiError('HTTP 502: Bad Gateway', 502));
  await t.rejects(
    api.swarm(signal),
    new EngineApiError('HTTP 500: {"error": "not dockerd\'s"}', 500),
    'JSON without a message: as it came',
  );
  await t.rejects(api.networks(signal), new EngineApiError('the engine answered a list call with something that is not a list'));
  await t.rejects(api.services(signal), new EngineApiError('the engine answered a list call with something that is not a list of objects'));
  await t.rejects(api.tasks(signal), new EngineApiError('the engine answered a list call with something that is not a complete list'));

  const objects = await serve(t, (_req, res) => {
    res.end('{"ID": ');
  });
  await t.rejects(engineApi(resolveEndpoint(`unix://${objects}`, {}), 5_000).info(signal), {
    name: 'EngineApiError',
    message: /^the engine's answer to \/info is not JSON \(/,
  });

  const dir = socketDir(t);
  writeFileSync(join(dir, 'not-a-socket'), '');
  await t.rejects(engineApi(resolveEndpoint(`unix://${join(dir, 'missing.sock')}`, {}), 5_000).info(signal), {
    name: 'EngineApiError',
    message: /^no Docker socket there \(connect ENOENT .*missing\.sock\)$/,
  });
  await t.rejects(engineApi(resolveEndpoint(`unix://${join(dir, 'not-a-socket')}`, {}), 5_000).info(signal), {
    name: 'EngineApiError',
    message: /^connection refused \(connect ECONNREFUSED /,
  });
  // Root never meets EACCES on a socket; the words for it, and for the rest.
  t.same(
    toEngineApiError(Object.assign(new Error('connect EACCES /var/run/docker.sock'), { code: 'EACCES' })),
    new EngineApiError('permission denied on the Docker socket (connect EACCES /var/run/docker.sock)'),
  );
  t.same(toEngineApiError(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' })), new EngineApiError('timed out'));
  t.same(toEngineApiError('odd'), new EngineApiError('odd'));
  const same = new EngineApiError('x', 500);
  t.equal(toEngineApiError(same), same);
});

t.test('engineApi: a timeout of silence, not of the whole answer; and the signal', async (t) => {
  let hung = 0;
  const socket = await serve(t, (req, res) => {
    if (req.url?.startsWith('/info')) return; // never answers
    if (req.url?.startsWith('/swarm')) {
      hung++;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"ID": ');
      return; // half an answer, then silence
    }
    // A list that trickles in, 80 ms between chunks, for 400 ms in all.
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const parts = ['[{"ID": "a"}', ',{"ID": "b', '"}', ',', '{"ID": "c"}]'];
    const timer = setInterval(() => {
      const part = parts.shift();
      if (part === undefined) {
        clearInterval(timer);
        res.end();
      } else res.write(part);
    }, 80);
  });
  const api = engineApi(resolveEndpoint(`unix://${socket}`, {}), 250);
  const signal = new AbortController().signal;
  let started = Date.now();
  await t.rejects(api.info(signal), new EngineApiError('no answer for 0.25 s'));
  t.ok(
    Date.now() - started < 5_000,
    'given up after the timeout (the engine would never answer; 20× the 0.25 s timeout leaves room for a loaded machine)',
  );
  await t.rejects(api.swarm(signal), new EngineApiError('no answer for 0.25 s'), 'silence in the middle of an answer');
  t.equal(hung, 1);
  t.same(await api.nodes(signal), [{ ID: 'a' }, { ID: 'b' }, { ID: 'c' }], 'a slow answer that keeps coming is read to the end');

  const controller = new AbortController();
  started = Date.now();
  setTimeout(() => {
    controller.abort();
  }, 100);
  await t.rejects(
    engineApi(resolveEndpoint(`unix://${socket}`, {}), 10_000).info(controller.signal),
    new EngineApiError('timed out'),
    'aborted by its signal',
  );
  t.ok(Date.now() - started < 5_000, 'before the 10 s timeout: the signal ended it');
  await t.rejects(api.nodes(controller.signal), new EngineApiError('timed out'), 'an aborted signal: not even asked');
  const midway = new AbortController();
  const reading = api.nodes(midway.signal);
  setTimeout(() => {
    midway.abort();
  }, 150);
  await t.rejects(reading, new EngineApiError('timed out'), 'aborted while the answer comes in');
});

t.test('engineApi over ssh: a failed handshake is an EngineApiError, with or without an ssh agent socket', async (t) => {
  // Not an ssh server: a TCP port that closes every connection at once.
  const server = createNetServer((socket) => {
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  );
  const host = `ssh://deploy@127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  const saved = process.env.SSH_AUTH_SOCK;
  t.teardown(() => {
    if (saved === undefined) Reflect.deleteProperty(process.env, 'SSH_AUTH_SOCK');
    else process.env.SSH_AUTH_SOCK = saved;
  });
  for (const agent of [join(socketDir(t), 'agent.sock'), undefined]) {
    if (agent === undefined) Reflect.deleteProperty(process.env, 'SSH_AUTH_SOCK');
    else process.env.SSH_AUTH_SOCK = agent;
    const api = engineApi(resolveEndpoint(host, {}), 5_000);
    await t.rejects(api.info(new AbortController().signal), { name: 'EngineApiError' }, agent ? 'with an agent socket' : 'without one');
  }
});

t.test('engineApi over ssh: `ssh … docker system dial-stdio`, its stdio carrying the HTTP; its failure in its own words', async (t) => {
  const dir = socketDir(t);
  const replay = await serveEngineApi(join(dir, 'engine.sock'), { answers: readScenario(HEALTHY) });
  t.teardown(() => replay.close());
  // An ssh of the test's own, first on PATH: it writes its arguments down and relays its stdio to the replayed
  // engine (as dial-stdio does on the remote host), or fails as ssh does when FAKE_SSH_FAIL is set.
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const relay = "const s = require('node:net').connect(process.env.FAKE_SSH_SOCKET); process.stdin.pipe(s); s.pipe(process.stdout);";
  writeFileSync(
    join(bin, 'ssh'),
    [
      '#!/bin/sh',
      'printf \'%s\\n\' "$@" > "$FAKE_SSH_ARGS"',
      'if [ -n "$FAKE_SSH_FAIL" ]; then echo "$FAKE_SSH_FAIL" >&2; exit 255; fi',
      `exec "${process.execPath}" -e "${relay}"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  const saved = { PATH: process.env.PATH, FAKE_SSH_ARGS: undefined, FAKE_SSH_SOCKET: undefined, FAKE_SSH_FAIL: undefined };
  t.teardown(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) Reflect.deleteProperty(process.env, k);
      else process.env[k] = v;
    }
  });
  process.env.PATH = `${bin}:${process.env.PATH ?? ''}`;
  process.env.FAKE_SSH_ARGS = join(dir, 'args');
  process.env.FAKE_SSH_SOCKET = replay.socketPath;
  const api = engineApi(resolveEndpoint('ssh://deploy@manager-1:2222', {}), 5_000);
  const signal = new AbortController().signal;
  t.equal(((await api.info(signal)) as { Name: string }).Name, 'swl-n1', 'answered through ssh');
  t.same(
    readFileSync(join(dir, 'args'), 'utf8').trim().split('\n'),
    ['-o', 'BatchMode=yes', '-l', 'deploy', '-p', '2222', '--', 'manager-1', 'docker', 'system', 'dial-stdio'],
    'as the docker CLI runs it, without prompts',
  );
  t.ok((await api.tasks(signal)).length > 0, 'a list, with its query');
  t.match(replay.requests.at(-1), /^GET \/tasks\?filters=/);
  process.env.FAKE_SSH_FAIL = 'deploy@manager-1: Permission denied (publickey).';
  await t.rejects(api.info(signal), new EngineApiError('ssh to manager-1 failed: deploy@manager-1: Permission denied (publickey).'));
});

/** openssl: a CA, a server certificate for 127.0.0.1 and a client certificate, signed by it. */
function certificates(dir: string): void {
  const ssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca-key.pem',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=swarmlint test CA',
  );
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const who of ['server', 'client']) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${who}-key.pem`, '-out', `${who}.csr`, '-subj', `/CN=${who}`);
    ssl(
      'x509',
      '-req',
      '-in',
      `${who}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca-key.pem',
      '-CAcreateserial',
      '-out',
      `${who}.pem`,
      '-days',
      '2',
      '-extfile',
      `${who}.ext`,
    );
  }
}

const hasOpenssl = ((): boolean => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

t.test(
  'engineApi over TLS: DOCKER_CERT_PATH certificates are sent and checked',
  { skip: hasOpenssl ? false : 'openssl is not installed' },
  async (t) => {
    const dir = t.testdir({ client: {}, wrong: {} });
    certificates(dir);
    const clientDir = join(dir, 'client');
    writeFileSync(join(clientDir, 'ca.pem'), readFileSync(join(dir, 'ca.pem')));
    writeFileSync(join(clientDir, 'cert.pem'), readFileSync(join(dir, 'client.pem')));
    writeFileSync(join(clientDir, 'key.pem'), readFileSync(join(dir, 'client-key.pem')));
    const wrongDir = join(dir, 'wrong');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=another CA'],
      { cwd: wrongDir, stdio: 'ignore' },
    );
    writeFileSync(join(wrongDir, 'cert.pem'), readFileSync(join(dir, 'client.pem')));
    writeFileSync(join(wrongDir, 'key.pem'), readFileSync(join(dir, 'client-key.pem')));

    const clients: string[] = [];
    const server = createHttpsServer(
      {
        key: readFileSync(join(dir, 'server-key.pem')),
        cert: readFileSync(join(dir, 'server.pem')),
        ca: readFileSync(join(dir, 'ca.pem')),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        clients.push(
          String((req.socket as unknown as { getPeerCertificate(): { subject?: { CN?: string } } }).getPeerCertificate().subject?.CN),
        );
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"Name": "tls-engine"}');
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.teardown(() => closeServer(server));
    const host = `tcp://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
    const signal = new AbortController().signal;
    const info = (env: Record<string, string>): Promise<unknown> =>
      engineApi(resolveEndpoint(undefined, { DOCKER_HOST: host, ...env }, dir), 5_000).info(signal);

    t.same(await info({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: clientDir }), { Name: 'tls-engine' }, 'verified both ways');
    t.same(clients, ['client'], 'the client certificate was presented');
    await t.rejects(
      info({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: wrongDir }),
      { name: 'EngineApiError', message: /self[- ]signed|unable to verify|certificate/i },
      'an engine certificate from another CA is refused',
    );
    t.same(await info({ DOCKER_TLS: '1', DOCKER_CERT_PATH: wrongDir }), { Name: 'tls-engine' }, 'DOCKER_TLS without verify: accepted');
    await t.rejects(info({}), { name: 'EngineApiError' }, 'plain HTTP to a TLS engine fails');
  },
);

t.test('JsonArraySplitter: any list of objects, cut anywhere, gives its elements back', (t) => {
  const text = fc.string({ unit: fc.constantFrom('a', '"', '\\', '{', '}', '[', ']', ',', ' ', 'é', '😀', '\n') });
  const value = fc.letrec((tie) => ({
    any: fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null), tie('list'), tie('object')),
    list: fc.array(tie('any'), { maxLength: 3 }),
    object: fc.dictionary(text, tie('any'), { maxKeys: 4 }),
  }));
  fc.assert(
    fc.property(
      fc.array(value.object, { maxLength: 6 }),
      fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 }),
      fc.boolean(),
      (items, cuts, pretty) => {
        const bytes = Buffer.from(JSON.stringify(items, null, pretty ? 2 : undefined));
        const out: unknown[] = [];
        const splitter = new JsonArraySplitter((s) => out.push(JSON.parse(s)));
        let at = 0;
        for (let i = 0; at < bytes.length; i++) {
          const size = cuts[i % cuts.length] ?? 1;
          splitter.push(bytes.subarray(at, at + size));
          at += size;
        }
        splitter.end();
        return JSON.stringify(out) === JSON.stringify(items);
      },
    ),
    { numRuns: 500 },
  );
  const fails = (text: string): string => {
    try {
      const s = new JsonArraySplitter(() => undefined);
      s.push(Buffer.from(text));
      s.end();
      return 'no error';
    } catch (error) {
      return (error as Error).message.replace('the engine answered a list call with something that is not ', '');
    }
  };
  t.same(['', '{}', '"x"', '[1]', '["x"]', '[[]]', '[{}] [{}]', '[{}]x', '[{}', ']', '[{"a": "\\"}"}] '].map(fails), [
    'a complete list',
    'a list',
    'a list',
    'a list of objects',
    'a list of objects',
    'a list of objects',
    'one list',
    'a list',
    'a complete list',
    'a list',
    'no error',
  ]);
  t.end();
});

t.test('engineWriter: POST with a JSON body, DELETE, a query; through the same client', async (t) => {
  const seen: { method: string; url: string; type: string | undefined; body: string }[] = [];
  const socket = await serve(t, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', type: req.headers['content-type'], body });
      if (req.method === 'POST') {
        res.writeHead(201, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ Id: 'net-1' }));
      } else if (req.method === 'DELETE') {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: 'no such service' }));
      } else {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('[]');
      }
    });
  });
  const { engineWriter } = await import('../../probes/adapters/docker-write.js');
  const writer = engineWriter(resolveEndpoint(`unix://${socket}`, {}), 5_000);
  const signal = new AbortController().signal;
  t.equal(await writer.createNetwork({ Name: 'swl-deep', Driver: 'overlay' }, signal), 'net-1', 'the ID of the answer');
  await writer.removeService('svc 1', signal);
  t.same(await writer.listTasks({ label: ['swarmlint.run=1'] }, signal), []);
  t.same(seen, [
    { method: 'POST', url: '/networks/create', type: 'application/json', body: '{"Name":"swl-deep","Driver":"overlay"}' },
    { method: 'DELETE', url: '/services/svc%201', type: undefined, body: '' },
    {
      method: 'GET',
      url: `/tasks?filters=${encodeURIComponent(JSON.stringify({ label: ['swarmlint.run=1'] }))}`,
      type: undefined,
      body: '',
    },
  ]);
});
