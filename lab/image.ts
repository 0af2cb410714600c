// The lab's only image: a rootfs holding Debian's static busybox, made with `docker import` (there is no registry).
import { chmodSync, copyFileSync, mkdirSync, openSync, readSync, closeSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { runOk } from './proc.js';

export const BUSYBOX = '/bin/busybox';
export const IMAGE_REPO = 'swarmlint-lab/busybox';
export const IMAGE_TAG = '1';
export const IMAGE = `${IMAGE_REPO}:${IMAGE_TAG}`;

/** Whether an ELF file has no program interpreter, i.e. runs in an empty rootfs (Debian's busybox-static does). */
export function isStaticElf(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(64);
    readSync(fd, header, 0, 64, 0);
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2) return false; // ELF, 64-bit
    const phoff = Number(header.readBigUInt64LE(32));
    const phentsize = header.readUInt16LE(54);
    const phnum = header.readUInt16LE(56);
    const table = Buffer.alloc(phentsize * phnum);
    readSync(fd, table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i++) if (table.readUInt32LE(i * phentsize) === 3) return false; // PT_INTERP
    return true;
  } finally {
    closeSync(fd);
  }
}

/** Writes `busybox.tar` (busybox plus a symlink per applet) into `dir` and returns its path. */
export async function buildBusyboxTar(dir: string): Promise<string> {
  const root = join(dir, 'rootfs');
  const bin = join(root, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const sub of ['etc', 'tmp', 'proc', 'sys', 'dev']) mkdirSync(join(root, sub), { recursive: true });
  copyFileSync(BUSYBOX, join(bin, 'busybox'));
  chmodSync(join(bin, 'busybox'), 0o755);
  const applets = (await runOk(BUSYBOX, ['--list'], { timeoutMs: 10_000 })).split('\n').filter((a) => /^[\w.[-]+$/.test(a));
  for (const applet of applets) if (applet !== 'busybox') symlinkSync('busybox', join(bin, applet));
  const tar = join(dir, 'busybox.tar');
  await runOk('tar', ['-C', root, '--owner=0', '--group=0', '-cf', tar, '.'], { timeoutMs: 30_000 });
  return tar;
}
