/** The shapes Pli reads from and writes to HPRIM files (spec: shared/specs/hprim.md). */

/** How the bytes were decoded. `mac-roman-repaired`: text decoded fine but carried Mac Roman mojibake we undid. */
export type HprimCharset =
  | 'ascii'
  | 'utf-8'
  | 'utf-8-bom'
  | 'utf-16le-bom'
  | 'utf-16be-bom'
  | 'utf-16le'
  | 'windows-1252'
  | 'mac-roman'
  | 'mac-roman-repaired';

export type LineEnd = 'crlf' | 'lf' | 'cr' | 'mixed' | 'none';

export type LabFlag = 'L' | 'H' | 'LL' | 'HH' | 'N';

export interface LabResult {
  label: string;
  code?: string;
  /** N numeric, A text, C coded (HPRIM Médecins); HPRIM Santé types (NM, ST, TX, CE...) are kept as-is. */
  type: string;
  value: string;
  /** The value as a number when it is one (decimal comma accepted, `*` marker removed). */
  numericValue?: number;
  unit?: string;
  low?: string;
  high?: string;
  lowValue?: number;
  highValue?: number;
  flag?: LabFlag;
  /** The flag as written when it is not one of the known ones. */
  flagRaw?: string;
  /** Flag L/H/LL/HH, or a `*` beside the value, or (without flag) a numeric value outside the range. */
  abnormal: boolean;
  /** F validated, R not validated, C corrected (Santé: OBX status letters). */
  status?: string;
  value2?: string;
  unit2?: string;
  low2?: string;
  high2?: string;
  /** HPRIM Santé comments (C records) attached to this result. */
  comments?: string[];
}

export interface HprimPatient {
  /** Header line 1 (patient code at the sender; some vendors put a title there). */
  code?: string;
  surname: string;
  firstName: string;
  address1?: string;
  address2?: string;
  postcodeCity?: string;
  /** ISO YYYY-MM-DD, empty when absent or unreadable. */
  birthDate: string;
  birthDateRaw: string;
  /** Normalised: 13 characters + key, no spaces. */
  nir?: string;
  nirValid?: boolean;
  sex?: 'M' | 'F';
}

export interface HprimParty {
  code?: string;
  name: string;
}

export interface HprimDocument {
  patient: HprimPatient;
  reference?: string;
  /** ISO YYYY-MM-DD. */
  documentDate?: string;
  documentDateRaw?: string;
  sender: HprimParty;
  recipient: HprimParty;
  /** Display text: HTML entities and <br /> decoded. */
  text: string;
  /** TEX lines of the LAB block, in order (a bare TEX is an empty line). */
  labText?: string[];
  lab: LabResult[];
  headerLines: 12 | 13;
  /** Surname, first name and birth date present. */
  valid: boolean;
  /** Why the document could not be fully read (French, for the user). */
  reason_fr?: string;
  /** The document's lines as received (header to end of LAB block, markers excluded), joined with \n. */
  raw: string;
}

export interface HprimFile {
  kind: 'medecins' | 'sante' | 'unknown';
  /** HPRIM Santé version from H.12 (e.g. `H2.2`). */
  version?: string;
  documents: HprimDocument[];
  charset: HprimCharset;
  lineEnd: LineEnd;
  /** Anomalies met while reading (French). Never personal data. */
  problems: string[];
}

/** Input of the writer: the structured fields of one HPRIM Médecins document. */
export interface HprimDocumentInput {
  patient: {
    code?: string;
    surname: string;
    firstName: string;
    address1?: string;
    address2?: string;
    postcodeCity?: string;
    /** ISO YYYY-MM-DD (required: other software rejects headers without it). */
    birthDate: string;
    /** 13 or 15 characters, spaces allowed; written as `1234567890123 75`. */
    nir?: string;
  };
  /** Written on line 1 when the profile's line1 is 'title'. */
  title?: string;
  reference?: string;
  /** ISO YYYY-MM-DD (required: line 10 is always filled). */
  documentDate: string;
  sender: HprimParty;
  recipient: HprimParty;
  text: string;
  labText?: string[];
  lab?: Array<Pick<LabResult, 'label' | 'type' | 'value'> & Partial<Omit<LabResult, 'label' | 'type' | 'value'>>>;
}

export type WriterCharset = 'windows-1252' | 'iso-8859-1' | 'utf-8' | 'utf-8-bom' | 'mac-roman';

export interface WriterProfile {
  charset: WriterCharset;
  lineEnd: 'crlf' | 'lf' | 'cr';
  line13: 'empty' | 'space' | 'none';
  line1: 'patientCode' | 'title';
  /** Write ****FINFICHIER**** after the last document (default true). */
  finFichier?: boolean;
}

export const DEFAULT_WRITER_PROFILE: WriterProfile = {
  charset: 'windows-1252',
  lineEnd: 'crlf',
  line13: 'empty',
  line1: 'patientCode',
  finFichier: true,
};
