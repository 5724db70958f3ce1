import { describe, expect, it } from 'vitest';
import { cardError } from './errors';
import { candidateModulePaths, findPkcs11Module } from './modules';
import { idMatchesRole } from './objects';
import { FINAL_TRY_FR, pinStatusFromFlags } from './pin';
import { pk } from './pkcs11';

describe('PIN status from token flags', () => {
  it('maps each flag to the tries left and a French warning', () => {
    expect(pinStatusFromFlags(pk.CKF_TOKEN_INITIALIZED)).toMatchObject({ triesLeft: 3, locked: false, warning_fr: null });
    const low = pinStatusFromFlags(pk.CKF_USER_PIN_COUNT_LOW);
    expect(low).toMatchObject({ triesLeft: 2, locked: false });
    expect(low.warning_fr).toBe('Il reste 2 essais avant le blocage de la carte.');
    // FINAL_TRY wins over COUNT_LOW (cards set both).
    const last = pinStatusFromFlags(pk.CKF_USER_PIN_COUNT_LOW | pk.CKF_USER_PIN_FINAL_TRY);
    expect(last).toMatchObject({ triesLeft: 1, warning_fr: FINAL_TRY_FR });
    expect(FINAL_TRY_FR).toBe('Attention : dernier essai avant blocage de la carte');
    const locked = pinStatusFromFlags(pk.CKF_USER_PIN_LOCKED | pk.CKF_USER_PIN_FINAL_TRY);
    expect(locked).toMatchObject({ triesLeft: 0, locked: true });
    expect(locked.warning_fr).toMatch(/bloquée/);
    expect(pinStatusFromFlags(pk.CKF_PROTECTED_AUTHENTICATION_PATH).protectedPath).toBe(true);
  });
});

describe('PKCS#11 errors', () => {
  it('gives each return value its own code', () => {
    const err = (code: number) => Object.assign(new Error('x'), { name: 'Pkcs11Error', code });
    expect(cardError(err(pk.CKR_PIN_INCORRECT), 'login').code).toBe('card_pin_incorrect');
    expect(cardError(err(pk.CKR_PIN_LOCKED), 'login').code).toBe('card_pin_locked');
    expect(cardError(err(pk.CKR_TOKEN_NOT_PRESENT), 'sign').code).toBe('card_not_present');
    expect(cardError(err(pk.CKR_DEVICE_REMOVED), 'sign').code).toBe('card_removed');
    expect(cardError(err(pk.CKR_SESSION_HANDLE_INVALID), 'sign').code).toBe('card_session_lost');
    expect(cardError(err(pk.CKR_FUNCTION_FAILED), 'sign').code).toBe('card_error');
    expect(cardError(err(pk.CKR_DEVICE_REMOVED), 'sign').message_fr).toMatch(/retirée/);
  });
});

describe('module discovery', () => {
  it('probes the spec paths per OS, then the user path', () => {
    expect(candidateModulePaths('win32', 'x64')).toEqual(['C:\\Windows\\System32\\cps3_pkcs11_w64.dll']);
    expect(candidateModulePaths('win32', 'ia32')).toEqual(['C:\\Windows\\SysWOW64\\cps3_pkcs11_w32.dll']);
    expect(candidateModulePaths('darwin')[0]).toBe('/usr/local/lib/libcps3_pkcs11_osx.dylib');
    const linux = candidateModulePaths('linux');
    expect(findPkcs11Module({ platform: 'linux', exists: (p) => p === linux[1] })).toBe(linux[1]);
    expect(findPkcs11Module({ platform: 'linux', userPath: '/x/p11.so', exists: (p) => p === '/x/p11.so' })).toBe('/x/p11.so');
    expect(findPkcs11Module({ platform: 'linux', exists: () => false })).toBeNull();
  });
});

describe('CPS object ids', () => {
  it('recognises CPS3 and CPS4 ids by role', () => {
    expect(idMatchesRole('E828BD080F8025000001FF001001', 'signature')).toBe(true);
    expect(idMatchesRole('E828BD080F8025000001FF001002', 'signature')).toBe(false);
    expect(idMatchesRole('E828BD080F8025000001FF001002', 'authentication')).toBe(true);
    expect(idMatchesRole('e828bd080f8025000001ff0010', 'signature')).toBe(true);
    expect(idMatchesRole('0102031001', 'signature')).toBe(false);
  });
});
