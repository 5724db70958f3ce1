import { renameSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { CardService, Pkcs11Api } from '../../src/host/card';
import { FINAL_TRY_FR } from '../../src/host/card';
import { pk, type PKCS11 } from '../../src/host/card/pkcs11';
import { isPliError, type PliError } from '../../src/shared/errors';
import {
  CardSigner,
  compareCardIdentity,
  describeCardChange,
  rememberCard,
  rememberedCertificates,
  signLetterMime,
  verifySignedLetter,
} from '../../src/host/signing';
import { testEnv } from '../env/current';
import { type CardCopy, copyCard, LETTER, openCard, testTrust } from './signing-support';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function card(user: 'jean.DUPONT' | 'paul.MARTIN', opts: Parameters<typeof openCard>[1] = {}): { card: CardService; copy: CardCopy } {
  const copy = copyCard(user);
  const c = openCard(copy, opts);
  cleanups.push(() => {
    c.close();
    copy.remove();
  });
  return { card: c, copy };
}

async function rejection(p: Promise<unknown> | (() => unknown)): Promise<PliError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (isPliError(e)) return e;
    throw e;
  }
  throw new Error('expected a PliError');
}

const pkErr = (name: string, code: number) => Object.assign(new Error(`${name}:${code}`), { name: 'Pkcs11Error', code });

