// The profile's secrets: password, recovery code and the wrapped database key of the mailbox.
export {
  createProfile,
  unlock,
  unlockWithRecoveryCode,
  changePassword,
  profileExists,
  type ProfileOptions,
  type KdfCost,
} from './profile';
export { checkPasswordStrength } from './password-rules';
export { generateRecoveryCode, normalizeRecoveryCode } from './recovery-code';
export { HEADER_FILE, DB_FILE, PASSWORD_KDF, RECOVERY_KDF, readHeader } from './header';
