/**
 * Just enough MIME for the trusted-server simulator: split an entity into header and body, find the
 * text/plain part that holds an APICRYPT body (also inside multiparts), and replace it. Works on
 * latin1 strings so that every byte survives unchanged.
 */

export interface Entity {
  header: string;
  body: string;
}

export function splitEntity(raw: string): Entity {
  const m = /\r?\n\r?\n/.exec(raw);
  if (!m) return { header: raw, body: '' };
  return { header: raw.slice(0, m.index), body: raw.slice(m.index + m[0].length) };
}

/** Value of a header field (unfolded), first occurrence; undefined when absent. */
export function headerValue(header: string, name: string): string | undefined {
  const unfolded = header.replace(/\r?\n[ \t]+/g, ' ');
  const re = new RegExp(`^${name.replace(/[-]/g, '\\-')}:[ \\t]*(.*)$`, 'im');
  const m = re.exec(unfolded);
  return m ? (m[1] ?? '').trim() : undefined;
}

/** Removes every occurrence of the named fields (with their folded continuation lines). */
export function removeHeaders(header: string, names: string[]): string {
  const lines = header.split(/\r?\n/);
  const out: string[] = [];
  let dropping = false;
  for (const l of lines) {
    if (/^[ \t]/.test(l)) {
      if (!dropping) out.push(l);
      continue;
    }
    const name = l.slice(0, l.indexOf(':')).trim().toLowerCase();
    dropping = names.some((n) => n.toLowerCase() === name);
    if (!dropping) out.push(l);
  }
  return out.join('\r\n');
}

function param(value: string, name: string): string | undefined {
  const m = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value);
  return m ? (m[1] ?? m[2]) : undefined;
}

function mediaType(header: string): string {
  return (headerValue(header, 'Content-Type') ?? 'text/plain').split(';')[0]!.trim().toLowerCase();
}

/** Decoded text of a part's body according to its transfer encoding (latin1 string of the bytes). */
export function decodeBody(header: string, body: string): string {
  const cte = (headerValue(header, 'Content-Transfer-Encoding') ?? '7bit').toLowerCase();
  if (cte === 'base64') return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('latin1');
  if (cte === 'quoted-printable') {
    return body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
  return body;
}

export function isApicryptText(text: string): boolean {
  return text.includes('#BINASCII1#') || text.includes('$APICRYPT');
}

/**
 * Finds the first APICRYPT text part and returns its decoded text plus a function that rebuilds the
 * whole entity with that part's body replaced (7bit, ISO-8859-1, CRLF). Undefined when there is none.
 */
export function findApicryptPart(raw: string): { text: string; replace(newBody: string): string } | undefined {
  const { header, body } = splitEntity(raw);
  const type = mediaType(header);
  const eol = raw.includes('\r\n') ? '\r\n' : '\n';
  if (type === 'text/plain') {
    const text = decodeBody(header, body);
    if (!isApicryptText(text)) return undefined;
    return {
      text,
      replace: (newBody) => {
        const h = removeHeaders(header, ['Content-Type', 'Content-Transfer-Encoding']);
        return `${h}\r\nContent-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 7bit\r\n\r\n${crlf(newBody)}`;
      },
    };
  }
  if (!type.startsWith('multipart/')) return undefined;
  const boundary = param(headerValue(header, 'Content-Type') ?? '', 'boundary');
  if (!boundary) return undefined;
  const delim = `--${boundary}`;
  const parts = body.split(new RegExp(`(?:^|\\r?\\n)${escapeRe(delim)}`));
  // parts[0] is the preamble; the last one starts with "--" (closing delimiter + epilogue).
  for (let i = 1; i < parts.length; i++) {
    const chunk = parts[i] as string;
    if (chunk.startsWith('--')) break;
    const partRaw = chunk.replace(/^[ \t]*\r?\n/, '');
    const inner = findApicryptPart(partRaw);
    if (!inner) continue;
    return {
      text: inner.text,
      replace: (newBody) => {
        const rebuilt = [...parts];
        rebuilt[i] = eol + inner.replace(newBody);
        return `${header}${eol}${eol}${rebuilt.join(`${eol}${delim}`)}`;
      },
    };
  }
  return undefined;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function crlf(s: string): string {
  return s.replace(/\r?\n/g, '\r\n');
}

/** The name a part is attached under (Content-Disposition filename, else Content-Type name). */
function partFileName(header: string): string | undefined {
  return param(headerValue(header, 'Content-Disposition') ?? '', 'filename') ?? param(headerValue(header, 'Content-Type') ?? '', 'name');
}

/**
 * The `.apz` attachments of a top-level multipart (base64 parts whose name ends in .apz), decoded, with
 * a function that rebuilds the entity with each of them replaced by new bytes (same order).
 */
export function findApzParts(raw: string): { files: { name: string; bytes: Uint8Array }[]; replace(sealed: Uint8Array[]): string } {
  const none = { files: [], replace: () => raw };
  const { header, body } = splitEntity(raw);
  if (!mediaType(header).startsWith('multipart/')) return none;
  const boundary = param(headerValue(header, 'Content-Type') ?? '', 'boundary');
  if (!boundary) return none;
  const eol = raw.includes('\r\n') ? '\r\n' : '\n';
  const delim = `--${boundary}`;
  const parts = body.split(new RegExp(`(?:^|\\r?\\n)${escapeRe(delim)}`));
  const at: { index: number; header: string }[] = [];
  const files: { name: string; bytes: Uint8Array }[] = [];
  for (let i = 1; i < parts.length; i++) {
    const chunk = parts[i] as string;
    if (chunk.startsWith('--')) break;
    const part = splitEntity(chunk.replace(/^[ \t]*\r?\n/, ''));
    const name = partFileName(part.header);
    if (!name?.toLowerCase().endsWith('.apz')) continue;
    at.push({ index: i, header: part.header });
    files.push({ name, bytes: new Uint8Array(Buffer.from(decodeBody(part.header, part.body), 'latin1')) });
  }
  return {
    files,
    replace: (sealed) => {
      const rebuilt = [...parts];
      at.forEach(({ index, header: h }, k) => {
        const b64 = Buffer.from(sealed[k]!).toString('base64').replace(/.{1,76}/g, '$&\r\n');
        // The part's header stays as it was (order included) when it already says base64.
        const base64 = (headerValue(h, 'Content-Transfer-Encoding') ?? '').toLowerCase() === 'base64';
        const head = base64 ? h : `${removeHeaders(h, ['Content-Transfer-Encoding'])}\r\nContent-Transfer-Encoding: base64`;
        rebuilt[index] = `${eol}${head}\r\n\r\n${b64}`;
      });
      return `${header}${eol}${eol}${rebuilt.join(`${eol}${delim}`)}`;
    },
  };
}
