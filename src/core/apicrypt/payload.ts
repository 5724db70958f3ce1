import { PliError } from '../../shared/errors';
import { textToWire, wireToText } from './text-filter';

export type PayloadMode = 'cp1252' | 'utf8';

export interface LetterRecipients {
  to: string[];
  cc?: string[];
  bcc?: string[];
}

export interface LetterPayloadInput {
  text: string;
  recipients: LetterRecipients;
  messageId?: string;
  /** Other trailer parameters, NAME -> value (NAME in capitals, e.g. "ACKSUIVI"). */
  params?: Record<string, string>;
  mode: PayloadMode;
}

export interface LetterPayload {
  text: string;
  recipients: string[];
  messageId?: string;
  /** Trailer parameters other than DEST and ID. */
  params: Record<string, string>;
  mode: PayloadMode;
}

const PARAM_NAME = /^[A-Z][A-Z0-9_]*$/;
/** Marks a UTF-8 payload so that the reader need not guess (legacy readers ignore unknown parameters). */
const CHARSET_PARAM = 'CHARSET';
const utf8Enc = new TextEncoder();
const utf8Dec = new TextDecoder('utf-8');

/** Trailer form of an address: the local part on *.apicrypt.org, the full address elsewhere (spec §3.2). */
export function trailerAddress(address: string): string {
  const a = address.trim();
  if (a === '' || /[,#\s]/.test(a)) {
    throw new PliError('letter_bad_recipient', `L’adresse « ${a} » ne peut pas figurer parmi les destinataires (virgule, dièse ou espace).`, { address: a });
  }
  const at = a.lastIndexOf('@');
  if (at > 0 && /(^|\.)apicrypt\.org$/i.test(a.slice(at + 1))) return a.slice(0, at);
  return a;
}

function checkParam(name: string, value: string): void {
  if (!PARAM_NAME.test(name) || name === 'DEST') {
    throw new PliError('letter_bad_param', `Nom de paramètre de message invalide : « ${name} ».`, { name });
  }
  if (value.includes('#')) {
    throw new PliError('letter_bad_param', `La valeur du paramètre ${name} ne doit pas contenir de dièse (#).`, { name });
  }
}

/** Text + recipient trailer + parameters, filtered for the wire (spec §3.1-2). */
export function encodeLetterPayload(input: LetterPayloadInput): Uint8Array {
  // The filter turns every LF into CR: CRLF input would give doubled line breaks.
  const text = input.text.includes('\r') ? input.text.replace(/\r\n?/g, '\n') : input.text;
  const r = input.recipients;
  const dest = [r.to, r.cc ?? [], r.bcc ?? []].map((list) => list.map(trailerAddress).join(',')).join(',');
  const params: [string, string][] = [['DEST', dest]];
  if (input.messageId !== undefined) params.push(['ID', input.messageId]);
  for (const [k, v] of Object.entries(input.params ?? {})) {
    if (k === 'ID' || (k === CHARSET_PARAM && input.mode === 'utf8')) continue;
    params.push([k, v]);
  }
  if (input.mode === 'utf8') params.push([CHARSET_PARAM, 'UTF-8']);
  let trailer = '';
  for (const [k, v] of params) {
    if (k !== 'DEST') checkParam(k, v);
    trailer += `#${k}BEGIN#${v}#${k}END#`;
  }
  if (input.mode === 'utf8') return utf8Enc.encode(text + trailer);
  return textToWire(text + trailer);
}

const DEST_BEGIN = Buffer.from('#DESTBEGIN#', 'latin1');

/**
 * Splits text and trailer (from the last #DESTBEGIN# on, so a text quoting one stays whole). `mode`
 * defaults to what the trailer says (UTF-8 when marked, else the V1 filter).
 */
export function decodeLetterPayload(payload: Uint8Array, mode?: PayloadMode): LetterPayload {
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.length);
  const cut = buf.lastIndexOf(DEST_BEGIN);
  const body = cut < 0 ? payload : payload.subarray(0, cut);
  const tail = cut < 0 ? new Uint8Array(0) : payload.subarray(cut);
  const rawParams = parseTrailer(buf.subarray(cut < 0 ? payload.length : cut).toString('latin1'));
  const m: PayloadMode = mode ?? (rawParams.get(CHARSET_PARAM)?.toUpperCase() === 'UTF-8' ? 'utf8' : 'cp1252');
  const params = m === 'utf8' || hasHighByte(tail) ? parseTrailer(decodeAs(m, tail)) : rawParams;
  const recipients = (params.get('DEST') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const out: LetterPayload = { text: decodeAs(m, body), recipients, params: {}, mode: m };
  const id = params.get('ID');
  if (id !== undefined) out.messageId = id;
  for (const [k, v] of params) if (k !== 'DEST' && k !== 'ID') out.params[k] = v;
  return out;
}

function decodeAs(mode: PayloadMode, b: Uint8Array): string {
  return mode === 'utf8' ? utf8Dec.decode(b) : wireToText(b);
}

function hasHighByte(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i]! >= 0x80) return true;
  return false;
}

function parseTrailer(s: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /#([A-Z][A-Z0-9_]*)BEGIN#([^#]*)#\1END#/g;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) if (!out.has(m[1]!)) out.set(m[1]!, m[2]!);
  return out;
}
