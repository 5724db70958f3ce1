import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { PliError } from '../../shared/errors';
import { type Logger, silentLogger } from '../log/logger';
import { cardError, ckr, isGoneCode, NOT_PRESENT_FR, REMOVED_FR } from './errors';
import { CERT_LABEL, idMatchesRole, KEY_LABEL, type KeyRole } from './objects';
import { type PinStatus, pinStatusFromFlags } from './pin';
import { type Handle, pk, type PKCS11 } from './pkcs11';

/** The subset of pkcs11js we use; tests may wrap it to inject faults the emulator lacks. */
export type Pkcs11Api = Pick<
  PKCS11,
  | 'load'
  | 'close'
  | 'C_Initialize'
  | 'C_Finalize'
  | 'C_GetSlotList'
  | 'C_GetSlotInfo'
  | 'C_GetTokenInfo'
  | 'C_OpenSession'
  | 'C_CloseSession'
  | 'C_Login'
  | 'C_Logout'
  | 'C_FindObjectsInit'
  | 'C_FindObjects'
  | 'C_FindObjectsFinal'
  | 'C_GetAttributeValue'
  | 'C_SignInit'
  | 'C_SignAsync'
>;

export interface CardInfo {
  /** Slot id, hex (opaque; changes between middleware runs). */
  slotId: string;
  slotDescription: string;
  tokenLabel: string;
  manufacturer: string;
  model: string;
  serial: string;
  pin: PinStatus;
}

export interface CardCertificate {
  der: Uint8Array;
  idHex: string;
  label: string;
}

export type LogoutReason = 'idle' | 'removed' | 'manual' | 'closed';

export interface CardServiceEvents {
  inserted: [CardInfo];
  removed: [{ slotId: string; serial: string }];
  logged_out: [{ slotId: string; reason: LogoutReason }];
}

export interface CardServiceOptions {
  modulePath: string;
  /** Presence polling period (the CPS middleware cannot block on slot events). Default 1 s. */
  pollIntervalMs?: number;
  /** Log out after this long without signing. Default 15 min; 0 disables the idle limit. */
  idleLogoutMs?: number;
  maxPinTries?: number;
  logger?: Logger;
  /** Injected PKCS#11 binding (tests); by default pkcs11js loading `modulePath`. */
  api?: Pkcs11Api;
}

interface LoggedSession {
  slot: Handle;
  handle: Handle;
  idle?: NodeJS.Timeout;
  keys: Partial<Record<KeyRole, Handle>>;
  /** Mechanism that worked last time, so the fallback is probed only once. */
  mechanism?: number;
}

const SHA256_DIGEST_INFO_PREFIX = Buffer.from('3031300d060960864801650304020105000420', 'hex');
const str = (s: string) => s.replace(/\0/g, '').trim();

/**
 * The CPS card through its PKCS#11 module, in the Node process only. Detects insertion and removal by
 * polling, reads certificates, logs in with a PIN that is used once and never kept, and signs.
 */
export class CardService extends EventEmitter<CardServiceEvents> {
  private readonly api: Pkcs11Api;
  private readonly log: Logger;
  private readonly opts: Required<Omit<CardServiceOptions, 'api' | 'logger'>>;
  private initialized = false;
  private loaded = false;
  private poller: NodeJS.Timeout | undefined;
  private present = new Map<string, CardInfo>();
  private sessions = new Map<string, LoggedSession>();

  constructor(opts: CardServiceOptions) {
    super();
    this.api = opts.api ?? new pk.PKCS11();
    this.log = (opts.logger ?? silentLogger).child('card');
    this.opts = {
      modulePath: opts.modulePath,
      pollIntervalMs: opts.pollIntervalMs ?? 1000,
      idleLogoutMs: opts.idleLogoutMs ?? 15 * 60_000,
      maxPinTries: opts.maxPinTries ?? 3,
    };
  }

