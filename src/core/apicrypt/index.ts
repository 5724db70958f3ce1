/** APICRYPT V1 (spec apicrypt-v1.md): key files, both pad layers, armor, letter payloads, attachments. */
export { crc32 } from './crc32';
export { LEGACY, legacyCodeOf } from './errors';
export { HEADER_SIZE, type KeyHeader } from './key-header';
export { keyFileName, parseKeyFile, parseKeyFileName, setKeyPointer, writeKeyFile, type KeyFile, type KeyFileInit } from './key-file';
export { ALPHABET, ARMOR_BEGIN, ARMOR_END, armor, armorChecksum, armorString, unarmor } from './armor';
export { openLetter, readLayerHeader, sealedLengths, sealLetter, type LayerHeader, type PadLookup, type PadUse } from './layers';
export {
  decodeLetterPayload,
  encodeLetterPayload,
  trailerAddress,
  type LetterPayload,
  type LetterPayloadInput,
  type LetterRecipients,
  type PayloadMode,
} from './payload';
export { armorLetter, decryptArmoredLetter, letterComments, type ArmorComments, type DecryptedLetter } from './letter';
export { APZ_MAGIC, APZ_MAX_FILES, decodeApzPayload, encodeApzPayload, openApz, sealApz, type ApzContent, type ApzFile, type ApzInput } from './apz';
