import { createHash } from 'node:crypto';
import { link, lstat, open, rename, unlink } from 'node:fs/promises';

export const sha256hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

export const errCode = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'string'
    ? (e as { code: string }).code
    : undefined;

/** Creates a new file (never replaces one: O_EXCL), writes it whole and flushes it to disk. */
export async function writeNewDurable(path: string, bytes: Uint8Array): Promise<void> {
  const h = await open(path, 'wx', 0o644);
  try {
    if (bytes.length > 0) await h.writeFile(bytes);
    await h.sync();
  } finally {
    await h.close();
  }
}

/**
 * Flushes a directory so that the names created or removed in it survive a power cut. Windows cannot
 * open a directory for fsync (and NTFS journals names itself): that refusal is ignored.
 */
export async function fsyncDir(path: string): Promise<void> {
  let h;
  try {
    h = await open(path, 'r');
  } catch (e) {
    if (process.platform === 'win32' || ['EISDIR', 'EPERM', 'EACCES'].includes(errCode(e) ?? '')) return;
    throw e;
  }
  try {
    await h.sync();
  } catch (e) {
    if (!['EINVAL', 'EBADF', 'EPERM', 'ENOTSUP'].includes(errCode(e) ?? '')) throw e;
  } finally {
    await h.close();
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (e) {
    if (errCode(e) === 'ENOENT') return false;
    throw e;
  }
}

/** Link errors that mean "this file system has no hard links" (FAT/exFAT keys, some SMB/NAS shares). */
const NO_HARDLINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK', 'EISDIR', 'EINVAL', 'EXDEV', 'UNKNOWN']);

/**
 * Moves src to dst without ever replacing an existing dst; throws an EEXIST error when dst is taken.
 *
 * link() fails atomically when the target exists, which rename() cannot promise (it silently replaces on
 * POSIX, and Node's rename on Windows uses MOVEFILE_REPLACE_EXISTING). Where hard links are unsupported
 * we fall back to "check, then rename": the only clobber risk left is another program creating the very
 * same name in the microseconds between the two calls. `state.noLinks` remembers that fallback per folder.
 */
export async function moveNoClobber(src: string, dst: string, state: { noLinks: boolean }): Promise<void> {
  if (!state.noLinks) {
    try {
      await link(src, dst);
      await unlink(src);
      return;
    } catch (e) {
      const code = errCode(e);
      if (code === 'EEXIST' || !NO_HARDLINKS.has(code ?? '')) throw e;
      state.noLinks = true;
    }
  }
  if (await exists(dst)) throw Object.assign(new Error(`EEXIST: ${dst}`), { code: 'EEXIST' });
  await rename(src, dst);
}
