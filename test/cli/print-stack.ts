// `swarmlint lint --print-stack`: the merged, interpolated stack as `docker stack config` prints it.
import t from 'tap';
import { parse } from 'yaml';
import { swarmlintInProcess } from '../helpers/cli.js';

t.setTimeout(600_000);

t.test('merged and interpolated, ports in the long syntax, services by name', async (t) => {
  const cwd = t.testdir({
    'a.yml':
      'services:\n  web:\n    image: nginx:${TAG:-1.27}\n    ports: ["53:53/tcp", "8080:80"]\n    networks:\n      front:\n        aliases: [www]\n    environment:\n      - A=1\n  api:\n    image: api\nnetworks:\n  front: {}\n',
    'b.yml':
      'services:\n  web:\n    ports: ["53:53/udp"]\n    networks: [front]\n    environment:\n      B: "on"\n    deploy:\n      replicas: 0\n',
    'bad.yml': 'services: [\n',
  });
  const r = await swarmlintInProcess(['lint', '--print-stack', '-c', 'a.yml', '-c', 'b.yml'], { cwd, env: { TAG: '1.28' } });
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /environment:\n\s+A: "1"\n\s+B: "on"/, 'yes/on stay quoted text');
  const out = parse(r.stdout) as { version: string; services: Record<string, Record<string, unknown>> };
  t.equal(out.version, '3.13', 'no version: 3.13, as docker prints');
  t.same(Object.keys(out.services), ['api', 'web'], 'services by name');
  t.same(
    out.services.web,
    {
      deploy: { replicas: 0 },
      environment: { A: '1', B: 'on' },
      image: 'nginx:1.28',
      networks: { front: { aliases: ['www'] } },
      ports: [
        { mode: 'ingress', target: 53, published: 53, protocol: 'udp' },
        { mode: 'ingress', target: 80, published: 8080, protocol: 'tcp' },
      ],
    },
    'ports keyed by published port (the later file wins), aliases kept, replicas 0 overrides',
  );
  const bad = await swarmlintInProcess(['lint', '--print-stack', 'bad.yml'], { cwd });
  t.equal(bad.code, 2, 'a file that cannot be read: exit 2');
  t.match(bad.stderr, /bad\.yml:\d+:\d+:/);
  t.equal(bad.stdout, '');
});
