// What a command reads and writes outside its files: the process's streams and environment for the `swarmlint`
// binary (cli/main.ts), or a test's (test/helpers/cli.ts runs the commands in its own process with these). A
// command writes only through these, and reads its working folder and environment only from them.

/** Where a command writes: `process.stdout`, or a test's buffer. */
export interface Output {
  write(text: string): unknown;
  /** A terminal (colour, progress): as `process.stdout.isTTY`. */
  readonly isTTY?: boolean;
}

export interface Streams {
  readonly stdout: Output;
  readonly stderr: Output;
  /** Standard input: a file descriptor read to its end (0 in the binary), or all of its bytes. */
  readonly stdin: number | Uint8Array;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A whole run: the streams and the working folder (paths on the command line are relative to it). */
export interface CliIo extends Streams {
  readonly cwd: string;
}

/** This process's streams and environment. */
export function processStreams(): Streams {
  return { stdout: process.stdout, stderr: process.stderr, stdin: 0, env: process.env };
}

/** This process's streams, environment and working folder: what the binary runs with. */
export function processIo(): CliIo {
  return { ...processStreams(), cwd: process.cwd() };
}

/** The environment as a map of the variables that are set (interpolation's input). */
export function envMap(env: Streams['env']): Map<string, string> {
  return new Map(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
