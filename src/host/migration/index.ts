// Migration from a legacy APICRYPT installation: detection, import (keys, mbox, Maildir, .eml, HPRIM
// exports), resumable progress, report.
export { detectLegacySources, classifyPath, type DetectOptions, type Detection } from './detect';
export { runMigration, sourceId, type MigrationOptions } from './importer';
export { renderReportFr } from './report';
export { readMbox, quoteFrom, unquoteFrom, type MboxMessage } from './mbox';
export { mapFolderName } from './folders';
export { messageToLetter, type Outcome } from './message';
export { PadCache, padOpener } from './pads';
export type * from './types';
