import { readdirSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { parseKeyFileName } from '../core/apicrypt';
import type { KeyMediumCandidate } from '../shared/domain';
import { detectLegacySources } from './migration/detect';

/** Mounted removable media (USB sticks, CDs) where a key medium usually sits, per OS. */
function removableRoots(platform = process.platform): string[] {
  const list = (dir: string) => {
    try {
      return readdirSync(dir).map((n) => join(dir, n));
    } catch {
      return [];
    }
  };
  if (platform === 'darwin') return list('/Volumes');
  if (platform === 'win32') return 'DEFGHIJKLMNOPQRSTUVWXYZ'.split('').map((d) => `${d}:\\`);
  const user = userInfo().username;
  return [...list(join('/media', user)), ...list(join('/run/media', user)), ...list('/media').filter((p) => !p.endsWith(user))];
}

/** Key folders found in the usual places (C:\apicrypt, ~/apicrypt, documents, removable media). */
export async function detectKeyMedia(): Promise<KeyMediumCandidate[]> {
  const { sources } = await detectLegacySources({ home: homedir(), extraRoots: removableRoots() });
  return sources
    .filter((s) => s.kind === 'keys')
    .map((s) => {
      let keyFiles = 0;
      try {
        keyFiles = readdirSync(s.path).filter((f) => parseKeyFileName(f) !== undefined).length;
      } catch {
        keyFiles = s.files ?? 0;
      }
      return { path: s.path, label: s.path.startsWith(homedir()) ? `Dossier ${s.path}` : `Support ${s.path}`, keyFiles };
    });
}
