// Dovecot with its own config (no system service): IMAP (STARTTLS) + IMAPS, POP3 (STLS) + POP3S,
// LMTP, all on 127.0.0.1 free ports; passwd-file users; Maildir under the temp folder.
import { readFileSync } from 'node:fs';
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { DOMAIN } from './pki';
import { deathOf, logTails, spawnServer, type Server } from './servers';
import type { TestTls } from './tls';
import { tool } from './tools';
import type { TestEnv, TestUser } from './types';
import { freePorts, run, waitForPort } from './util';

export async function startDovecot(
  root: string,
  tls: TestTls,
  users: TestUser[],
  register: (s: Server) => void,
): Promise<TestEnv['dovecot']> {
  const dir = join(root, 'dovecot');
  const mailRoot = join(root, 'mail');
  await mkdir(join(dir, 'state'), { recursive: true });
  await mkdir(mailRoot, { recursive: true });
  const [imapPort, imapsPort, pop3Port, pop3sPort, lmtpPort] = (await freePorts(5)) as [number, number, number, number, number];
  const svc = serviceUsers(userInfo().username);
  if (svc.asRoot) {
    // Dovecot refuses to run its login processes as root: they run as its system users, which must
    // be able to reach base_dir inside our (0700) temp folder.
    await chmod(root, 0o711);
    await chmod(dir, 0o711);
    await chown(mailRoot, svc.mailUid, svc.mailGid);
  }

  // Standard ffdhe2048 group: instant, unlike dhparam generation.
  const dhPath = join(dir, 'dh.pem');
  await run(tool('openssl'), ['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:ffdhe2048', '-out', dhPath]);

  // Login = local part (case kept); the full address works too since lookups use %n.
  const passwd = join(dir, 'users');
  await writeFile(passwd, users.map((u) => `${u.login}:{PLAIN}${u.password}::::::\n`).join(''), { mode: 0o640 });
  if (svc.asRoot) await chown(passwd, 0, svc.internalGid);

  const conf = join(dir, 'dovecot.conf');
  await writeFile(
    conf,
    `# Pli test Dovecot (generated)
instance_name = pli-test-${imapPort}
base_dir = ${join(dir, 'run')}
state_dir = ${join(dir, 'state')}
log_path = ${join(dir, 'dovecot.log')}
info_log_path = ${join(dir, 'dovecot.log')}
protocols = imap pop3 lmtp
listen = 127.0.0.1
default_internal_user = ${svc.internal}
default_internal_group = ${svc.internalGroup}
default_login_user = ${svc.login}
first_valid_uid = ${svc.mailUid}
last_valid_uid = ${svc.mailUid}
first_valid_gid = 0
hostname = localhost
postmaster_address = postmaster@${DOMAIN}
shutdown_clients = yes
auth_mechanisms = plain login
auth_username_format = %u
auth_failure_delay = 0
disable_plaintext_auth = yes
ssl = yes
ssl_cert = <${tls.serverCertPath}
ssl_key = <${tls.serverKeyPath}
ssl_dh = <${dhPath}
ssl_min_protocol = TLSv1.2
mail_location = maildir:~/Maildir
mail_max_userip_connections = 100
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n ${passwd}
}
userdb {
  driver = static
  args = uid=${svc.mailUid} gid=${svc.mailGid} home=${mailRoot}/%n
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = create
  }
}
# No chroots (they need root). Tests fail logins on purpose: no growing per-IP delay
# (Dovecot's documented switch: mode 0 on anvil-auth-penalty).
service anvil {
  chroot =
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${imapsPort}
    ssl = yes
  }
}
service pop3-login {
  chroot =
  inet_listener pop3 {
    address = 127.0.0.1
    port = ${pop3Port}
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = ${pop3sPort}
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${lmtpPort}
  }
}
`,
  );

  // doveadm bound to this instance, so tests can just run it.
  const doveadm = join(dir, 'doveadm');
  await writeFile(doveadm, `#!/bin/sh\nexec ${tool('doveadm')} -c ${conf} "$@"\n`);
  await chmod(doveadm, 0o755);

  const server = spawnServer('dovecot', tool('dovecot'), ['-F', '-c', conf], join(dir, 'dovecot.stderr.log'), join(dir, 'dovecot.log'));
  register(server);
  const alive = deathOf(server);
  await Promise.all([
    waitForPort(imapPort, { timeoutMs: 15_000, greeting: /^\* OK/, alive }),
    waitForPort(imapsPort, { timeoutMs: 15_000, alive }),
    waitForPort(pop3Port, { timeoutMs: 15_000, greeting: /^\+OK/, alive }),
    waitForPort(pop3sPort, { timeoutMs: 15_000, alive }),
    waitForPort(lmtpPort, { timeoutMs: 15_000, greeting: /^220 /, alive }),
  ]).catch((e: unknown) => {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`dovecot did not come up: ${why}${server.exited ? '' : `\n${logTails(server)}`}`);
  });
  return { host: '127.0.0.1', imapPort, imapsPort, pop3Port, pop3sPort, lmtpPort, mailRoot, doveadm };
}

interface ServiceUsers {
  asRoot: boolean;
  internal: string;
  internalGroup: string;
  internalGid: number;
  login: string;
  /** Owner of the mailboxes: Dovecot refuses uid 0 for mail access. */
  mailUid: number;
  mailGid: number;
}

/**
 * Who Dovecot's helper processes run as: the current user when not root; as root, Dovecot's own
 * system users (dovecot, dovenull from dovecot-core), since login processes must not be root.
 */
function serviceUsers(current: string): ServiceUsers {
  const uid = process.getuid?.() ?? 0;
  if (uid !== 0) {
    const gid = process.getgid?.() ?? 0;
    const group = groupEntry((f) => f[2] === String(gid))?.[0] ?? String(gid);
    return { asRoot: false, internal: current, internalGroup: group, internalGid: gid, login: current, mailUid: uid, mailGid: gid };
  }
  const has = (name: string) => passwdEntry(name) !== undefined;
  const internal = has('dovecot') ? 'dovecot' : 'nobody';
  const login = has('dovenull') ? 'dovenull' : 'nobody';
  const gid = Number(passwdEntry(internal)?.[3] ?? 65534);
  const group = groupEntry((f) => f[2] === String(gid))?.[0] ?? 'nogroup';
  const nobody = passwdEntry('nobody');
  const mailUid = Number(nobody?.[2] ?? 65534);
  const mailGid = Number(nobody?.[3] ?? 65534);
  return { asRoot: true, internal, internalGroup: group, internalGid: gid, login, mailUid, mailGid };
}

const entries = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.split(':'));
const passwdEntry = (name: string) => entries('/etc/passwd').find((f) => f[0] === name);
const groupEntry = (pred: (f: string[]) => boolean) => entries('/etc/group').find(pred);
