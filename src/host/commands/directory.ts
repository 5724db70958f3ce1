/**
 * The directory commands: one search across every source for the composer, CSV import and export, the
 * LDAP directory's settings (bind password kept in the mailbox, never logged nor returned) and refresh,
 * and the block list, which moves a sender's letters into « Bloqués » and back (never deleting them).
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { addressKey } from '../../core/address';
import { CORRESPONDENTS, fold, sourceKind, type DirectoryContact } from '../../core/directory';
import type { BlockedSenderView, DirectoryEntryView, LdapSettings } from '../../shared/domain';
import { PliError } from '../../shared/errors';
import type { HostContext } from '../context';
import { directoryServiceFor, LdapDirectorySource, type LdapSourceConfig } from '../directory';
import type { DirectoryService } from '../directory/service';
import type { Mailbox } from '../store/mailbox';
import type { HandlerGroup } from './types';

/** Settings keys in the mailbox (encrypted with it). The password has its own key: never sent back. */
export const LDAP_SETTINGS_KEY = 'directory.ldap';
const LDAP_PASSWORD_KEY = 'directory.ldap.password';
/** The one LDAP directory the settings describe. */
const LDAP_ID = 'annuaire';
const MAX_CSV_BYTES = 200 * 1024 * 1024;

/** The LDAP source the saved settings describe, or undefined when none is configured. */
export async function ldapSource(mailbox: Mailbox, ctx: Pick<HostContext, 'log'>): Promise<LdapDirectorySource | undefined> {
  const s = (await mailbox.getSetting(LDAP_SETTINGS_KEY)) as LdapSettings | undefined;
  if (!s) return undefined;
  const password = (await mailbox.getSetting(LDAP_PASSWORD_KEY)) as string | null | undefined;
  return new LdapDirectorySource(ldapConfig(s, password ?? undefined), ctx.log);
}

function ldapConfig(s: LdapSettings, password: string | undefined): LdapSourceConfig {
  const cfg: LdapSourceConfig = { id: LDAP_ID, label: labelOf(s.url), url: s.url.trim(), baseDn: s.baseDn.trim(), startTls: s.startTls ?? false };
  if (s.bindDn?.trim()) cfg.bind = { dn: s.bindDn.trim(), password: password ?? '' };
  if (s.caPem?.trim()) cfg.caPem = s.caPem;
  return cfg;
}

function labelOf(url: string): string {
  const host = /^ldaps?:\/\/([^/:]+)/i.exec(url.trim())?.[1];
  return host ? `Annuaire LDAP (${host})` : 'Annuaire LDAP';
}

/** A file's source id: its name without extension, so that importing the same file again replaces it. */
export function fileSourceId(path: string): string {
  const name = fold(basename(path, extname(path))).replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return name || 'annuaire';
}

function entryView(c: DirectoryContact, isBlocked: (a: string) => boolean): DirectoryEntryView {
  const v: DirectoryEntryView = {
    displayName: c.displayName,
    addresses: c.addresses.map((a) => a.address),
    sources: [...new Set(c.sources.map((s) => sourceKind(s.source)))],
    blocked: c.addresses.some((a) => isBlocked(a.address)),
  };
  for (const k of ['surname', 'givenName', 'profession', 'specialty', 'city', 'postalCode', 'phone', 'rpps'] as const) {
    const x = c[k];
    if (x) v[k] = x;
  }
  if (c.proxy) v.proxy = true;
  return v;
}

async function readCsv(path: string): Promise<Uint8Array> {
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new PliError('file_unreadable', 'Choisissez un fichier d’annuaire (CSV ou texte), pas un dossier.');
    if (st.size > MAX_CSV_BYTES) throw new PliError('file_too_large', 'Ce fichier dépasse 200 Mo : exportez l’annuaire en plusieurs fichiers.');
    return new Uint8Array(await readFile(path));
  } catch (e) {
    if (e instanceof PliError) throw e;
    throw new PliError('file_unreadable', 'Le fichier d’annuaire ne peut pas être lu : vérifiez qu’il existe et que vous avez le droit de l’ouvrir.', { code: (e as { code?: string }).code ?? 'io' });
  }
}

/** Written beside the target then renamed: a crash never leaves half a file under the user's name. */
async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, bytes, { flag: 'wx' });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    throw new PliError('file_unwritable', 'Le fichier ne peut pas être enregistré à cet endroit : choisissez un autre dossier.', { code: (e as { code?: string }).code ?? 'io' });
  }
}

