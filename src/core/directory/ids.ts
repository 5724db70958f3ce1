/** Professional identifiers: RPPS (11 digits, Luhn key) and ADELI (9 digits). */

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Sorts a raw identifier into RPPS or ADELI by length. Accepts the forms exports use: spaces, a leading
 * '8' or '10' type prefix (the card's '8' + RPPS), stray quotes of spreadsheets protecting leading zeros.
 */
export function parseProfessionalId(raw: string): { rpps?: string; adeli?: string } {
  let d = raw.replace(/[\s'"=.-]/g, '');
  if (!/^\d+$/.test(d)) return {};
  if (d.length === 12 && d.startsWith('8')) d = d.slice(1);
  if (d.length === 11) return { rpps: d };
  if (d.length === 9) return { adeli: d };
  return {};
}
