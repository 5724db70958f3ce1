export * from './types';
export { decodeHprimBytes, decodeWindows1252, decodeMacRoman, repairMacRomanMojibake, detectLineEnd, type DecodedHprim } from './charset';
export { encodeText, type EncodeResult } from './charset-encode';
export { parseHprim, type ParseOptions } from './parse';
export { writeHprimMedecins, writeHprimMedecinsFile, toDocumentInput, type WriteResult } from './writer';
export { splitDocuments, type SplitFile } from './split';
export { labSeries, labSeriesByPatient, patientKey, labTable, analyteKey, type LabSeries, type LabPoint, type LabTableRow } from './series';
export { decodeHtmlText } from './html-text';
