/** Mac OS Roman, bytes 0x80-0xFF (0xDB is the euro sign since Mac OS 8.5). */
export const MAC_ROMAN_HIGH =
  'ÄÅÇÉÑÖÜáàâäãåçéè' +
  'êëíìîïñóòôöõúùûü' +
  '†°¢£§•¶ß®©™´¨≠ÆØ' +
  '∞±≤≥¥µ∂∑∏π∫ªºΩæø' +
  '¿¡¬√ƒ≈∆«»…\u00a0ÀÃÕŒœ' +
  '–—“”‘’÷◊ÿŸ⁄€‹›ﬁﬂ' +
  '‡·‚„‰ÂÊÁËÈÍÎÏÌÓÔ' +
  '\uf8ffÒÚÛÙıˆ˜¯˘˙˚¸˝˛ˇ';

/** Windows-1252 bytes 0x80-0x9F (undefined positions map to the C1 control, as WHATWG decoders do). */
export const CP1252_C1 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

let macDecode: string[] | undefined;
let macEncode: Map<string, number> | undefined;

export function macRomanDecodeTable(): string[] {
  if (!macDecode) macDecode = [...MAC_ROMAN_HIGH];
  return macDecode;
}

export function macRomanEncodeTable(): Map<string, number> {
  if (!macEncode) {
    macEncode = new Map();
    macRomanDecodeTable().forEach((c, i) => macEncode!.set(c, 0x80 + i));
  }
  return macEncode;
}

let cpEncode: Map<string, number> | undefined;
export function cp1252EncodeTable(): Map<string, number> {
  if (!cpEncode) {
    cpEncode = new Map();
    [...CP1252_C1].forEach((c, i) => {
      if (c.charCodeAt(0) > 0x9f || c.charCodeAt(0) < 0x80) cpEncode!.set(c, 0x80 + i);
    });
    for (let b = 0xa0; b <= 0xff; b++) cpEncode.set(String.fromCharCode(b), b);
  }
  return cpEncode;
}
