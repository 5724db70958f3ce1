// A second workstation's Pli, as a separate process: tries to take the group key lock of a profile.
import { GroupKeyLock } from '../../src/host/group/key-lock';
import { isPliError } from '../../src/shared/errors';

const [profileDir, installation, host] = process.argv.slice(2);
try {
  const lock = GroupKeyLock.acquire({ profileDir: profileDir!, keyOwner: 'cabinet.LESTILLEULS', installationId: installation!, host: host! });
  console.log(JSON.stringify({ ok: true, shared: lock.shared }));
  lock.release();
} catch (e) {
  console.log(JSON.stringify(isPliError(e) ? { ok: false, code: e.code, message_fr: e.message_fr } : { ok: false, code: 'crash', message_fr: String(e) }));
}