/** The real SoftHSM binding with some calls replaced (for what the emulator cannot do). */
function wrapped(overrides: (real: PKCS11) => Partial<Pkcs11Api>): Pkcs11Api {
  const real = new pk.PKCS11();
  const o = overrides(real) as Record<string | symbol, unknown>;
  return new Proxy(real, {
    get(target, prop) {
      if (prop in o) return o[prop];
      const v = (target as unknown as Record<string | symbol, unknown>)[prop];
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as unknown as Pkcs11Api;
}

describe('CPS card over PKCS#11 (SoftHSM)', () => {
  it('lists the card, reads both certificates and the holder identity', () => {
    const { card: c } = card('jean.DUPONT');
    const cards = c.cards();
    expect(cards).toHaveLength(1); // SoftHSM's spare uninitialised slot is not a card
    expect(cards[0]!.pin).toMatchObject({ triesLeft: 3, locked: false });
    const certs = c.readCertificates();
    expect(certs.signature?.idHex).toBe('E828BD080F8025000001FF001001');
    expect(certs.authentication?.idHex).toBe('E828BD080F8025000001FF001002');
    const signer = CardSigner.open(c, { trust: testTrust() });
    const id = signer.identity();
    const u = testEnv().pki.users['jean.DUPONT']!;
    expect(id).toMatchObject({ rpps: u.rpps, surname: u.surname, givenName: u.givenName, profession: 'Médecin', idKind: 'rpps' });
    expect(signer.certificateChain()).toHaveLength(2); // card certificate + intermediate from the trust store
  });

  it('signs a letter with the card and verifies it', async () => {
    const { card: c } = card('jean.DUPONT');
    c.login('1234');
    const signed = await signLetterMime(LETTER, CardSigner.open(c, { trust: testTrust() }));
    const r = verifySignedLetter(signed, testTrust());
    expect(r.status).toBe('valid');
    expect(r.signer?.rpps).toBe(testEnv().pki.users['jean.DUPONT']!.rpps);
    expect(r.chain).toHaveLength(3);
  });

  it('says how many tries remain after a wrong PIN (real SoftHSM CKR_PIN_INCORRECT and COUNT_LOW flag)', async () => {
    const { card: c } = card('jean.DUPONT');
    const e = await rejection(() => c.login('0000'));
    expect(e.code).toBe('card_pin_incorrect');
    expect(e.details).toMatchObject({ triesLeft: 2 });
    expect(e.message_fr).toBe('Code PIN incorrect. Il reste 2 essais avant le blocage de la carte.');
    expect(c.card().pin.triesLeft).toBe(2);
    expect(c.isLoggedIn()).toBe(false);
    c.login('1234');
    expect(c.card().pin.triesLeft).toBe(3);
    expect(c.isLoggedIn()).toBe(true);
  });

  it('warns before the last try and refuses a locked card (3-try counter emulated over SoftHSM)', async () => {
    // SoftHSM 2.6 sets CKF_USER_PIN_COUNT_LOW but never FINAL_TRY/LOCKED nor CKR_PIN_LOCKED: a card-like
    // counter is layered over the real module here.
    let failures = 0;
    const api = wrapped((real) => ({
      C_GetTokenInfo: (slot) => {
        const t = real.C_GetTokenInfo(slot);
        const extra = failures >= 3 ? pk.CKF_USER_PIN_LOCKED : failures === 2 ? pk.CKF_USER_PIN_FINAL_TRY : 0;
        return { ...t, flags: t.flags | extra };
      },
      C_Login: (session, type, pin) => {
        if (failures >= 3) throw pkErr('CKR_PIN_LOCKED', pk.CKR_PIN_LOCKED);
        try {
          real.C_Login(session, type, pin);
          failures = 0;
        } catch (e) {
          failures++;
          throw e;
        }
      },
    }));
    const { card: c } = card('jean.DUPONT', { api });
    expect((await rejection(() => c.login('0000'))).details).toMatchObject({ triesLeft: 2 });
    const second = await rejection(() => c.login('0001'));
    expect(second.message_fr).toContain(FINAL_TRY_FR);
    expect(c.card().pin.warning_fr).toBe('Attention : dernier essai avant blocage de la carte');
    const third = await rejection(() => c.login('0002'));
    expect(third.code).toBe('card_pin_locked');
    const withGoodPin = await rejection(() => c.login('1234'));
    expect(withGoodPin.code).toBe('card_pin_locked');
    expect(withGoodPin.message_fr).toMatch(/bloquée/);
  });

  it('reports a card removed mid-operation, then signs again once it is back', async () => {
    const { card: c, copy } = card('jean.DUPONT');
    const events: string[] = [];
    c.on('removed', () => events.push('removed'));
    c.on('inserted', () => events.push('inserted'));
    c.on('logged_out', (e) => events.push(`logged_out:${e.reason}`));
    c.login('1234');
    const signer = CardSigner.open(c, { trust: testTrust() });
    renameSync(copy.tokenDir, copy.tokenDir + '.out'); // the card leaves the reader
    const e = await rejection(signLetterMime(LETTER, signer));
    expect(e.code).toBe('card_removed');
    expect(e.message_fr).toMatch(/retirée.*boîte d’envoi/);
    expect(c.isLoggedIn()).toBe(false);
    c.pollOnce();
    expect(events).toEqual(['logged_out:removed', 'removed']);
    expect((await rejection(() => c.login('1234'))).code).toBe('card_not_present');

    renameSync(copy.tokenDir + '.out', copy.tokenDir);
    c.reload(); // SoftHSM only rescans its token directory at initialisation
    expect(events.at(-1)).toBe('inserted');
    c.login('1234');
    const again = await signLetterMime(LETTER, CardSigner.open(c, { trust: testTrust() }));
    expect(verifySignedLetter(again, testTrust()).status).toBe('valid');
  });

  it('logs out after the idle delay', async () => {
    const { card: c } = card('jean.DUPONT', { idleLogoutMs: 80 });
    const reasons: string[] = [];
    c.on('logged_out', (e) => reasons.push(e.reason));
    c.login('1234');
    await c.signData(new Uint8Array([1, 2, 3])); // signing resets the idle timer
    expect(c.isLoggedIn()).toBe(true);
    await new Promise((r) => setTimeout(r, 250));
    expect(reasons).toEqual(['idle']);
    expect(c.isLoggedIn()).toBe(false);
    expect((await rejection(c.signData(new Uint8Array([1])))).code).toBe('card_login_required');
  });

  it('falls back to CKM_RSA_PKCS over a DigestInfo when the card does not hash', async () => {
    const mechanisms: number[] = [];
    const api = wrapped((real) => ({
      C_SignInit: (session, mech, key) => {
        mechanisms.push(mech.mechanism);
        if (mech.mechanism === pk.CKM_SHA256_RSA_PKCS) throw pkErr('CKR_MECHANISM_INVALID', pk.CKR_MECHANISM_INVALID);
        real.C_SignInit(session, mech, key);
      },
    }));
    const { card: c } = card('jean.DUPONT', { api });
    c.login('1234');
    const signer = CardSigner.open(c, { trust: testTrust() });
    const first = await signLetterMime(LETTER, signer);
    const second = await signLetterMime(LETTER, signer);
    expect(verifySignedLetter(first, testTrust()).status).toBe('valid');
    expect(verifySignedLetter(second, testTrust()).status).toBe('valid');
    expect(mechanisms).toEqual([pk.CKM_SHA256_RSA_PKCS, pk.CKM_RSA_PKCS, pk.CKM_RSA_PKCS]);
  });

  it('logs in with a null PIN on a PIN pad reader', () => {
    const pins: Array<string | undefined> = [];
    const api = wrapped((real) => ({
      C_GetTokenInfo: (slot) => {
        const t = real.C_GetTokenInfo(slot);
        return { ...t, flags: t.flags | pk.CKF_PROTECTED_AUTHENTICATION_PATH };
      },
      // The reader collects the PIN itself: emulate it typing the right one.
      C_Login: (session, type, pin) => {
        pins.push(pin);
        real.C_Login(session, type, '1234');
      },
    }));
    const { card: c } = card('jean.DUPONT', { api });
    expect(c.card().pin.protectedPath).toBe(true);
    c.login(null);
    expect(pins).toEqual([undefined]);
    expect(c.isLoggedIn()).toBe(true);
  });

  it('recognises a second card: another person is refused until confirmed, old letters still verify', async () => {
    const jean = card('jean.DUPONT');
    jean.card.login('1234');
    const jeanSigner = CardSigner.open(jean.card, { trust: testTrust() });
    const remembered = rememberCard(jeanSigner.certificateChain()[0]!);
    expect(compareCardIdentity(remembered, jeanSigner.identity())).toBe('same');
    const oldLetter = await signLetterMime(LETTER, jeanSigner);
    jean.card.close();

    const paul = card('paul.MARTIN');
    const e = await rejection(() => CardSigner.open(paul.card, { trust: testTrust(), expected: remembered }));
    expect(e.code).toBe('card_other_person');
    expect(e.message_fr).toMatch(/PAUL MARTIN.*JEAN DUPONT/);
    const paulSigner = CardSigner.open(paul.card, { trust: testTrust() }); // after the user confirmed
    expect(compareCardIdentity(remembered, paulSigner.identity())).toBe('new_card');
    expect(describeCardChange(remembered, paulSigner.identity()).change).toBe('other_person');
    paul.card.login('1234');
    const newLetter = await signLetterMime(LETTER, paulSigner);
    expect(verifySignedLetter(newLetter, testTrust()).signer?.surname).toBe('MARTIN');
    // Jean's certificate stays remembered with the profile: his old letters still verify after the change.
    const trust = { ...testTrust(), knownCertificates: rememberedCertificates([remembered]) };
    expect(verifySignedLetter(oldLetter, trust)).toMatchObject({ status: 'valid', signer: { surname: 'DUPONT' } });
  });
});
