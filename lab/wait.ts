// Polling against a deadline: every wait in the lab has one, and a timeout says what it was waiting for and what it last saw.
import { sleep } from './proc.js';

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
}

export class WaitTimeout extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    readonly lastSeen: string,
  ) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${lastSeen}`);
    this.name = 'WaitTimeout';
  }
}

/** Thrown by a probe to end a wait at once (the thing waited for can no longer happen). */
export class StopWaiting extends Error {
  override name = 'StopWaiting';
}

/**
 * Calls `probe` until it returns `{ done: true, value }` or the deadline passes. A probe that throws counts as
 * "not yet" (its message becomes the last thing seen), so transient API errors during start-up do not abort a wait; {@link StopWaiting} does.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<{ done: true; value: T } | { done: false; seen: string }>,
  options: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 500;
  let lastSeen: string;
  for (;;) {
    try {
      const outcome = await probe();
      if (outcome.done) return outcome.value;
      lastSeen = outcome.seen;
    } catch (error) {
      if (error instanceof StopWaiting) throw error;
      lastSeen = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) throw new WaitTimeout(what, options.timeoutMs, lastSeen);
    await sleep(Math.min(interval, Math.max(0, deadline - Date.now())));
  }
}

/** Races a promise against a deadline. The promise keeps running; only the wait ends. */
export async function withTimeout<T>(what: string, promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new WaitTimeout(what, timeoutMs, 'no answer'));
    }, timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
