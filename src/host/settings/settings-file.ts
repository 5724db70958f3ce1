import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PliError } from '../../shared/errors';
import { Settings, defaultSettings, type SettingsPatch } from '../../shared/settings';
import type { Logger } from '../log/logger';

/**
 * Settings in a JSON file of the profile. Written atomically (temp file, fsync, rename) so that a crash
 * leaves either the old or the new settings, never half a file.
 */
export class SettingsFile {
  private readonly path: string;
  private current: Settings;

  constructor(profileDir: string, private readonly log: Logger) {
    this.path = join(profileDir, 'settings.json');
    this.current = this.load();
  }

  private load(): Settings {
    if (!existsSync(this.path)) return defaultSettings();
    try {
      const parsed = Settings.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
      if (parsed.success) return parsed.data;
      this.log.warn('settings file invalid, using defaults', { issues: parsed.error.issues.length });
    } catch (e) {
      this.log.warn('settings file unreadable, using defaults', { error: e });
    }
    return defaultSettings();
  }

  get(): Settings {
    return this.current;
  }

  update(patch: SettingsPatch): Settings {
    const next = Settings.parse({ ...this.current, ...patch });
    const tmp = `${this.path}.tmp`;
    try {
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, JSON.stringify(next, null, 2) + '\n');
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.path);
    } catch (e) {
      throw new PliError('settings_write_failed', 'Impossible d’enregistrer les réglages : vérifiez l’espace disque et les droits du dossier du profil.', undefined, { cause: e });
    }
    this.current = next;
    return next;
  }
}
