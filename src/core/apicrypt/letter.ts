import { armor, unarmor } from './armor';
import { keyFileName } from './key-file';
import { openLetter, readLayerHeader, type LayerHeader, type PadLookup, type PadUse } from './layers';
import { decodeLetterPayload, type LetterPayload, type PayloadMode } from './payload';

export interface ArmorComments {
  masterLabel: string;
  masterMid: number;
  userLabel: string;
  userMid: number;
}

/** The two informative comment lines' contents, from the pad uses of a letter. */
export function letterComments(master: PadUse, user: PadUse): ArmorComments {
  return {
    masterLabel: keyFileName(master.owner, master.year),
    masterMid: master.counter,
    userLabel: keyFileName(user.owner, user.year),
    userMid: user.counter,
  };
}

/** Mail body of spec §3.6: the `$APICRYPT` comment lines, an empty line, the BINASCII1 block. */
export function armorLetter(binary: Uint8Array, comments?: ArmorComments): string {
  let head: string;
  if (comments) {
    head = `$APICRYPT initial, clef v1 ${comments.masterLabel} MID ${comments.masterMid}\n$APICRYPT initial, clef v1 ${comments.userLabel} MID ${comments.userMid}\n\n`;
  } else {
    // Without the pad uses only the outer (clear) header can be described; the Master line is left out.
    const outer = readLayerHeader(binary);
    head = `$APICRYPT initial, clef v1 ${keyFileName(outer.owner, outer.year)} MID ${outer.counter}\n\n`;
  }
  return head + armor(binary);
}

export interface DecryptedLetter extends LetterPayload {
  outer: LayerHeader;
  inner: LayerHeader;
}

/** Mail body -> text and metadata: unarmor, both layers, trailer. */
export function decryptArmoredLetter(mailBody: string | Uint8Array, lookupPad: PadLookup, mode?: PayloadMode): DecryptedLetter {
  const { payload, outer, inner } = openLetter(unarmor(mailBody), lookupPad);
  return { ...decodeLetterPayload(payload, mode), outer, inner };
}
