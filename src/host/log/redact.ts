/**
 * Redaction of log fields. Logs are meant to be sent to support, so they must never hold letter text,
 * patient identity, PINs or passwords. Two defences: fields with a sensitive name are masked whatever
 * their value, and every string is scrubbed of things that look like a NIR, a date of birth or the
 * local part of an e-mail address.
 */
const SENSITIVE_KEYS = new Set([
  'text', 'body', 'plaintext', 'payload', 'content', 'subject', 'patient', 'surname', 'firstname', 'firstName',
  'lastName', 'name', 'nir', 'birthdate', 'birthDate', 'dob', 'pin', 'password', 'passphrase', 'recoverycode',
  'recoveryCode', 'secret', 'token', 'key', 'dbkey', 'address', 'city', 'lines',
]);

const NIR = /\b[12]\s?\d{2}\s?\d{2}\s?\d{2}\s?\d{3}\s?\d{3}(\s?\d{2})?\b/g;
const DATE = /\b\d{2}\/\d{2}\/\d{2,4}\b/g;
const EMAIL = /\b[A-Za-z0-9._%+-]+@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b/g;

export const MASK = '[masqué]';

export function scrubString(s: string): string {
  return s.replace(NIR, '[nir]').replace(DATE, '[date]').replace(EMAIL, '…@$1');
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[…]';
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { error: value.name, message: scrubString(value.message), code: (value as { code?: unknown }).code };
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} octets]`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SENSITIVE_KEYS.has(k) || SENSITIVE_KEYS.has(k.toLowerCase()) ? MASK : redact(v, depth + 1);
  }
  return out;
}
