// Kernel prerequisites: module states from what /proc, modules.builtin, the kernel config and modprobe say.
import t from 'tap';
import { readFileSync } from 'node:fs';
import {
  builtinModules,
  iptablesBackend,
  kernelConfig,
  loadedModules,
  moduleState,
  moduleStates,
  SWARM_MODULES,
} from '../../probes/parse/kernel.js';

const fixture = (scenario: string, file: string): string =>
  readFileSync(new URL(`../../fixtures/host/${scenario}/${file}`, import.meta.url), 'utf8');
const vxlan = { name: 'vxlan', config: 'CONFIG_VXLAN' };

t.test('this machine: no module support, a config that says what is built in', (t) => {
  // The lines of this kernel's /proc/config.gz that name the modules (see fixtures/host/README.md).
  const config = fixture('kernel', 'config-excerpt.txt');
  t.same(moduleStates({ config }), [
    { name: 'vxlan', state: 'builtin' },
    { name: 'ip_vs', state: 'missing' },
    { name: 'xfrm_user', state: 'builtin' },
    { name: 'xfrm_algo', state: 'builtin' },
    { name: 'esp4', state: 'missing' },
    { name: 'gcm', state: 'missing' },
    { name: 'seqiv', state: 'builtin' },
    { name: 'ghash_generic', state: 'missing' },
    { name: 'af_key', state: 'missing' },
    { name: 'xt_u32', state: 'builtin' },
    { name: 'xt_bpf', state: 'builtin' },
  ]);
  t.end();
});

t.test('loaded, built in, available or missing', (t) => {
  t.equal(moduleState(vxlan, { procModules: 'vxlan 122880 0 - Live 0x0\nip6_udp_tunnel 16384 1 vxlan, Live 0x0\n' }), 'loaded');
  t.equal(moduleState(vxlan, { procModules: '', builtin: 'kernel/drivers/net/vxlan/vxlan.ko\nkernel/net/ipv4/esp4.ko\n' }), 'builtin');
  t.equal(moduleState(vxlan, { config: 'CONFIG_VXLAN=m\n' }), 'available');
  t.equal(
    moduleState(vxlan, {
      config: 'CONFIG_VXLAN=m\n',
      modprobe: new Map([['vxlan', { code: 0, output: 'insmod /lib/modules/6.1.0/kernel/drivers/net/vxlan/vxlan.ko.xz\n' }]]),
    }),
    'available',
  );
  t.equal(moduleState(vxlan, { modprobe: new Map([['vxlan', { code: 0, output: 'builtin vxlan\n' }]]) }), 'builtin');
  t.equal(
    moduleState(vxlan, {
      modprobe: new Map([['vxlan', { code: 1, output: 'modprobe: FATAL: Module vxlan not found in directory /lib/modules/6.1.0\n' }]]),
    }),
    'missing',
  );
  t.equal(moduleState(vxlan, { config: '# CONFIG_VXLAN is not set\n' }), 'missing');
  t.equal(moduleState(vxlan, { config: '# CONFIG_MODULES is not set\n' }), 'missing', 'no module support and not built in');
  t.equal(moduleState(vxlan, { sysModules: new Set(['vxlan']) }), 'builtin');
  t.equal(moduleState(vxlan, {}), 'unknown');
  t.equal(moduleState(vxlan, { modprobe: new Map([['vxlan', { code: null, output: '' }]]) }), 'unknown', 'modprobe timed out');
  t.equal(SWARM_MODULES.length, 11);
  t.end();
});

t.test('the readers', (t) => {
  t.same([...loadedModules('a 1 0 - Live\n\nb 2 0 - Live\n')], ['a', 'b']);
  t.same(
    [...builtinModules('kernel/net/netfilter/xt_u32.ko\nkernel/crypto/gcm.ko.zst\nkernel/x/af-key.ko\n\n')],
    ['xt_u32', 'gcm', 'af_key'],
  );
  t.same(
    [...kernelConfig('# comment\nCONFIG_A=y\nCONFIG_B="x"\n# CONFIG_C is not set\n')],
    [
      ['CONFIG_A', 'y'],
      ['CONFIG_B', '"x"'],
      ['CONFIG_C', 'n'],
    ],
  );
  t.end();
});

t.test('iptables -V', (t) => {
  t.equal(iptablesBackend(fixture('lab-standby', 'iptables-V.txt')), 'nf_tables');
  t.equal(iptablesBackend('iptables v1.8.9 (legacy)\n'), 'legacy');
  t.equal(iptablesBackend('iptables v1.6.1\n'), 'legacy', 'before 1.8 there is only legacy');
  t.equal(iptablesBackend('bash: iptables: command not found'), undefined);
  t.end();
});
