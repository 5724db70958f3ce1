import { cp1252 } from '../charset';
import { apiError, frNumber, LEGACY } from './errors';
import { openLetter, sealLetter, type LayerHeader, type PadLookup, type PadUse } from './layers';
import { trailerAddress, type LetterRecipients } from './payload';

/**
 * The `.apz` attachment container (spec §6, tentative): magic APIC-200, u32 format (1 plain, 2 LZO),
 * sender key name in 64 zero-padded bytes, u32 length + recipient string, u32 file count, then per file
 * a 48-byte info block (Mac type/creator, u32 data length), u32 name length, name, data; 4 zero bytes.
 */
export const APZ_MAGIC = 'APIC-200';
export const APZ_MAX_FILES = 1000;
const SENDER_FIELD = 64;
const INFO_BLOCK = 48;
const NAME_MAX = 4096;

export interface ApzFile {
  name: string;
  data: Uint8Array;
}

export interface ApzInput {
  sender: string;
  recipients: string[] | LetterRecipients;
  files: ApzFile[];
}

export interface ApzContent {
  format: 1;
  sender: string;
  recipients: string[];
  files: ApzFile[];
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

export function encodeApzPayload(input: ApzInput): Uint8Array {
  if (input.files.length === 0 || input.files.length > APZ_MAX_FILES) {
    throw apiError('apz_bad_file_count', `Un envoi de pièces jointes compte de 1 à ${APZ_MAX_FILES} fichiers (ici ${input.files.length}).`, undefined, { count: input.files.length });
  }
  const sender = cp1252.encode(input.sender, 'error');
  if (sender.length >= SENDER_FIELD) throw apiError('apz_bad_sender', `Nom de clef d’expéditeur trop long : « ${input.sender} ».`);
  const r = input.recipients;
  const list = Array.isArray(r) ? r : [...r.to, ...(r.cc ?? []), ...(r.bcc ?? [])];
  const recipients = cp1252.encode(list.map(trailerAddress).join(','));
  const names = input.files.map((f) => {
    const n = cp1252.encode(f.name);
    if (n.length === 0 || n.length > NAME_MAX) throw apiError('apz_bad_name', `Nom de pièce jointe invalide : « ${f.name} ».`);
    return n;
  });
  let size = 8 + 4 + SENDER_FIELD + 4 + recipients.length + 4 + 4;
  input.files.forEach((f, i) => (size += INFO_BLOCK + 4 + names[i]!.length + f.data.length));
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  let o = 0;
  for (let k = 0; k < 8; k++) out[o++] = APZ_MAGIC.charCodeAt(k);
  v.setUint32(o, 1);
  o += 4;
  out.set(sender, o);
  o += SENDER_FIELD;
  v.setUint32(o, recipients.length);
  o += 4;
  out.set(recipients, o);
  o += recipients.length;
  v.setUint32(o, input.files.length);
  o += 4;
  input.files.forEach((f, i) => {
    for (let k = 0; k < 8; k++) out[o + k] = 0x3f; // type and creator unknown: "????????"
    v.setUint32(o + 8, f.data.length);
    o += INFO_BLOCK;
    const name = names[i]!;
    v.setUint32(o, name.length);
    o += 4;
    out.set(name, o);
    o += name.length;
    out.set(f.data, o);
    o += f.data.length;
  });
  return out; // the last 4 bytes stay zero
}

/** Windows tools write names in Windows-1252, Linux ones often in UTF-8: take UTF-8 only when valid. */
function decodeName(b: Uint8Array): string {
  if (b.some((x) => x >= 0x80)) {
    try {
      return utf8Strict.decode(b);
    } catch {}
  }
  return cp1252.decode(b);
}

export function decodeApzPayload(bytes: Uint8Array): ApzContent {
  const truncated = () => apiError('apz_truncated', 'La pièce jointe APICRYPT est tronquée ou endommagée : demandez à l’expéditeur de la renvoyer.', LEGACY.frameTooShort);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let o = 0;
  const need = (n: number) => {
    if (o + n > bytes.length) throw truncated();
  };
  const u32 = () => {
    need(4);
    const x = v.getUint32(o);
    o += 4;
    return x;
  };
  need(8);
  let magic = '';
  for (let k = 0; k < 8; k++) magic += String.fromCharCode(bytes[k]!);
  if (magic !== APZ_MAGIC) throw apiError('apz_bad_magic', 'Ce fichier n’est pas une pièce jointe APICRYPT lisible (signature APIC-200 absente).', LEGACY.badKeyHeader);
  o = 8;
  const format = u32();
  if (format === 2) {
    throw apiError('apz_lzo_unsupported', 'Cette pièce jointe APICRYPT est compressée (LZO) : Pli ne sait pas encore la lire. Demandez à l’expéditeur de l’envoyer sans compression.', undefined, { format });
  }
  if (format !== 1) throw apiError('apz_bad_format', `Format de pièce jointe APICRYPT inconnu (${format}).`, undefined, { format });
  need(SENDER_FIELD);
  const senderField = bytes.subarray(o, o + SENDER_FIELD);
  const zero = senderField.indexOf(0);
  const sender = cp1252.decode(senderField.subarray(0, zero < 0 ? SENDER_FIELD : zero));
  o += SENDER_FIELD;
  const rLen = u32();
  need(rLen);
  const recipients = decodeName(bytes.subarray(o, o + rLen)).split(',').map((s) => s.trim()).filter((s) => s !== '');
  o += rLen;
  const count = u32();
  if (count > APZ_MAX_FILES) {
    throw apiError('apz_bad_file_count', `La pièce jointe annonce ${frNumber(count)} fichiers (${APZ_MAX_FILES} au plus) : elle est endommagée.`, undefined, { count });
  }
  const files: ApzFile[] = [];
  for (let i = 0; i < count; i++) {
    need(INFO_BLOCK);
    const dataLen = v.getUint32(o + 8);
    o += INFO_BLOCK;
    const nameLen = u32();
    if (nameLen === 0 || nameLen > NAME_MAX) throw truncated();
    need(nameLen);
    const name = decodeName(bytes.subarray(o, o + nameLen));
    o += nameLen;
    need(dataLen);
    files.push({ name, data: bytes.slice(o, o + dataLen) });
    o += dataLen;
  }
  return { format: 1, sender, recipients, files };
}

/** An `.apz` is sealed exactly like a letter body, without armor (spec §6). */
export function sealApz(payload: Uint8Array, master: PadUse, user: PadUse): Uint8Array {
  return sealLetter(payload, master, user);
}

export function openApz(binary: Uint8Array, lookupPad: PadLookup): { content: ApzContent; payload: Uint8Array; outer: LayerHeader; inner: LayerHeader } {
  const { payload, outer, inner } = openLetter(binary, lookupPad);
  return { content: decodeApzPayload(payload), payload, outer, inner };
}
