/**
 * Probe: this host's interfaces, their addresses, MTU and state (iproute2's JSON, through netlink: right in any
 * network namespace), and for the interfaces that carry traffic their driver and `tx-checksum-ip-generic` offload
 * (`ethtool -i`, `ethtool -k`, when ethtool is installed). Without iproute2's JSON, systeminformation once.
 */
import type { FactsInterface } from '../../language/facts-format.js';
import { commandFailure, runCommand } from '../adapters/command.js';
import { systemInterfaces } from '../adapters/system.js';
import { messageOf, type ProbeContext, type ProbeResult } from '../context.js';
import { parseDriver, parseFeature } from '../parse/ethtool.js';
import { fromSystemInterfaces, ethtoolCandidates, parseAddrShow } from '../parse/ip.js';

export async function probeInterfaces(context: ProbeContext): Promise<ProbeResult<{ interfaces: FactsInterface[] }>> {
  const options = { signal: context.signal, timeoutMs: context.timeoutMs };
  const shown = await runCommand('ip', ['-j', '-d', 'addr', 'show'], options);
  const links = shown.code === 0 ? parseAddrShow(shown.stdout) : [];
  if (links.length === 0) {
    const list = await systemInterfaces(context.timeoutMs, context.signal);
    if (list instanceof Error) {
      return {
        interfaces: [],
        outcomes: [
          {
            probe: 'host/interfaces',
            status: 'error',
            reason: `${commandFailure('ip', shown)}; systeminformation: ${messageOf(list)}`,
            subject: "this host's interfaces, addresses and MTUs",
          },
        ],
      };
    }
    return { interfaces: fromSystemInterfaces(list), outcomes: [] };
  }
  const interfaces: FactsInterface[] = links.map((l) => ({ name: l.name, mtu: l.mtu, up: l.up, addresses: l.addresses }));
  const names = ethtoolCandidates(links);
  await Promise.all(
    names.map(async (name) => {
      const [info, features] = await Promise.all([
        runCommand('ethtool', ['-i', name], options),
        runCommand('ethtool', ['-k', name], options),
      ]);
      const iface = interfaces.find((i) => i.name === name);
      if (!iface) return;
      const driver = info.code === 0 ? parseDriver(info.stdout) : undefined;
      const tx = features.code === 0 ? parseFeature(features.stdout, 'tx-checksum-ip-generic') : undefined;
      if (driver) iface.driver = driver;
      if (tx !== undefined) iface.txChecksumIpGeneric = tx;
    }),
  );
  return { interfaces, outcomes: [] };
}