  /** Loads and initialises the module. Safe to call again. */
  open(): void {
    if (this.initialized) return;
    try {
      if (!this.loaded) this.api.load(this.opts.modulePath);
      this.loaded = true;
    } catch (e) {
      throw new PliError(
        'card_module_unavailable',
        'Le module de la carte CPS (Cryptolib CPS) n’a pas pu être chargé. Installez ou réinstallez Cryptolib CPS, ou indiquez son emplacement dans les réglages.',
        { modulePath: this.opts.modulePath },
        { cause: e },
      );
    }
    try {
      this.api.C_Initialize();
    } catch (e) {
      if (ckr(e) !== pk.CKR_CRYPTOKI_ALREADY_INITIALIZED) throw cardError(e, 'initialize');
    }
    this.initialized = true;
    this.present = new Map(this.cards().map((c) => [c.slotId, c]));
    this.log.info('module initialised', { cards: this.present.size });
  }

  /** Logs out, stops polling and finalises the module. */
  close(): void {
    this.stopPolling();
    for (const slotId of [...this.sessions.keys()]) this.dropSession(slotId, 'closed');
    if (this.initialized) {
      try {
        this.api.C_Finalize();
      } catch {}
    }
    this.initialized = false;
  }

  /**
   * Finalises and re-initialises the module: some middlewares (and the SoftHSM emulator) only notice a
   * re-inserted token at initialisation. Open sessions are lost.
   */
  reload(): void {
    for (const slotId of [...this.sessions.keys()]) this.dropSession(slotId, 'removed');
    if (this.initialized) {
      try {
        this.api.C_Finalize();
      } catch {}
      this.initialized = false;
    }
    const before = this.present;
    this.open();
    this.diff(before, this.present);
  }

  /** Initialised tokens present now (uninitialised slots, such as SoftHSM's spare one, are skipped). */
  cards(): CardInfo[] {
    this.requireOpen();
    let slots: Handle[];
    try {
      slots = this.api.C_GetSlotList(true);
    } catch (e) {
      throw cardError(e, 'list_slots');
    }
    const out: CardInfo[] = [];
    for (const slot of slots) {
      const info = this.cardInfo(slot);
      if (info) out.push(info);
    }
    return out;
  }

  private cardInfo(slot: Handle): CardInfo | null {
    try {
      const t = this.api.C_GetTokenInfo(slot);
      if ((t.flags & pk.CKF_TOKEN_INITIALIZED) === 0) return null;
      const s = this.api.C_GetSlotInfo(slot);
      return {
        slotId: slot.toString('hex'),
        slotDescription: str(s.slotDescription),
        tokenLabel: str(t.label),
        manufacturer: str(t.manufacturerID),
        model: str(t.model),
        serial: str(t.serialNumber),
        pin: pinStatusFromFlags(t.flags, this.opts.maxPinTries),
      };
    } catch {
      // A token that cannot answer is treated as absent (removed while we looked).
      return null;
    }
  }

  /** The single card Pli works with: the only one present, or the one in `slotId`. */
  card(slotId?: string): CardInfo {
    const all = this.cards();
    const c = slotId ? all.find((x) => x.slotId === slotId) : all[0];
    if (!c) throw new PliError('card_not_present', NOT_PRESENT_FR);
    return c;
  }

  startPolling(): void {
    this.requireOpen();
    if (this.poller) return;
    this.poller = setInterval(() => this.pollOnce(), this.opts.pollIntervalMs);
    this.poller.unref();
  }

  stopPolling(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
  }

  /** One presence check; emits `inserted` / `removed`. Called by the timer, callable by tests. */
  pollOnce(): void {
    if (!this.initialized) return;
    let now: Map<string, CardInfo>;
    try {
      now = new Map(this.cards().map((c) => [c.slotId, c]));
    } catch (e) {
      this.log.warn('slot polling failed', { ckr: ckr(e) });
      return;
    }
    const before = this.present;
    this.present = now;
    this.diff(before, now);
  }

