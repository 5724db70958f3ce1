import type { CertIdentity } from './identity';

/** The verdict shown on every letter (badge) and stored with it. */
export type SignatureStatus = 'valid' | 'invalid' | 'unknown_signer' | 'not_signed';

export type SignatureReason =
  | 'malformed'
  | 'unsupported_algorithm'
  | 'content_altered'
  | 'signature_mismatch'
  | 'signer_certificate_substituted'
  | 'signer_certificate_missing'
  | 'untrusted_root'
  | 'issuer_not_found'
  | 'certificate_expired'
  | 'certificate_not_yet_valid'
  | 'key_usage'
  | 'issuer_not_ca';

export const REASON_FR: Record<SignatureReason, string> = {
  malformed: 'La signature est illisible : le courrier a pu être endommagé en route.',
  unsupported_algorithm: 'La signature utilise un algorithme que Pli ne sait pas vérifier.',
  content_altered: 'Le courrier a été modifié après sa signature : son contenu ne correspond plus à la signature.',
  signature_mismatch: 'La signature ne correspond pas au certificat du signataire : elle a été altérée.',
  signer_certificate_substituted: 'Le certificat joint n’est pas celui qui a servi à signer : il a été remplacé.',
  signer_certificate_missing:
    'Le certificat du signataire n’est pas joint au courrier et Pli ne le connaît pas : impossible de savoir qui a signé.',
  untrusted_root:
    'Le certificat du signataire n’a pas été émis par l’IGC-Santé : son autorité de certification n’est pas reconnue.',
  issuer_not_found:
    'L’autorité qui a émis le certificat du signataire est inconnue : la chaîne de certification est incomplète.',
  certificate_expired: 'Le certificat du signataire (ou de son autorité) était expiré au moment de la signature.',
  certificate_not_yet_valid: 'Le certificat du signataire (ou de son autorité) n’était pas encore valide au moment de la signature.',
  key_usage: 'Le certificat du signataire n’est pas autorisé à signer (usage de la clé).',
  issuer_not_ca: 'Un certificat de la chaîne n’est pas une autorité de certification.',
};

export interface SignatureVerification {
  status: SignatureStatus;
  reason_code?: SignatureReason;
  reason_fr?: string;
  /** The signer as named by its certificate, when one was found. */
  signer?: CertIdentity;
  /** ISO date from the signing-time attribute (the signer's clock, not a trusted timestamp). */
  signingTime?: string;
  /** Subjects from the signer up to the root, when a chain was built. */
  chain?: string[];
}

export function invalid(reason: SignatureReason, extra: Partial<SignatureVerification> = {}): SignatureVerification {
  return { ...extra, status: 'invalid', reason_code: reason, reason_fr: REASON_FR[reason] };
}
