/** What every probe gets, and the shape of what it gives back. */
import type { FactsOutcome } from '../language/facts-format.js';
import type { ProbeId } from '../language/probe-ids.js';

export interface ProbeContext {
  /** Aborted at the run's deadline: every command, socket and API call listens to it. */
  signal: AbortSignal;
  /** The longest a single command, connection or request may take. */
  timeoutMs: number;
}

/** An outcome as a probe writes it: its `probe` is a ProbeId (language/probe-ids.ts). */
export type Outcome = FactsOutcome & { probe: ProbeId };

/** A probe's facts, with what it could not find out. Probes never throw. */
export type ProbeResult<T> = T & { outcomes: Outcome[] };

/** An error's message, for outcomes. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
