// Practice software (logiciel métier) integration: drop-folder export and outgoing pick-up.
export * from './profile';
export * from './file-name';
export * from './journal';
export { DropFolderExporter, STAGING_DIR, attachmentNames } from './exporter';
export type { DropFolderExporterOptions, ExportDocument, ExportEvent, FaultPoint, LetterExportState, LetterExportStatus } from './exporter';
export { OutgoingPickup } from './pickup';
export type { OutgoingPickupOptions, PickedLetter, PickupEvent, PickupOutcome } from './pickup';
