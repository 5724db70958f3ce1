// Key media import and the APICRYPT V1 layers over the profile's key store and pad ledger.
export { importKeyMedium, type ImportMediumOptions } from './medium';
export { KeyService, padWarningFr, type OpenedApz, type SealApzInput, type SealLetterInput, type SealResult, type UsedRange } from './service';
