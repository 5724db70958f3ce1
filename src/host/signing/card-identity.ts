import { certificateIdentity, type CertIdentity, toPem } from '../../core/signature';

/**
 * The card remembered with the profile (as Apimail did). The lead's mailbox stores this JSON; the
 * certificate itself is kept so that letters signed with an old card still verify.
 */
export interface RememberedCard {
  fingerprintSha256: string;
  nationalId: string | null;
  displayName: string;
  profession: string | null;
  notAfter: string;
  certificatePem: string;
  rememberedAt: string;
}

export function rememberCard(signatureCertDer: Uint8Array, now: Date = new Date()): RememberedCard {
  const id = certificateIdentity(signatureCertDer);
  return {
    fingerprintSha256: id.fingerprintSha256,
    nationalId: id.nationalId,
    displayName: id.displayName,
    profession: id.profession,
    notAfter: id.notAfter,
    certificatePem: toPem(signatureCertDer),
    rememberedAt: now.toISOString(),
  };
}

/** 'same' when the certificate is the remembered one; any other certificate is a new card. */
export function compareCardIdentity(remembered: RememberedCard | null, current: CertIdentity): 'same' | 'new_card' {
  return remembered !== null && remembered.fingerprintSha256 === current.fingerprintSha256 ? 'same' : 'new_card';
}

/** For the "nouvelle carte" prompt: a renewed card of the same person, or another person's card. */
export function describeCardChange(
  remembered: RememberedCard | null,
  current: CertIdentity,
): { change: 'same' | 'first_card' | 'renewed' | 'other_person'; message_fr: string } {
  if (compareCardIdentity(remembered, current) === 'same') return { change: 'same', message_fr: '' };
  const who = `${current.displayName}${current.profession ? ` (${current.profession})` : ''}`;
  if (!remembered) {
    return { change: 'first_card', message_fr: `Carte CPS de ${who}. Pli l’associera à ce profil.` };
  }
  if (remembered.nationalId !== null && remembered.nationalId === current.nationalId) {
    return {
      change: 'renewed',
      message_fr: `Nouvelle carte détectée pour ${who}. Confirmez pour l’utiliser désormais ; l’ancien certificat reste conservé pour vérifier les anciens courriers.`,
    };
  }
  return {
    change: 'other_person',
    message_fr: `La carte insérée est celle de ${who}, et non celle de ${remembered.displayName} associée à ce profil. Insérez votre propre carte, ou confirmez pour changer de titulaire.`,
  };
}

/** Remembered certificates (current and previous cards) in DER, for TrustAnchors.knownCertificates. */
export function rememberedCertificates(cards: RememberedCard[]): Uint8Array[] {
  return cards.map((c) => new Uint8Array(Buffer.from(c.certificatePem.replace(/-----[^-]+-----|\s/g, ''), 'base64')));
}
