import { pk as pkcs11 } from './pkcs11';

/** What the token flags say about the PIN counter (CPS cards allow 3 tries). */
export interface PinStatus {
  /** Tries left before the card locks, when the flags allow knowing it; null otherwise. */
  triesLeft: number | null;
  locked: boolean;
  /** The warning to show beside the PIN field, if any. */
  warning_fr: string | null;
  /** A PIN pad reader: the PIN is typed on the reader, never in Pli. */
  protectedPath: boolean;
}

export const FINAL_TRY_FR = 'Attention : dernier essai avant blocage de la carte';
export const LOCKED_FR =
  'La carte CPS est bloquée : le code PIN a été saisi trop de fois de manière erronée. ' +
  'Débloquez-la avec son code de déblocage (PUK) dans le gestionnaire de la carte CPS, ou demandez une nouvelle carte à l’ANS.';

export function triesLeftFr(n: number): string {
  return n <= 1 ? FINAL_TRY_FR : `Il reste ${n} essais avant le blocage de la carte.`;
}

export function pinStatusFromFlags(flags: number, maxTries = 3): PinStatus {
  const protectedPath = (flags & pkcs11.CKF_PROTECTED_AUTHENTICATION_PATH) !== 0;
  if (flags & pkcs11.CKF_USER_PIN_LOCKED) return { triesLeft: 0, locked: true, warning_fr: LOCKED_FR, protectedPath };
  if (flags & pkcs11.CKF_USER_PIN_FINAL_TRY) return { triesLeft: 1, locked: false, warning_fr: FINAL_TRY_FR, protectedPath };
  if (flags & pkcs11.CKF_USER_PIN_COUNT_LOW) {
    // At least one wrong PIN since the last success, and more than one try left.
    const left = Math.max(2, maxTries - 1);
    return { triesLeft: left, locked: false, warning_fr: triesLeftFr(left), protectedPath };
  }
  return { triesLeft: maxTries, locked: false, warning_fr: null, protectedPath };
}
