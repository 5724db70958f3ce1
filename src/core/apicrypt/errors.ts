import { PliError } from '../../shared/errors';

/**
 * The legacy command-line tools' error codes (spec §8). Pli errors that have a legacy equivalent carry it
 * in details.legacyCode, so that `pli` can exit with the same status as the tool it replaces.
 */
export const LEGACY = {
  checksum: -3,
  frameTooShort: -4,
  keyNotFound: -5,
  badKeyHeader: -6,
  offsetOutOfRange: -8,
  fileNotFound: -43,
  badKeySize: -2000,
  crc: -3000,
} as const;

export function apiError(code: string, message: string, legacyCode?: number, details: Record<string, unknown> = {}): PliError {
  return new PliError(code, message, legacyCode === undefined ? details : { ...details, legacyCode });
}

/** The legacy code of an error, if it has one. */
export function legacyCodeOf(e: unknown): number | undefined {
  if (!(e instanceof PliError)) return undefined;
  const c = e.details?.['legacyCode'];
  return typeof c === 'number' ? c : undefined;
}

/** French number with a space between thousands, as in "40 224". */
export function frNumber(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}
