/**
 * Values from a user's files appear in messages only when they cannot be a secret: a near miss of a word the
 * field allows (`Global` for `global`), or something shaped like a port, address or protocol. Anything else is
 * described, never quoted: a password pasted into the wrong field must not reach a CI log.
 */
import { editDistance } from './edit-distance.js';

/** `value` in backticks when it is a near miss of one of `allowed` (case, or up to two edits), else `fallback`. */
export function echoNearMiss(value: string, allowed: readonly string[], fallback: string): string {
  const v = value.toLowerCase();
  return allowed.some((a) => editDistance(v, a) <= 2) ? `\`${value}\`` : fallback;
}

/** ` "value"` (with its leading space) when shaped like part of a port spec (digits, ranges, an IP, a short protocol name), else nothing. */
export function echoPortPart(value: string): string {
  return /^(?:[0-9.:[\]-]{0,45}|[A-Za-z]{1,8})$/.test(value) ? ` "${value}"` : '';
}

/** `` to `value` `` (with its leading space) when it reads as a number, with perhaps a short unit (`1400 bytes`), else nothing. */
export function echoNumber(value: string): string {
  return /^\s*[-+]?\d[\d.]{0,11}\s*[A-Za-z]{0,6}\s*$/.test(value) ? ` to \`${value}\`` : '';
}
