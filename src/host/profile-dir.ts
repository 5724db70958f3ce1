import { homedir, platform } from 'node:os';
import { join } from 'node:path';

/** Where a profile lives when the user did not choose: the OS's usual place for application data. */
export function defaultProfileDir(): string {
  if (process.env.PLI_PROFILE) return process.env.PLI_PROFILE;
  const home = homedir();
  switch (platform()) {
    case 'win32':
      return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Pli');
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Pli');
    default:
      return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'pli');
  }
}
