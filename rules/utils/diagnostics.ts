import type { RuleContext } from '@typescript-eslint/utils/ts-eslint';
import type { LoadDiagnostic, Stack } from '../../language/model.js';
import { report } from './create-rule.js';

/** Reports the loader's diagnostics that belong to one rule (schema, interpolation, swarm-ignored-key). */
export function reportDiagnostics<M extends string>(
  context: Readonly<RuleContext<M, readonly unknown[]>>,
  stack: Stack,
  rule: LoadDiagnostic['rule'],
  ids: readonly M[],
  skip: (d: LoadDiagnostic) => boolean = () => false,
): void {
  for (const d of stack.diagnostics) {
    if (d.rule !== rule || skip(d)) continue;
    const id = d.messageId as M;
    if (!ids.includes(id)) throw new Error(`loader diagnostic ${rule}/${d.messageId} has no message`);
    report(context, d, id, d.data);
  }
}

/**
 * Whether a diagnostic's value failed to interpolate (a required variable unset, a bad template, a failed cast):
 * then `docker stack deploy` stops there, and what the empty or raw value breaks next is the same problem.
 */
export function failedInterpolation(stack: Stack): (at: Pick<LoadDiagnostic, 'range'>) => boolean {
  const failed = stack.diagnostics.filter((d) => d.rule === 'interpolation' && d.messageId !== 'unset');
  return (at) => failed.some((f) => f.range[0] < at.range[1] && at.range[0] < f.range[1]);
}
