/** Base64 of bytes, in chunks so that large attachments do not overflow the call stack. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/** Size of a letter as it will be sent: text in UTF-8 plus attachments as base64 (what travels). */
export function letterSize(text: string, attachmentsBase64: string[]): number {
  return new TextEncoder().encode(text).length + attachmentsBase64.reduce((n, b) => n + b.length, 0);
}

/** Default APICRYPT size limit for one letter. */
export const DEFAULT_SIZE_LIMIT = 900 * 1024;

export function base64ToBytes(base64: string): Uint8Array {
  const bin = atob(base64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
