// The model keeps the driver options' values the loader read (Network.driverOpts), so no rule reads source text.
import t from 'tap';
import { loadStack } from '../../language/loader/stack.js';
import { yaml } from '../helpers/dedent.js';

const networks = (text: string, env: Record<string, string> = {}) =>
  loadStack([{ path: 'a.yml', text }], { env: new Map(Object.entries(env)) }).stack.networks;

t.test('values as read: quotes gone, YAML scalars as text, a value on the next line', (t) => {
  const [a, b, c, d] = networks(yaml`
    services:
      app:
        image: x
        networks: [a, b, c, d]
    networks:
      a:
        driver_opts:
          encrypted: "false"
          com.docker.network.driver.mtu: '1400 bytes'
      b:
        driver_opts: {encrypted: 0, com.docker.network.driver.mtu: -1}
      c:
        driver_opts:
          encrypted:
            disabled
      d:
        driver_opts:
          encrypted:
  `);
  t.same(a?.driverOpts, { encrypted: 'false', mtu: '1400 bytes' });
  t.same(b?.driverOpts, { encrypted: '0', mtu: '-1' });
  t.same(c?.driverOpts, { encrypted: 'disabled' });
  t.same(d?.driverOpts, { encrypted: '' }, 'an empty option is present, with no text');
  t.end();
});

t.test('a value from a variable is left out, so no message can echo it', (t) => {
  const [a] = networks(
    yaml`
      services:
        app:
          image: x
          networks: [a]
      networks:
        a:
          driver_opts:
            encrypted: "\${ENCRYPT}"
            com.docker.network.driver.mtu: \${MTU:-1400}
    `,
    { ENCRYPT: 'false', MTU: 'abc' },
  );
  t.equal(a?.encrypted, true, 'the option is there');
  t.equal(a?.driverOpts, undefined);
  t.end();
});

t.test('no driver options: nothing kept', (t) => {
  const [a] = networks(yaml`
    services:
      app:
        image: x
        networks: [a]
    networks:
      a: {}
  `);
  t.equal(a?.driverOpts, undefined);
  t.end();
});
