// When the lab can run, skips (with the reason) when it cannot, and never skips under CI=true.
import t from 'tap';
import { decide, prerequisites } from '../../lab/index.js';

t.test('a non-root user is told why', (t) => {
  const reasons = prerequisites(process.env, 1000);
  t.match(reasons.join('\n'), /needs root/);
  t.end();
});

t.test('no reasons: run', (t) => {
  t.same(decide([], {}), { run: true });
  t.end();
});

t.test('reasons outside CI: skip with them', (t) => {
  const d = decide(['the lab needs root (network namespaces, iptables, dockerd)'], { CI: 'false' });
  t.same(d, { run: false, skip: 'swarm lab cannot run: the lab needs root (network namespaces, iptables, dockerd)' });
  t.end();
});

t.test('reasons under CI=true: fail, never skip', (t) => {
  const d = decide(['missing commands: dockerd'], { CI: 'true' });
  t.notOk(d.run);
  t.notOk('skip' in d, 'no skip');
  t.match('fail' in d ? d.fail : '', /missing commands: dockerd.*CI=true: lab tests must run/);
  t.end();
});

t.test('a missing command is named', (t) => {
  // /usr/sbin and /sbin are always searched too; tar lives in /usr/bin.
  const reasons = prerequisites({ PATH: '/nonexistent' }, 0);
  t.match(reasons.join('\n'), /missing commands: .*\btar\b/);
  t.notMatch(reasons.join('\n'), /needs root/);
  t.end();
});

t.test('this host, as root, has everything (under CI it must)', (t) => {
  const reasons = prerequisites();
  if (process.env.CI === 'true' || process.getuid?.() === 0) t.same(reasons, [], 'no reasons');
  else t.ok(reasons.length > 0, `not root here: ${reasons.join('; ')}`);
  t.end();
});
