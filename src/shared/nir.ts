/**
 * NIR (French social security number): 13 characters (sex, year, month, department, commune, order)
 * and a 2-digit key = 97 - (number mod 97). Corsican departments 2A/2B count as 19/18 for the key.
 * In the contract layer because both the host (HPRIM headers) and the composer (live key check) use it.
 */

export interface Nir {
  /** The 13 identifying characters, upper case, no spaces (may contain 2A/2B at positions 6-7). */
  body: string;
  /** The 2-digit key when present. */
  key?: string;
  /** True when the key is present and matches; false when present and wrong; undefined without key. */
  valid?: boolean;
  /** From the first digit: 1 (and 3, 7) M, 2 (and 4, 8) F. */
  sex?: 'M' | 'F';
}

const SHAPE = /^[1-478]\d{4}(\d{2}|2[AB])\d{6}$/;

/** Removes spaces, dots, dashes and underscores; upper case. */
function compact(raw: string): string {
  return raw.replace(/[\s.\-_]/g, '').toUpperCase();
}

/** The key for a 13-character NIR body (Corsica handled), or undefined when the body is malformed. */
export function nirKey(body: string): string | undefined {
  const b = compact(body);
  if (!SHAPE.test(b)) return undefined;
  const dept = b.slice(5, 7);
  const numeric = dept === '2A' ? `${b.slice(0, 5)}19${b.slice(7)}` : dept === '2B' ? `${b.slice(0, 5)}18${b.slice(7)}` : b;
  const mod = Number(BigInt(numeric) % 97n);
  return String(97 - mod).padStart(2, '0');
}

/**
 * Normalises a NIR written with or without spaces, with or without its key (13 or 15 characters).
 * Returns undefined when the text is not NIR-shaped.
 */
export function parseNir(raw: string): Nir | undefined {
  const c = compact(raw);
  let body: string;
  let key: string | undefined;
  if (c.length === 15 && /^\d{2}$/.test(c.slice(13))) {
    body = c.slice(0, 13);
    key = c.slice(13);
  } else if (c.length === 13) {
    body = c;
  } else {
    return undefined;
  }
  if (!SHAPE.test(body)) return undefined;
  const first = body[0];
  const sex = first === '1' || first === '3' || first === '7' ? 'M' : first === '2' || first === '4' || first === '8' ? 'F' : undefined;
  const out: Nir = { body };
  if (sex) out.sex = sex;
  if (key !== undefined) {
    out.key = key;
    out.valid = nirKey(body) === key;
  }
  return out;
}

/** True when the NIR has a key and the key matches. */
export function isNirValid(raw: string): boolean {
  return parseNir(raw)?.valid === true;
}

/** `1 85 03 75 123 456 78` (key omitted when absent). */
export function formatNir(nir: Nir): string {
  const b = nir.body;
  const s = `${b.slice(0, 1)} ${b.slice(1, 3)} ${b.slice(3, 5)} ${b.slice(5, 7)} ${b.slice(7, 10)} ${b.slice(10, 13)}`;
  return nir.key !== undefined ? `${s} ${nir.key}` : s;
}

/**
 * Masks a NIR for display lists and logs: sex, year, month and department stay, the rest is hidden
 * (`1 85 03 75 *** *** **`). Anything that is not NIR-shaped is fully masked, length hidden.
 */
export function maskNir(raw: string): string {
  const nir = parseNir(raw);
  if (!nir) return '***';
  const b = nir.body;
  return `${b.slice(0, 1)} ${b.slice(1, 3)} ${b.slice(3, 5)} ${b.slice(5, 7)} *** ***${nir.key !== undefined ? ' **' : ''}`;
}
