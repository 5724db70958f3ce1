import { randomBytes } from 'node:crypto';
import { PliError } from '../../shared/errors';

// Crockford-like base32 without I, L, O, U: easy to read aloud and to type back from paper.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GROUPS = 6;
const GROUP_LEN = 5;

/** A fresh recovery code: 30 base32 characters (150 bits) in groups of 5, e.g. `7K3QD-…`. */
export function generateRecoveryCode(): string {
  const bytes = randomBytes(GROUPS * GROUP_LEN);
  const chars = [...bytes].map((b) => ALPHABET[b & 31]!);
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) groups.push(chars.slice(g * GROUP_LEN, (g + 1) * GROUP_LEN).join(''));
  return groups.join('-');
}

/** Canonical form of a typed code: case, spaces and dashes ignored, look-alike letters mapped. */
export function normalizeRecoveryCode(code: string): string {
  const s = code
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (s.length !== GROUPS * GROUP_LEN || [...s].some((c) => !ALPHABET.includes(c))) {
    throw new PliError(
      'recovery_code_invalid',
      'Code de secours mal formé : il compte 30 caractères (chiffres et lettres) en 6 groupes de 5. Vérifiez la saisie.',
    );
  }
  return s;
}
