/**
 * Probe: the manager's view of the swarm through its Engine API (`--manager-docker-host`): engine versions,
 * nodes (Windows ones too), networks (ingress subnet and MTU, encryption), default address pools and the
 * data-path port. The audit's read-only calls (probes/audit/collect.ts), under what is left of the deadline.
 */
import type { FactsDocument } from '../../language/facts-format.js';
import { engineApi, resolveEndpoint } from '../adapters/docker.js';
import { messageOf, type ProbeContext, type ProbeResult } from '../context.js';
import { collectAudit } from './collect.js';

export type ManagerFacts = Pick<FactsDocument, 'nodes' | 'networks' | 'services'> & { swarm?: FactsDocument['swarm']; source: string };

export async function probeManager(
  context: ProbeContext & { dockerHost: string; deadlineMs: number },
): Promise<ProbeResult<{ manager?: ManagerFacts }>> {
  let source = context.dockerHost;
  try {
    const endpoint = resolveEndpoint(context.dockerHost);
    source = endpoint.description;
    // Outcomes of the manager's calls are named `manager/engine-api/<call>`.
    const { facts, outcomes } = await collectAudit(
      engineApi(endpoint, context.timeoutMs),
      source,
      context.deadlineMs,
      undefined,
      'manager',
    );
    return {
      manager: {
        source,
        nodes: facts.nodes,
        networks: facts.networks,
        services: facts.services,
        ...(facts.swarm ? { swarm: facts.swarm } : {}),
      },
      outcomes,
    };
  } catch (error) {
    return {
      outcomes: [
        {
          probe: 'manager/engine-api',
          status: 'error',
          reason: `${source}: ${messageOf(error)}`,
          subject:
            "the manager's swarm: engine versions, ingress subnet and MTU, address pools, data-path port, Windows nodes, encrypted networks",
        },
      ],
    };
  }
}
