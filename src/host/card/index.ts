export { CardService, type CardCertificate, type CardInfo, type CardServiceOptions, type LogoutReason, type Pkcs11Api } from './card-service';
export { candidateModulePaths, findPkcs11Module } from './modules';
export { FINAL_TRY_FR, pinStatusFromFlags, type PinStatus } from './pin';
export { cardError } from './errors';
export type { KeyRole } from './objects';