  private diff(before: Map<string, CardInfo>, now: Map<string, CardInfo>): void {
    for (const [id, c] of before) {
      const n = now.get(id);
      if (!n || n.serial !== c.serial) {
        this.dropSession(id, 'removed');
        this.log.info('card removed', { slot: id });
        this.emit('removed', { slotId: id, serial: c.serial });
      }
    }
    for (const [id, c] of now) {
      const b = before.get(id);
      if (!b || b.serial !== c.serial) {
        this.log.info('card inserted', { slot: id });
        this.emit('inserted', c);
      }
    }
  }

  private slotHandle(slotId: string): Handle {
    return Buffer.from(slotId, 'hex');
  }

  private findObjects(session: Handle, template: Parameters<PKCS11['C_FindObjectsInit']>[1]): Handle[] {
    this.api.C_FindObjectsInit(session, template);
    try {
      return this.api.C_FindObjects(session, 16);
    } finally {
      this.api.C_FindObjectsFinal(session);
    }
  }

  private readCert(session: Handle, role: KeyRole): CardCertificate | null {
    const read = (h: Handle): CardCertificate => {
      const [value, id, label] = this.api.C_GetAttributeValue(session, h, [
        { type: pk.CKA_VALUE },
        { type: pk.CKA_ID },
        { type: pk.CKA_LABEL },
      ]);
      return { der: new Uint8Array(value?.value ?? []), idHex: (id?.value ?? Buffer.alloc(0)).toString('hex').toUpperCase(), label: (label?.value ?? Buffer.alloc(0)).toString('utf8') };
    };
    const byLabel = this.findObjects(session, [
      { type: pk.CKA_CLASS, value: pk.CKO_CERTIFICATE },
      { type: pk.CKA_LABEL, value: CERT_LABEL[role] },
    ])[0];
    if (byLabel) return read(byLabel);
    // Labels may differ across card generations: fall back to the CKA_ID.
    for (const h of this.findObjects(session, [{ type: pk.CKA_CLASS, value: pk.CKO_CERTIFICATE }])) {
      const c = read(h);
      if (idMatchesRole(c.idHex, role)) return c;
    }
    return null;
  }

  /** Reads the signature and authentication certificates (no PIN needed). */
  readCertificates(slotId?: string): { signature: CardCertificate | null; authentication: CardCertificate | null } {
    const card = this.card(slotId);
    const slot = this.slotHandle(card.slotId);
    let session: Handle | undefined;
    try {
      session = this.api.C_OpenSession(slot, pk.CKF_SERIAL_SESSION);
      return { signature: this.readCert(session, 'signature'), authentication: this.readCert(session, 'authentication') };
    } catch (e) {
      throw this.translate(e, card.slotId, 'read_certificates');
    } finally {
      if (session) {
        try {
          this.api.C_CloseSession(session);
        } catch {}
      }
    }
  }

  isLoggedIn(slotId?: string): boolean {
    const id = slotId ?? [...this.sessions.keys()][0];
    return id !== undefined && this.sessions.has(id);
  }

  /**
   * Logs in. `pin` is null with a PIN pad reader (protected authentication path). The PIN is passed to
   * the module and not kept anywhere. A wrong PIN throws `card_pin_incorrect` with the tries left.
   */
  login(pin: string | null, slotId?: string): CardInfo {
    const card = this.card(slotId);
    if (card.pin.locked) throw new PliError('card_pin_locked', card.pin.warning_fr ?? '', { slotId: card.slotId });
    if (pin === null && !card.pin.protectedPath) {
      throw new PliError('card_pin_required', 'Saisissez le code PIN de votre carte CPS.');
    }
    if (this.sessions.has(card.slotId)) this.dropSession(card.slotId, 'manual');
    const slot = this.slotHandle(card.slotId);
    let handle: Handle | undefined;
    try {
      handle = this.api.C_OpenSession(slot, pk.CKF_SERIAL_SESSION);
      try {
        // With a PIN pad, the PIN is typed on the reader: pass no PIN at all.
        if (card.pin.protectedPath) this.api.C_Login(handle, pk.CKU_USER);
        else this.api.C_Login(handle, pk.CKU_USER, pin ?? undefined);
      } catch (e) {
        if (ckr(e) !== pk.CKR_USER_ALREADY_LOGGED_IN) throw e;
      }
    } catch (e) {
      if (handle) {
        try {
          this.api.C_CloseSession(handle);
        } catch {}
      }
      throw this.loginError(e, card.slotId);
    }
    const s: LoggedSession = { slot, handle, keys: {} };
    this.sessions.set(card.slotId, s);
    this.touch(card.slotId);
    this.log.info('card logged in', { slot: card.slotId });
    return this.card(card.slotId);
  }

