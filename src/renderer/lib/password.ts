/**
 * The strength hint shown while the password is typed. It mirrors the host's rule (10+ characters of
 * three kinds, or a 16+ character phrase) so the hint never accepts what the host will refuse.
 */
export type Strength = 'empty' | 'weak' | 'fair' | 'good' | 'strong';

export function characterClasses(password: string): number {
  return [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{L}\p{Nd}]/u].filter((re) => re.test(password)).length;
}

export function isAcceptable(password: string): boolean {
  const length = [...password].length;
  return length >= 16 || (length >= 10 && characterClasses(password) >= 3);
}

export function passwordStrength(password: string): Strength {
  const length = [...password].length;
  if (length === 0) return 'empty';
  if (!isAcceptable(password)) return length >= 8 ? 'fair' : 'weak';
  const classes = characterClasses(password);
  return length >= 20 || (length >= 14 && classes >= 3) ? 'strong' : 'good';
}

/** 0..4, for the meter. */
export function strengthScore(s: Strength): number {
  return { empty: 0, weak: 1, fair: 2, good: 3, strong: 4 }[s];
}
