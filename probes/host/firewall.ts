/**
 * Probe: the local firewall's rulesets, read (never changed): `iptables -V` for the backend, `iptables-nft-save`
 * and `iptables-legacy-save` (and their ip6tables twins), `nft -j list ruleset` with `nft -a list ruleset` for the
 * rule texts, and whether ufw and firewalld are on. probes/host/firewall-facts.ts evaluates them once the peers, their
 * interfaces and the data-path port are known.
 *
 * iptables-legacy-save runs only when legacy tables exist (/proc/net/ip_tables_names lists some): run without, it
 * would load the ip_tables module, and a probe changes nothing.
 */
import { readFile } from 'node:fs/promises';
import { commandFailure, runCommand, type CommandResult } from '../adapters/command.js';
import type { ProbeContext, ProbeResult } from '../context.js';
import type { FirewallReadings, Reading } from './firewall-facts.js';

const reading = (file: string, result: CommandResult): Reading =>
  result.code === 0 ? { text: result.stdout } : { failure: commandFailure(file, result) };

async function legacyTablesExist(file: string, signal: AbortSignal): Promise<boolean> {
  try {
    return (await readFile(file, { encoding: 'utf8', signal })).trim() !== '';
  } catch (error) {
    // Not readable (not root): let iptables-legacy-save say why.
    return (error as NodeJS.ErrnoException).code === 'EACCES';
  }
}

export async function probeFirewall(context: ProbeContext): Promise<ProbeResult<{ readings: FirewallReadings }>> {
  const options = { signal: context.signal, timeoutMs: context.timeoutMs };
  const run = (file: string, args: string[] = []): Promise<CommandResult> => runCommand(file, args, options);
  const save = async (file: string, legacyNames?: string): Promise<Reading> => {
    if (legacyNames !== undefined && !(await legacyTablesExist(legacyNames, context.signal))) return { text: '' };
    return reading(file, await run(file));
  };
  const [version, nft4, legacy4, nft6, legacy6, nftJson, nftText, ufwConf, firewalld] = await Promise.all([
    run('iptables', ['-V']),
    save('iptables-nft-save'),
    save('iptables-legacy-save', '/proc/net/ip_tables_names'),
    save('ip6tables-nft-save'),
    save('ip6tables-legacy-save', '/proc/net/ip6_tables_names'),
    run('nft', ['-j', 'list', 'ruleset']),
    run('nft', ['-a', 'list', 'ruleset']),
    readFile('/etc/ufw/ufw.conf', { encoding: 'utf8', signal: context.signal }).catch(() => undefined),
    run('firewall-cmd', ['--state']),
  ]);
  const saves: FirewallReadings['saves'] = [
    { source: 'iptables-nft', family: 4, reading: nft4 },
    { source: 'iptables-legacy', family: 4, reading: legacy4 },
    { source: 'iptables-nft', family: 6, reading: nft6 },
    { source: 'iptables-legacy', family: 6, reading: legacy6 },
  ];
  // iptables before 1.8 has no -nft/-legacy tools: plain iptables-save is the legacy one.
  if ('failure' in nft4 && /is not installed/.test(nft4.failure) && 'failure' in legacy4 && /is not installed/.test(legacy4.failure)) {
    saves.push({ source: 'iptables-legacy', family: 4, reading: reading('iptables-save', await run('iptables-save')) });
    saves.push({ source: 'iptables-legacy', family: 6, reading: reading('ip6tables-save', await run('ip6tables-save')) });
  }
  const managers: FirewallReadings['managers'] = [];
  if (ufwConf !== undefined) {
    const enabled = /^\s*ENABLED\s*=\s*yes\s*$/im.test(ufwConf);
    managers.push({ name: 'ufw', active: enabled, how: `ENABLED=${enabled ? 'yes' : 'no'} in /etc/ufw/ufw.conf` });
  }
  if (!firewalld.missing) {
    const state = (firewalld.stdout.trim() || firewalld.stderr.trim()).split('\n')[0] ?? '';
    managers.push({
      name: 'firewalld',
      active: firewalld.code === 0 && state === 'running',
      how: `firewall-cmd --state: ${state || commandFailure('firewall-cmd', firewalld)}`,
    });
  }
  return {
    readings: {
      iptablesVersion: reading('iptables', version),
      saves,
      nft: { json: reading('nft', nftJson), text: reading('nft', nftText) },
      managers,
    },
    outcomes: [],
  };
}
