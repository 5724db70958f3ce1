import { PliError } from '../../shared/errors';

/** Minimum strength of the mailbox password: 10+ characters with 3 classes, or a 16+ character phrase. */
export function checkPasswordStrength(password: string): void {
  const chars = [...password];
  if (chars.length >= 16) return;
  const classes = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{L}\p{Nd}]/u].filter((re) => re.test(password)).length;
  if (chars.length >= 10 && classes >= 3) return;
  throw new PliError(
    'password_weak',
    'Mot de passe trop faible : utilisez au moins 10 caractères mêlant trois sortes parmi minuscules, ' +
      'majuscules, chiffres et symboles, ou une phrase d’au moins 16 caractères.',
    { length: chars.length, classes },
  );
}
