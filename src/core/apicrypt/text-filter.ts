import { CP1252_TO_MAC_ROMAN, CP1252_TO_UNICODE, cp1252, decodeWithTable, encodeWithTable, MAC_ROMAN_TO_CP1252 } from '../charset';

/**
 * The V1 text filter (spec §3.1) as two lookup tables: Unicode -> Windows-1252 -> Mac OS Roman with
 * LF -> CR and the curly single quotes 0x91/0x92 -> ', and back (CR -> LF).
 */
const TO_WIRE = (() => {
  const t = new Int16Array(0x10000).fill(-1);
  for (let b = 0; b < 256; b++) {
    const wire = b === 0x91 || b === 0x92 ? 0x27 : b === 0x0a ? 0x0d : CP1252_TO_MAC_ROMAN[b]!;
    t[CP1252_TO_UNICODE[b]!] = wire;
  }
  return t;
})();

const FROM_WIRE = (() => {
  const t = new Uint16Array(256);
  for (let m = 0; m < 256; m++) t[m] = m === 0x0d ? 0x0a : CP1252_TO_UNICODE[MAC_ROMAN_TO_CP1252[m]!]!;
  return t;
})();

/** Text (LF line ends) -> filtered bytes. Characters outside Windows-1252 are transliterated or refused. */
export function textToWire(text: string): Uint8Array {
  return encodeWithTable(text, TO_WIRE, cp1252.label);
}

export function wireToText(bytes: Uint8Array): string {
  return decodeWithTable(bytes, FROM_WIRE);
}
