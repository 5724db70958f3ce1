// Which system tools the test servers need, where they live, and which Debian package brings each.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface Requirement {
  /** What we look for: a command name (searched on PATH + sbin dirs) or an absolute path (any of). */
  what: string | string[];
  pkg: string;
  /** Optional tools never make prereqs fail for a non-root user. */
  optional?: boolean;
}

export const SOFTHSM_MODULES = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib64/pkcs11/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
];

export const CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export const REQUIREMENTS: Requirement[] = [
  { what: 'dovecot', pkg: 'dovecot-imapd' },
  { what: 'doveadm', pkg: 'dovecot-imapd' },
  { what: '/usr/lib/dovecot/imap', pkg: 'dovecot-imapd' },
  { what: '/usr/lib/dovecot/pop3', pkg: 'dovecot-pop3d' },
  { what: '/usr/lib/dovecot/lmtp', pkg: 'dovecot-lmtpd' },
  { what: 'slapd', pkg: 'slapd' },
  { what: 'slapadd', pkg: 'slapd' },
  { what: 'ldapsearch', pkg: 'ldap-utils', optional: true },
  { what: 'softhsm2-util', pkg: 'softhsm2' },
  { what: SOFTHSM_MODULES, pkg: 'softhsm2' },
  { what: 'pkcs11-tool', pkg: 'opensc' },
  { what: 'openssl', pkg: 'openssl' },
  { what: CHROMIUMS, pkg: 'chromium' },
  { what: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', pkg: 'fonts-dejavu-core' },
];

/** How prereqs sees the machine; tests pass a fake one. */
export interface Probe {
  exists(path: string): boolean;
  pathDirs: string[];
}

export const systemProbe: Probe = {
  exists: existsSync,
  // sbin dirs too: a non-root PATH often lacks them, yet slapd/dovecot live there.
  pathDirs: [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/sbin', '/usr/bin', '/bin'],
};

/** Absolute path of a command or of the first existing candidate path, or undefined. */
export function locate(what: string | string[], probe: Probe = systemProbe): string | undefined {
  const candidates = Array.isArray(what) ? what : [what];
  for (const c of candidates) {
    if (c.startsWith('/')) {
      if (probe.exists(c)) return c;
      continue;
    }
    for (const dir of probe.pathDirs) {
      const p = join(dir, c);
      if (probe.exists(p)) return p;
    }
  }
  return undefined;
}

/** Debian packages to install, split into required and optional (deduplicated, stable order). */
export function missingPackages(probe: Probe = systemProbe): { required: string[]; optional: string[] } {
  const required = new Set<string>();
  const optional = new Set<string>();
  for (const r of REQUIREMENTS) {
    if (locate(r.what, probe)) continue;
    (r.optional ? optional : required).add(r.pkg);
  }
  for (const p of required) optional.delete(p);
  return { required: [...required], optional: [...optional] };
}

export type PrereqPlan =
  | { action: 'ok' }
  | { action: 'install'; packages: string[] }
  | { action: 'fail'; message: string };

/** What prereqs does: nothing, apt-get install (root), or one line telling a non-root user what to install. */
export function planPrereqs(missing: { required: string[]; optional: string[] }, isRoot: boolean): PrereqPlan {
  const all = [...missing.required, ...missing.optional];
  if (all.length === 0) return { action: 'ok' };
  if (isRoot) return { action: 'install', packages: all };
  if (missing.required.length === 0) return { action: 'ok' };
  return {
    action: 'fail',
    message: `pli: paquets Debian manquants pour les serveurs de test — installez-les : sudo apt-get install ${all.join(' ')}`,
  };
}

/** Required path of a tool, with a clear error when prereqs was skipped. */
export function tool(what: string | string[]): string {
  const p = locate(what);
  if (!p) throw new Error(`${String(what)} not found: run \`node --import tsx tests/env/prereqs.ts\` first`);
  return p;
}
