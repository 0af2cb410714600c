/** Probe: the local Docker Engine through its socket: version, swarm state, role and data-path port. */
import type { FactsHost } from '../../language/facts-format.js';
import { engineApi, resolveEndpoint } from '../adapters/docker.js';
import { messageOf, type ProbeContext, type ProbeResult } from '../context.js';
import { engineFacts } from '../parse/host.js';

export async function probeEngine(
  context: ProbeContext & { dockerHost?: string },
): Promise<ProbeResult<{ engine?: FactsHost['engine']; source?: string }>> {
  let source = context.dockerHost ?? 'the local Docker Engine';
  try {
    const endpoint = resolveEndpoint(context.dockerHost);
    source = endpoint.description;
    const info = await engineApi(endpoint, context.timeoutMs).info(context.signal);
    return { engine: engineFacts(info), source, outcomes: [] };
  } catch (error) {
    // Not allowed on the socket (neither root nor in the docker group) is a check not made, not a broken engine.
    const denied = /permission denied/i.test(messageOf(error));
    return {
      source,
      outcomes: [
        {
          probe: 'host/engine',
          status: denied ? 'skipped' : 'error',
          reason: `${source}: ${messageOf(error)}${denied ? ' (run as root, or as a member of the docker group)' : ''}`,
          subject: "this host's Docker Engine (its version against the manager's, its swarm state)",
        },
      ],
    };
  }
}
