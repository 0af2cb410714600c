/**
 * The Engine API's log stream of a service without a TTY: frames of an 8-byte header (stream: 1 stdout, 2 stderr;
 * three zero bytes; the payload's length, 32-bit big-endian) and the payload. With `details=1` each line starts with
 * its attributes, `key=value,key=value ` (query-escaped), among them the task and node of swarm service logs.
 */

export interface LogLine {
  stream: 'stdin' | 'stdout' | 'stderr';
  /** The attributes of the line (`com.docker.swarm.task.id`, `com.docker.swarm.node.id`, …), when asked for. */
  attrs: Record<string, string>;
  text: string;
}

const STREAMS = ['stdin', 'stdout', 'stderr'] as const;

/** Splits a whole log stream into its lines. A stream that is not framed (a TTY) is read as stdout text. */
export function demuxLogs(data: Buffer, details = true): LogLine[] {
  const out: LogLine[] = [];
  const framed = data.length >= 8 && data[0] !== undefined && data[0] <= 2 && data[1] === 0 && data[2] === 0 && data[3] === 0;
  if (!framed) {
    for (const text of data.toString('utf8').split('\n')) if (text !== '') out.push(withAttrs('stdout', text, details));
    return out;
  }
  let at = 0;
  while (at + 8 <= data.length) {
    const stream = STREAMS[data[at] ?? 1] ?? 'stdout';
    const size = data.readUInt32BE(at + 4);
    const end = Math.min(at + 8 + size, data.length);
    const payload = data.toString('utf8', at + 8, end);
    // A frame holds one line of a service's logs; be lenient with several (or a truncated last one).
    for (const text of payload.split('\n')) if (text !== '') out.push(withAttrs(stream, text, details));
    at = end;
  }
  return out;
}

function withAttrs(stream: LogLine['stream'], text: string, details: boolean): LogLine {
  if (!details) return { stream, attrs: {}, text };
  const space = text.indexOf(' ');
  const head = space === -1 ? text : text.slice(0, space);
  // Attributes are `k=v` pairs; a line whose first word is not one has none (an empty attribute list is "").
  if (!/^([^=,\s]+=[^,\s]*)(,[^=,\s]+=[^,\s]*)*$/.test(head)) return { stream, attrs: {}, text: space === 0 ? text.slice(1) : text };
  const attrs: Record<string, string> = {};
  for (const pair of head.split(',')) {
    const eq = pair.indexOf('=');
    attrs[decode(pair.slice(0, eq))] = decode(pair.slice(eq + 1));
  }
  return { stream, attrs, text: space === -1 ? '' : text.slice(space + 1) };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
