// A real headless Chromium (Debian's `chromium`), driven over the DevTools protocol on a pipe
// (`--remote-debugging-pipe`: the browser reads commands on fd 3 and writes on fd 4, each message ended by NUL).
// No browser download, no WebSocket, no dependency: what the page does is observed from the browser itself.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome'];

/** The browser's path, or undefined when none is installed. */
export function findChromium(): string | undefined {
  for (const name of CANDIDATES) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  }
  return undefined;
}

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

export interface PageRun {
  /** Every URL the page asked for, besides the page itself. */
  requests: string[];
  /** Uncaught exceptions, console errors and error log entries. */
  errors: string[];
  /** Milliseconds from navigation start to the end of the load event, as the page measured it. */
  loadMs: number;
  evaluate<T>(expression: string): Promise<T>;
  /** A PNG of the whole page. */
  screenshot(options?: { dark?: boolean; width?: number }): Promise<Buffer>;
}

/** Opens `url` in a fresh headless Chromium, hands the loaded page to `use`, and closes the browser. */
export async function withPage<T>(url: string, use: (page: PageRun) => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const executable = findChromium();
  if (!executable) throw new Error('no chromium on PATH');
  const profile = mkdtempSync(join(tmpdir(), 'swl-chromium-'));
  const child: ChildProcess = spawn(
    executable,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-extensions',
      '--remote-debugging-pipe',
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    // Its own process group: the renderer and utility processes go with it.
    { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'], detached: true },
  );
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  let nextId = 1;
  const waiting = new Map<number, { resolve: (m: Message) => void; reject: (e: Error) => void }>();
  const listeners: ((m: Message) => void)[] = [];
  let buffer = '';
  fromBrowser.setEncoding('utf8');
  fromBrowser.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\0')) >= 0) {
      const message = JSON.parse(buffer.slice(0, end)) as Message;
      buffer = buffer.slice(end + 1);
      if (message.id !== undefined) {
        const w = waiting.get(message.id);
        waiting.delete(message.id);
        if (message.error) w?.reject(new Error(message.error.message));
        else w?.resolve(message);
      } else for (const l of listeners) l(message);
    }
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`chromium exited (${String(code)})`));
    });
  });
  exited.catch(() => undefined);

  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> => {
    const id = nextId++;
    const reply = new Promise<Message>((resolve, reject) => waiting.set(id, { resolve, reject }));
    toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return Promise.race([reply, exited]).then((m) => m.result ?? {});
  };
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    const { targetId } = (await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const requests: string[] = [];
    const errors: string[] = [];
    let loaded: () => void = () => undefined;
    const load = new Promise<void>((resolve) => (loaded = resolve));
    listeners.push((m) => {
      if (m.sessionId !== sessionId) return;
      const p = m.params ?? {};
      if (m.method === 'Network.requestWillBeSent') requests.push((p.request as { url: string }).url);
      if (m.method === 'Runtime.exceptionThrown') errors.push(JSON.stringify(p.exceptionDetails));
      if (m.method === 'Runtime.consoleAPICalled' && p.type === 'error') errors.push(JSON.stringify(p.args));
      if (m.method === 'Log.entryAdded' && (p.entry as { level: string }).level === 'error') errors.push(JSON.stringify(p.entry));
      if (m.method === 'Page.loadEventFired') loaded();
    });
    for (const domain of ['Network', 'Runtime', 'Log', 'Page']) await send(`${domain}.enable`, {}, sessionId);
    await send('Page.navigate', { url }, sessionId);
    await Promise.race([load, exited]);
    const evaluate = async <R>(expression: string): Promise<R> => {
      const r = (await send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }, sessionId)) as {
        result: { value: R };
        exceptionDetails?: unknown;
      };
      if (r.exceptionDetails) throw new Error(`evaluate failed: ${JSON.stringify(r.exceptionDetails)}`);
      return r.result.value;
    };
    const loadMs = await evaluate<number>(
      "(() => { const n = performance.getEntriesByType('navigation')[0]; return n ? n.loadEventEnd - n.startTime : -1; })()",
    );
    const page: PageRun = {
      requests: requests.filter((r) => r !== url),
      errors,
      loadMs,
      evaluate,
      async screenshot(options = {}) {
        await send(
          'Emulation.setEmulatedMedia',
          { features: [{ name: 'prefers-color-scheme', value: options.dark ? 'dark' : 'light' }] },
          sessionId,
        );
        const width = options.width ?? 1100;
        const height = await evaluate<number>('document.documentElement.scrollHeight');
        await send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false }, sessionId);
        const { data } = (await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true }, sessionId)) as {
          data: string;
        };
        return Buffer.from(data, 'base64');
      },
    };
    return await use(page);
  } finally {
    clearTimeout(timer);
    const gone = new Promise((r) => child.once('exit', r));
    if (child.exitCode === null && child.signalCode === null) {
      send('Browser.close').catch(() => undefined);
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
    }
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the whole group is gone already
    }
    if (child.exitCode === null && child.signalCode === null) await gone;
    rmSync(profile, { recursive: true, force: true, maxRetries: 10 });
  }
}
