export { BLOCK_REASONS, BLOCKED_FOLDER, blockNoticeText, isBlockReason, type BlockedSender, type BlockReason } from './block';
export { csvField, decodeText, detectDelimiter, parseCsv, writeCsv, type CsvCharset, type CsvDelimiter } from './csv';
export {
  entryKey,
  importDirectoryCsv,
  mapColumns,
  normalizePhone,
  normalizePostalCode,
  type ColumnField,
  type CsvImportIssue,
  type CsvImportResult,
} from './csv-import';
export { exportCorrespondentsCsv } from './export';
export { luhnValid, parseProfessionalId } from './ids';
export { buildLdapFilter, escapeFilterValue, LDAP_ATTRIBUTES, mapLdapEntry, type LdapQuery } from './ldap';
export { mergeEntries, type ContactAddress, type DirectoryContact } from './merge';
export { displayNameOf, splitPersonName } from './names';
export { relevance, scoreEntry, sortKey, sourceBoost } from './rank';
export { updateCorrespondent, type CorrespondentInput } from './correspondents';
export { DirectoryIndex, type IndexHit } from './search-index';
export { fieldTokens, fold, queryTokens } from './text';
export { CORRESPONDENTS, entryAddresses, sourceKind, type DirectoryEntry, type SourceId, type SourceKind } from './types';
