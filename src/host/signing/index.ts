export type { Signer } from './signer';
export { CardSigner } from './card-signer';
export { Pkcs12Signer } from './pkcs12-signer';
export { parsePkcs12, type Pkcs12Contents } from './pkcs12';
export { signedEntityOf, signLetterMime, verifySignedLetter } from './letters';
export { intermediatesFor, loadTrustStore, type TrustStore } from './trust-store';
export {
  compareCardIdentity,
  describeCardChange,
  rememberCard,
  rememberedCertificates,
  type RememberedCard,
} from './card-identity';
