/** Probe: this host's routes (the main table, IPv4 and IPv6), from iproute2's JSON or else /proc/net/route. */
import { readFile } from 'node:fs/promises';
import type { FactsRoute } from '../../language/facts-format.js';
import { commandFailure, runCommand } from '../adapters/command.js';
import { messageOf, type ProbeContext, type ProbeResult } from '../context.js';
import { parseProcRoute, parseRoutes } from '../parse/ip.js';

export async function probeRoutes(context: ProbeContext): Promise<ProbeResult<{ routes: FactsRoute[] }>> {
  const options = { signal: context.signal, timeoutMs: context.timeoutMs };
  const [v4, v6] = await Promise.all([
    runCommand('ip', ['-j', 'route', 'show'], options),
    runCommand('ip', ['-6', '-j', 'route', 'show'], options),
  ]);
  if (v4.code === 0 && v4.stdout.trim().startsWith('[')) {
    return { routes: [...parseRoutes(v4.stdout), ...(v6.code === 0 ? parseRoutes(v6.stdout) : [])], outcomes: [] };
  }
  try {
    return { routes: parseProcRoute(await readFile('/proc/net/route', { encoding: 'utf8', signal: context.signal })), outcomes: [] };
  } catch (error) {
    return {
      routes: [],
      outcomes: [
        {
          probe: 'host/routes',
          status: 'error',
          reason: `${commandFailure('ip', v4)}; /proc/net/route: ${messageOf(error)}`,
          subject: "this host's routes",
        },
      ],
    };
  }
}
