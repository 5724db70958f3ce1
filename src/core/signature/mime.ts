/**
 * Just enough MIME to sign and verify: header blocks, Content-Type parameters, CRLF canonical form and
 * multipart splitting. Works on bytes (latin1 strings internally) so that 8-bit bodies survive intact.
 */

export interface HeaderField {
  name: string;
  /** The raw field, folded lines included, without the final CRLF. */
  raw: string;
  /** The unfolded value after the colon, trimmed. */
  value: string;
}

export interface Entity {
  headers: HeaderField[];
  body: string;
}

export const latin1 = {
  decode: (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1'),
  encode: (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1')),
};

/** Bare LF and bare CR become CRLF (RFC 5751 §3.1.1 canonical form). */
export function canonicalizeCrlf(s: string): string {
  return s.replace(/\r\n|\r|\n/g, '\r\n');
}

export function splitEntity(s: string): Entity {
  const end = s.indexOf('\r\n\r\n');
  const head = end < 0 ? (s.startsWith('\r\n') ? '' : s) : s.slice(0, end);
  const body = end < 0 ? (s.startsWith('\r\n') ? s.slice(2) : '') : s.slice(end + 4);
  const headers: HeaderField[] = [];
  for (const line of head.split('\r\n')) {
    if (line === '') continue;
    const last = headers[headers.length - 1];
    if (/^[ \t]/.test(line) && last) {
      last.raw += '\r\n' + line;
      last.value = (last.value + ' ' + line.trim()).trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push({ name: line.slice(0, colon).trim().toLowerCase(), raw: line, value: line.slice(colon + 1).trim() });
  }
  return { headers, body };
}

export function joinEntity(e: Entity): string {
  return e.headers.map((h) => h.raw + '\r\n').join('') + '\r\n' + e.body;
}

export function header(e: Entity, name: string): string | undefined {
  return e.headers.find((h) => h.name === name)?.value;
}

export interface ContentType {
  type: string;
  params: Record<string, string>;
}

/** `multipart/signed; boundary="x"; ...` -> { type: 'multipart/signed', params: { boundary: 'x' } }. */
export function parseContentType(value: string | undefined): ContentType {
  if (!value) return { type: 'text/plain', params: {} };
  const semi = value.indexOf(';');
  const type = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  const params: Record<string, string> = {};
  const rest = semi < 0 ? '' : value.slice(semi + 1);
  const re = /\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))\s*;?/g;
  for (const m of rest.matchAll(re)) {
    params[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!.trim();
  }
  return { type, params };
}

export interface MultipartBody {
  preamble: string;
  parts: string[];
  epilogue: string;
}

/** Splits a canonical multipart body on its boundary; each part excludes the CRLF before a delimiter. */
export function splitMultipart(body: string, boundary: string): MultipartBody | null {
  const delim = '--' + boundary;
  const lines: Array<{ start: number; end: number; close: boolean }> = [];
  let pos = 0;
  while (pos <= body.length) {
    const at = body.indexOf(delim, pos);
    if (at < 0) break;
    const lineStart = at === 0 || body.slice(at - 2, at) === '\r\n';
    let eol = body.indexOf('\r\n', at);
    if (eol < 0) eol = body.length;
    const tail = body.slice(at + delim.length, eol);
    const close = tail.startsWith('--');
    if (lineStart && /^[ \t]*$/.test(close ? tail.slice(2) : tail)) {
      lines.push({ start: at, end: Math.min(eol + 2, body.length), close });
      if (close) break;
    }
    pos = at + delim.length;
  }
  if (lines.length < 2 || !lines[lines.length - 1]!.close) return null;
  const cut = (i: number) => Math.max(0, lines[i]!.start - 2);
  const parts: string[] = [];
  for (let i = 0; i + 1 < lines.length; i++) parts.push(body.slice(lines[i]!.end, cut(i + 1)));
  return { preamble: body.slice(0, cut(0)), parts, epilogue: body.slice(lines[lines.length - 1]!.end) };
}

export function base64Lines(bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return (b64.match(/.{1,76}/g) ?? []).join('\r\n');
}

/** No 8-bit characters and no NUL (RFC 2045 7bit data). */
const is7bit = (s: string) => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || c > 0x7f) return false;
  }
  return true;
};


/**
 * Makes an entity safe to sign (RFC 8551 §3.1): canonical CRLF everywhere, and every leaf body that is
 * not already base64 or quoted-printable re-encoded in base64, so no relay can alter the signed bytes.
 * Text bodies are put in canonical CRLF form before being encoded.
 */
export function prepareForSigning(entity: string): string {
  const e = splitEntity(canonicalizeCrlf(entity));
  const ct = parseContentType(header(e, 'content-type'));
  const cte = (header(e, 'content-transfer-encoding') ?? '7bit').toLowerCase();
  if (ct.type.startsWith('multipart/') && ct.params.boundary) {
    const mp = splitMultipart(e.body, ct.params.boundary);
    if (mp) {
      const delim = '--' + ct.params.boundary;
      const body =
        (mp.preamble ? mp.preamble + '\r\n' : '') +
        mp.parts.map((p) => delim + '\r\n' + prepareForSigning(p) + '\r\n').join('') +
        delim + '--\r\n' + mp.epilogue;
      return joinEntity({ headers: withoutCte(e.headers), body });
    }
  }
  if (ct.type === 'message/rfc822' || ((cte === 'base64' || cte === 'quoted-printable') && is7bit(e.body))) {
    return joinEntity(e);
  }
  const raw = latin1.encode(e.body);
  const payload = ct.type.startsWith('text/') ? latin1.encode(canonicalizeCrlf(e.body)) : raw;
  const headers = [...withoutCte(e.headers), { name: 'content-transfer-encoding', raw: 'Content-Transfer-Encoding: base64', value: 'base64' }];
  return joinEntity({ headers, body: base64Lines(payload) + '\r\n' });
}

function withoutCte(headers: HeaderField[]): HeaderField[] {
  return headers.filter((h) => h.name !== 'content-transfer-encoding');
}

export { is7bit };
