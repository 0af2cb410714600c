import t from 'tap';
import { GO_DURATION, parsePortSpec } from '../../language/loader/ports.js';

const ok = (spec: string | number): string[] => {
  const r = parsePortSpec(spec);
  if (!r.ok) throw new Error(`${String(spec)}: ${r.error}`);
  return r.ports.map((p) => `${p.hostIp ? `${p.hostIp}|` : ''}${String(p.published)}:${String(p.target)}/${p.protocol}`);
};

// Valid and invalid specs from docker/cli's schema tests (PR #5524) and go-connections nat.ParsePortSpec.
t.same(ok(8000), ['0:8000/tcp']);
t.same(ok('8000:8000'), ['8000:8000/tcp']);
t.same(ok('8001-8003'), ['0:8001/tcp', '0:8002/tcp', '0:8003/tcp']);
t.same(ok('8001-8002:9001-9002'), ['8001:9001/tcp', '8002:9002/tcp']);
t.same(ok('8000-8002:80'), ['8000:80/tcp', '8001:80/tcp', '8002:80/tcp'], 'a host range onto one container port');
t.same(ok('[::1]:8080:8000'), ['::1|8080:8000/tcp']);
t.same(ok('127.0.0.1:8000:8000/udp'), ['127.0.0.1|8000:8000/udp']);
t.same(ok('8000:8000/SCTP'), ['8000:8000/sctp']);
t.same(ok(':80'), ['0:80/tcp'], 'an empty host port lets Docker pick');
for (const bad of [
  '8000:8000/http',
  '-1',
  '65536',
  'invalid',
  '12345678:8000:8000/tcp',
  '8005-8000:8005-8000',
  '8006-8000:8005-8000',
  '',
  '1-65535',
  '1:2:3:4',
  '300.1.1.1:80:80',
  '[::1]:80',
  '0',
  '8000-8001:90-92',
]) {
  const r = parsePortSpec(bad);
  t.notOk(r.ok, `${bad} is refused`);
}

t.test('Go durations (the stack schema format)', (t) => {
  for (const d of ['0', '30s', '1m30s', '1.5h', '100ms', '10us', '10µs', '-5s']) t.match(d, GO_DURATION, `${d} is a duration`);
  for (const d of ['10', '1d', 's', '', '1 s', '1h 30m']) t.notMatch(d, GO_DURATION, `${d} is not`);
  t.end();
});