  private loginError(e: unknown, slotId: string): PliError {
    const code = ckr(e);
    if (code === pk.CKR_PIN_INCORRECT) {
      const after = this.cardInfo(this.slotHandle(slotId));
      const status = after?.pin;
      if (status?.locked) return new PliError('card_pin_locked', status.warning_fr ?? '', { slotId, triesLeft: 0 });
      const msg = 'Code PIN incorrect.' + (status?.warning_fr ? ' ' + status.warning_fr : '');
      return new PliError('card_pin_incorrect', msg, { slotId, triesLeft: status?.triesLeft ?? null });
    }
    return this.translate(e, slotId, 'login');
  }

  logout(slotId?: string): void {
    const id = slotId ?? [...this.sessions.keys()][0];
    if (id !== undefined) this.dropSession(id, 'manual');
  }

  private touch(slotId: string): void {
    const s = this.sessions.get(slotId);
    if (!s) return;
    if (s.idle) clearTimeout(s.idle);
    if (this.opts.idleLogoutMs > 0) {
      s.idle = setTimeout(() => this.dropSession(slotId, 'idle'), this.opts.idleLogoutMs);
      s.idle.unref();
    }
  }

  private dropSession(slotId: string, reason: LogoutReason): void {
    const s = this.sessions.get(slotId);
    if (!s) return;
    this.sessions.delete(slotId);
    if (s.idle) clearTimeout(s.idle);
    try {
      this.api.C_Logout(s.handle);
    } catch {}
    try {
      this.api.C_CloseSession(s.handle);
    } catch {}
    this.log.info('card logged out', { slot: slotId, reason });
    this.emit('logged_out', { slotId, reason });
  }

  /** After a failure: if the card is gone, say so (and forget the session); else map the PKCS#11 code. */
  private translate(e: unknown, slotId: string, during: string): PliError {
    if (e instanceof PliError) return e;
    const code = ckr(e);
    if (isGoneCode(code) && !this.cardInfo(this.slotHandle(slotId))) {
      this.dropSession(slotId, 'removed');
      return new PliError('card_removed', REMOVED_FR, { during, ckr: code });
    }
    return cardError(e, during);
  }

  private privateKey(s: LoggedSession, role: KeyRole, slotId: string): Handle {
    const cached = s.keys[role];
    if (cached) return cached;
    const cert = this.readCert(s.handle, role);
    const byId = cert?.idHex
      ? this.findObjects(s.handle, [
          { type: pk.CKA_CLASS, value: pk.CKO_PRIVATE_KEY },
          { type: pk.CKA_ID, value: Buffer.from(cert.idHex, 'hex') },
        ])[0]
      : undefined;
    const key =
      byId ??
      this.findObjects(s.handle, [
        { type: pk.CKA_CLASS, value: pk.CKO_PRIVATE_KEY },
        { type: pk.CKA_LABEL, value: KEY_LABEL[role] },
      ])[0];
    if (!key) {
      throw new PliError('card_key_not_found', 'La clé de signature est introuvable sur la carte CPS. Cette carte ne peut pas signer.', {
        slotId,
      });
    }
    s.keys[role] = key;
    return key;
  }

