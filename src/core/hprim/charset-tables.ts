import { CP1252_TO_UNICODE, MAC_ROMAN_TO_UNICODE } from '../charset';

/**
 * The HPRIM reader's views of the single-byte tables kept in core/charset (the one source of truth):
 * strings and maps suit its scoring and repair passes better than the codecs' typed arrays.
 */
const high = (table: Uint16Array) => String.fromCharCode(...table.subarray(0x80));

/** Mac OS Roman, bytes 0x80-0xFF. */
export const MAC_ROMAN_HIGH = high(MAC_ROMAN_TO_UNICODE);

/** Windows-1252 bytes 0x80-0x9F (undefined positions map to the C1 control, as WHATWG decoders do). */
export const CP1252_C1 = high(CP1252_TO_UNICODE).slice(0, 0x20);

let macDecode: string[] | undefined;
let macEncode: Map<string, number> | undefined;
let cpEncode: Map<string, number> | undefined;

export function macRomanDecodeTable(): string[] {
  macDecode ??= [...MAC_ROMAN_HIGH];
  return macDecode;
}

export function macRomanEncodeTable(): Map<string, number> {
  macEncode ??= new Map(macRomanDecodeTable().map((c, i) => [c, 0x80 + i]));
  return macEncode;
}

/** Characters above 0x7F that Windows-1252 can hold (its undefined bytes excluded). */
export function cp1252EncodeTable(): Map<string, number> {
  if (!cpEncode) {
    cpEncode = new Map();
    for (let b = 0x80; b <= 0xff; b++) {
      const c = CP1252_TO_UNICODE[b]!;
      if (c < 0x80 || c > 0x9f) cpEncode.set(String.fromCharCode(c), b);
    }
  }
  return cpEncode;
}
