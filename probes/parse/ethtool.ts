/** `ethtool -i IF` (driver) and `ethtool -k IF` (offload features), as text. */

/** The `driver:` line of `ethtool -i`, or undefined. */
export function parseDriver(text: string): string | undefined {
  const m = /^driver:\s*(\S+)\s*$/m.exec(text);
  return m?.[1];
}

/** A feature's state in `ethtool -k` (`tx-checksum-ip-generic: on [fixed]`), or undefined when not listed. */
export function parseFeature(text: string, feature: string): boolean | undefined {
  const escaped = feature.replace(/[-]/g, '\\-');
  const m = new RegExp(`^\\s*${escaped}:\\s*(on|off)\\b`, 'm').exec(text);
  return m ? m[1] === 'on' : undefined;
}