  /**
   * RSA PKCS#1 v1.5 SHA-256 signature of `data` with the card's signature key: CKM_SHA256_RSA_PKCS, or
   * CKM_RSA_PKCS over a DER DigestInfo when the card does not hash itself.
   */
  async signData(data: Uint8Array, opts: { slotId?: string; role?: KeyRole } = {}): Promise<Uint8Array> {
    const slotId = opts.slotId ?? [...this.sessions.keys()][0];
    const s = slotId === undefined ? undefined : this.sessions.get(slotId);
    if (!s || slotId === undefined) {
      if (slotId === undefined && this.cards().length === 0) throw new PliError('card_not_present', NOT_PRESENT_FR);
      throw new PliError('card_login_required', 'Saisissez le code PIN de votre carte CPS pour signer.');
    }
    // The emulator may still answer for a token whose files are gone: check the card is there first.
    if (!this.cardInfo(s.slot)) {
      this.dropSession(slotId, 'removed');
      throw new PliError('card_removed', REMOVED_FR, { during: 'sign' });
    }
    try {
      const key = this.privateKey(s, opts.role ?? 'signature', slotId);
      const sig = await this.signWith(s, key, Buffer.from(data));
      this.touch(slotId);
      return new Uint8Array(sig);
    } catch (e) {
      throw this.translate(e, slotId, 'sign');
    }
  }

  /** Signs a SHA-256 digest (CKM_RSA_PKCS over its DigestInfo). */
  async signDigest(digest: Uint8Array, opts: { slotId?: string; role?: KeyRole } = {}): Promise<Uint8Array> {
    const slotId = opts.slotId ?? [...this.sessions.keys()][0];
    const s = slotId === undefined ? undefined : this.sessions.get(slotId);
    if (!s || slotId === undefined) throw new PliError('card_login_required', 'Saisissez le code PIN de votre carte CPS pour signer.');
    if (digest.length !== 32) throw new Error('signDigest expects a SHA-256 digest');
    try {
      const key = this.privateKey(s, opts.role ?? 'signature', slotId);
      this.api.C_SignInit(s.handle, { mechanism: pk.CKM_RSA_PKCS }, key);
      const sig = await this.api.C_SignAsync(s.handle, Buffer.concat([SHA256_DIGEST_INFO_PREFIX, digest]), Buffer.alloc(1024));
      this.touch(slotId);
      return new Uint8Array(sig);
    } catch (e) {
      throw this.translate(e, slotId, 'sign');
    }
  }

  private async signWith(s: LoggedSession, key: Handle, data: Buffer): Promise<Buffer> {
    const out = Buffer.alloc(1024);
    if (s.mechanism !== pk.CKM_RSA_PKCS) {
      try {
        this.api.C_SignInit(s.handle, { mechanism: pk.CKM_SHA256_RSA_PKCS }, key);
        const sig = await this.api.C_SignAsync(s.handle, data, out);
        s.mechanism = pk.CKM_SHA256_RSA_PKCS;
        return sig;
      } catch (e) {
        const code = ckr(e);
        if (code !== pk.CKR_MECHANISM_INVALID && code !== pk.CKR_MECHANISM_PARAM_INVALID && code !== pk.CKR_KEY_FUNCTION_NOT_PERMITTED) throw e;
        this.log.info('card lacks CKM_SHA256_RSA_PKCS, using CKM_RSA_PKCS', { ckr: code });
      }
    }
    const digestInfo = Buffer.concat([SHA256_DIGEST_INFO_PREFIX, createHash('sha256').update(data).digest()]);
    this.api.C_SignInit(s.handle, { mechanism: pk.CKM_RSA_PKCS }, key);
    const sig = await this.api.C_SignAsync(s.handle, digestInfo, out);
    s.mechanism = pk.CKM_RSA_PKCS;
    return sig;
  }

  private requireOpen(): void {
    if (!this.initialized) throw new PliError('card_not_ready', 'Le lecteur de carte CPS n’est pas encore prêt. Recommencez dans un instant.');
  }
}
