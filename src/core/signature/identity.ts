import { formatName, nameValues, type ParsedCertificate, parseCertificate, type RdnSequence } from './certificate';

/**
 * Who a certificate names, as Pli shows it. CPS subjects carry a multi-valued first RDN
 * (`CN=810002813839+SN=DUPONT+GN=JEAN`), the CN being the national identifier: `8` + RPPS (11 digits)
 * or `0` + ADELI (9 characters). Organisation certificates carry no RPPS/ADELI.
 */
export interface CertIdentity {
  commonName: string;
  /** The national identifier exactly as in the CN (with its 8/0 prefix), or null when the CN is not one. */
  nationalId: string | null;
  idKind: 'rpps' | 'adeli' | 'other';
  rpps: string | null;
  adeli: string | null;
  surname: string | null;
  givenName: string | null;
  /** The `title` attribute: the profession (Médecin, Infirmier...). */
  profession: string | null;
  organization: string | null;
  /** "JEAN DUPONT" for persons, the CN otherwise. */
  displayName: string;
  subjectDn: string;
  subjectRdns: RdnSequence;
  issuerCommonName: string | null;
  issuerDn: string;
  serialNumberHex: string;
  notBefore: string;
  notAfter: string;
  fingerprintSha256: string;
}

const RPPS_RE = /^8(\d{11})$/;
const ADELI_RE = /^0([0-9AB]{9})$/i;

export function identityFromParsed(c: ParsedCertificate): CertIdentity {
  const first = (name: RdnSequence, short: string): string | null => nameValues(name, short)[0] ?? null;
  const cn = first(c.subject, 'CN') ?? '';
  const rpps = RPPS_RE.exec(cn)?.[1] ?? null;
  const adeli = rpps ? null : (ADELI_RE.exec(cn)?.[1] ?? null);
  const surname = first(c.subject, 'SN');
  const givenName = first(c.subject, 'GN');
  const person = [givenName, surname].filter((v): v is string => !!v).join(' ');
  return {
    commonName: cn,
    nationalId: rpps || adeli ? cn : null,
    idKind: rpps ? 'rpps' : adeli ? 'adeli' : 'other',
    rpps,
    adeli,
    surname,
    givenName,
    profession: first(c.subject, 'title'),
    organization: first(c.subject, 'O'),
    displayName: person || cn,
    subjectDn: formatName(c.subject),
    subjectRdns: c.subject,
    issuerCommonName: first(c.issuer, 'CN'),
    issuerDn: formatName(c.issuer),
    serialNumberHex: c.serialHex,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    fingerprintSha256: c.fingerprintSha256,
  };
}

export function certificateIdentity(der: Uint8Array): CertIdentity {
  return identityFromParsed(parseCertificate(der));
}
