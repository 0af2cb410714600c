// Runs the real CLI (cli/main.ts) as a child process, with tap's TypeScript loader (process.execArgv), so that
// tap collects its coverage. Not a test file itself.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const MAIN = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  /** Text for standard input (otherwise it is closed at once). */
  input?: string;
  /** Added to the environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
}

export function swarmlint(args: readonly string[], options: RunOptions): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined };
  for (const [k, v] of Object.entries(options.env ?? {})) env[k] = v;
  for (const k of Object.keys(env)) if (env[k] === undefined) Reflect.deleteProperty(env, k);
  return new Promise((resolve, reject) => {
    // `--` before the script: Node takes a script argument named `--env-file` as its own option and exits 9 when
    // the file is missing (nodejs/node#54232); after `--` it leaves the script's arguments alone.
    const child = spawn(process.execPath, [...process.execArgv, '--', MAIN, ...args], { cwd: options.cwd, env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    // The CLI may stop reading before the end (input over the size limit).
    child.stdin.on('error', () => undefined);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A small stack file with one error (dnsrr-ingress-port, line 7) and one warning (swarm-ignored-key, line 5). */
export const TWO_PROBLEMS = `version: "3.8"
services:
  web:
    image: nginx:1.27
    container_name: web
    ports:
      - "80:80"
    deploy:
      endpoint_mode: dnsrr
`;

/** A stack file the recommended rules find nothing in. */
export const CLEAN = `version: "3.8"
services:
  web:
    image: nginx:1.27
    networks: [front]
networks:
  front:
    driver: overlay
`;

/** Only a warning (swarm-ignored-key, line 5). */
export const ONE_WARNING = `version: "3.8"
services:
  web:
    image: nginx:1.27
    container_name: web
`;
