/** The CPS card's objects (spec §2): labels, and CKA_ID values for CPS3 and CPS4. */
export type KeyRole = 'signature' | 'authentication';

export const CERT_LABEL: Record<KeyRole, string> = {
  signature: 'Certificat de Signature CPS',
  authentication: "Certificat d'Authentification CPS",
};
export const KEY_LABEL: Record<KeyRole, string> = { signature: 'CPS_PRIV_SIG', authentication: 'CPS_PRIV_AUT' };

const CPS_ID_PREFIX = 'E828BD080F8025000001FF';

/** Whether a CKA_ID (hex) designates this role: CPS3 ends in 1001/1002, CPS4 in 10/20. */
export function idMatchesRole(idHex: string, role: KeyRole): boolean {
  const id = idHex.toUpperCase();
  if (!id.startsWith(CPS_ID_PREFIX)) return false;
  return role === 'signature' ? id.endsWith('1001') || id.endsWith('10') : id.endsWith('1002') || id.endsWith('20');
}
