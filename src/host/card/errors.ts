import { pk as pkcs11 } from './pkcs11';
import { PliError } from '../../shared/errors';
import { LOCKED_FR } from './pin';

/** The PKCS#11 return value carried by a pkcs11js error, if any. */
export function ckr(e: unknown): number | null {
  if (e instanceof pkcs11.Pkcs11Error) return e.code;
  // Duck-typed too: errors re-thrown by wrappers (or another copy of pkcs11js) keep name and code.
  const o = e as { name?: unknown; code?: unknown } | null;
  return o && o.name === 'Pkcs11Error' && typeof o.code === 'number' ? o.code : null;
}

export const REMOVED_FR =
  'La carte CPS a été retirée du lecteur. Réinsérez-la puis recommencez : le courrier reste dans la boîte d’envoi.';
export const NOT_PRESENT_FR = 'Aucune carte CPS n’est insérée dans le lecteur. Insérez votre carte puis recommencez.';

/** Codes that mean the card, the reader or our session has gone away. */
export function isGoneCode(code: number | null): boolean {
  return (
    code === pkcs11.CKR_DEVICE_REMOVED ||
    code === pkcs11.CKR_TOKEN_NOT_PRESENT ||
    code === pkcs11.CKR_SESSION_HANDLE_INVALID ||
    code === pkcs11.CKR_SESSION_CLOSED ||
    code === pkcs11.CKR_DEVICE_ERROR ||
    code === pkcs11.CKR_GENERAL_ERROR ||
    code === pkcs11.CKR_TOKEN_NOT_RECOGNIZED ||
    code === pkcs11.CKR_SLOT_ID_INVALID
  );
}

/** Turns a PKCS#11 failure into a PliError with its own code and French message. */
export function cardError(e: unknown, during: string): PliError {
  if (e instanceof PliError) return e;
  const code = ckr(e);
  const details = { during, ckr: code };
  switch (code) {
    case pkcs11.CKR_PIN_INCORRECT:
      return new PliError('card_pin_incorrect', 'Code PIN incorrect.', details);
    case pkcs11.CKR_PIN_LOCKED:
      return new PliError('card_pin_locked', LOCKED_FR, details);
    case pkcs11.CKR_PIN_LEN_RANGE:
    case pkcs11.CKR_PIN_INVALID:
      return new PliError('card_pin_format', 'Le code PIN saisi n’a pas le bon format (4 chiffres pour une carte CPS).', details);
    case pkcs11.CKR_FUNCTION_CANCELED:
      return new PliError('card_pin_cancelled', 'La saisie du code PIN sur le lecteur a été annulée.', details);
    case pkcs11.CKR_TOKEN_NOT_PRESENT:
      return new PliError('card_not_present', NOT_PRESENT_FR, details);
    case pkcs11.CKR_DEVICE_REMOVED:
      return new PliError('card_removed', REMOVED_FR, details);
    case pkcs11.CKR_SESSION_HANDLE_INVALID:
    case pkcs11.CKR_SESSION_CLOSED:
      return new PliError(
        'card_session_lost',
        'La session avec la carte CPS a été interrompue (carte retirée ou lecteur réinitialisé). Saisissez de nouveau votre code PIN.',
        details,
      );
    case pkcs11.CKR_USER_NOT_LOGGED_IN:
      return new PliError('card_login_required', 'Saisissez le code PIN de votre carte CPS pour signer.', details);
    default:
      return new PliError(
        'card_error',
        'La carte CPS ou son lecteur a renvoyé une erreur. Vérifiez que la carte est bien insérée et que le logiciel Cryptolib CPS est installé, puis recommencez.',
        details,
        { cause: e },
      );
  }
}