export function directoryHandlers(ctx: HostContext): HandlerGroup {
  const log = ctx.log.child('directory');
  const mailbox = () => ctx.sessions.get().mailbox;
  const service = (): Promise<DirectoryService> => directoryServiceFor(mailbox(), log);
  const folderOf = async (role: 'blocked' | 'reception') => String((await mailbox().listFolders()).find((f) => f.role === role)?.id ?? '');

  return {
    'directory.search': async ({ query, limit }) => {
      const dir = await service();
      const contacts = await dir.search(query, { limit });
      return { entries: contacts.map((c) => entryView(c, (a) => dir.isBlocked(a))) };
    },

    'directory.importCsv': async ({ path }) => {
      const bytes = await readCsv(path);
      const dir = await service();
      const id = fileSourceId(path);
      const before = (await mailbox().directoryListSources()).find((s) => s.id === `file:${id}`)?.entries ?? 0;
      const r = await dir.importCsv(id, basename(path), bytes);
      await mailbox().audit('user', 'directory.importCsv', r.source, { entries: r.entries, skipped: r.skipped.length });
      return {
        imported: r.entries,
        replaced: before,
        skipped: r.skipped.length,
        warnings: [...r.skipped, ...r.warnings].map((w) => w.message_fr),
      };
    },

    'directory.exportCsv': async ({ path }) => {
      const dir = await service();
      const count = (await mailbox().directoryListSources()).find((s) => s.id === CORRESPONDENTS)?.entries ?? (await dir.correspondents()).length;
      await writeAtomically(path, await dir.exportCorrespondents());
      await mailbox().audit('user', 'directory.exportCsv', undefined, { count });
      return { count };
    },

    'directory.ldapSave': async ({ settings, password }) => {
      const mb = mailbox();
      const previous = (await mb.getSetting(LDAP_PASSWORD_KEY)) as string | null | undefined;
      const bindDn = settings.bindDn?.trim();
      // No bind DN: anonymous, the old password goes. A bind DN without a new password keeps the old one.
      const nextPassword = bindDn ? (password ?? previous ?? null) : null;
      const clean: LdapSettings = { url: settings.url.trim(), baseDn: settings.baseDn.trim(), startTls: settings.startTls ?? false };
      if (bindDn) clean.bindDn = bindDn;
      if (settings.caPem?.trim()) clean.caPem = settings.caPem;
      // Refuses a malformed URL or an empty base before anything is saved.
      new LdapDirectorySource(ldapConfig(clean, nextPassword ?? undefined));
      await mb.setSetting(LDAP_SETTINGS_KEY, clean);
      await mb.setSetting(LDAP_PASSWORD_KEY, nextPassword);
      await mb.audit('user', 'directory.ldapSave', clean.url, { bind: bindDn ? 'user' : 'anonymous', startTls: clean.startTls });
      return { ok: true as const };
    },

    'directory.ldapRefresh': async () => {
      const src = await ldapSource(mailbox(), { log });
      if (!src) throw new PliError('directory_ldap_missing', 'Aucun annuaire LDAP n’est configuré : renseignez son adresse dans les réglages de l’annuaire.');
      const dir = await service();
      dir.addLdapSource(src);
      const entries = await dir.refreshLdap(src.sourceId);
      log.info('ldap directory copied', { entries });
      return { entries };
    },

    'directory.block': async ({ address, reason, note, notify }) => {
      const dir = await service();
      const { move } = await dir.block(address, reason, { ...(note !== undefined ? { note } : {}), notify });
      const moved = await mailbox().directoryMoveSenderLetters(move.senderKey, 'block');
      await mailbox().audit('user', 'directory.block', undefined, { reason, moved });
      ctx.emit('letters.changed', { folderIds: [await folderOf('blocked')].filter(Boolean), newLetters: 0 });
      return { moved };
    },

    'directory.unblock': async ({ address }) => {
      const dir = await service();
      const r = await dir.unblock(address);
      // Letters still in « Bloqués » come back even if the block itself was already gone.
      const moved = await mailbox().directoryMoveSenderLetters(r?.move.senderKey ?? addressKey(address), 'unblock');
      await mailbox().audit('user', 'directory.unblock', undefined, { moved });
      ctx.emit('letters.changed', { folderIds: [await folderOf('reception')].filter(Boolean), newLetters: 0 });
      return { moved };
    },

    'directory.blocked': async () => {
      const dir = await service();
      return {
        senders: dir.listBlocked().map((b): BlockedSenderView => ({ address: b.address, reason: b.reason, notify: b.notify, since: b.since, ...(b.note ? { note: b.note } : {}) })),
      };
    },
  };
}
