import type { FolderRole } from './schema';

export type { FolderRole };

export interface PatientInput {
  surname: string;
  firstName: string;
  /** ISO date YYYY-MM-DD. */
  birthDate?: string;
  /** NIR (numéro de sécurité sociale), with or without spaces and key. */
  nir?: string;
}

export interface LabInput {
  code: string;
  label?: string;
  /** ISO date of the sample or result; defaults to the letter's document date. */
  date?: string;
  value: string;
  unit?: string;
  low?: number;
  high?: number;
  /** HPRIM flag (H, L, HH, LL, A, N…); empty or 'N' means normal. */
  flag?: string;
}

export interface AttachmentInput {
  name: string;
  mime?: string;
  bytes: Uint8Array;
}

/** Who signed a received letter, as its certificate says (kept for the reader's signature details). */
export interface SignerInfo {
  name: string;
  rpps?: string;
  adeli?: string;
  profession?: string;
  issuer?: string;
  /** ISO dates of the certificate's validity. */
  notBefore: string;
  notAfter: string;
  /** ISO date from the signing-time attribute (the signer's clock). */
  signingTime?: string;
}

export interface LetterInput {
  kind: string;
  folder: FolderRole | number;
  /** The original as received (still encrypted, armored). */
  raw?: Uint8Array;
  /** The decrypted payload. */
  payload?: Uint8Array;
  subject?: string;
  /**
   * The letter's text; as its UTF-8 bytes when it was read in another thread (the letter-reading thread):
   * they cross threads without a copy and the store writes them as they are, never making a string of them.
   */
  text?: string | Uint8Array;
  sender?: string;
  recipients?: string[];
  messageId?: string;
  apicryptId?: string;
  patient?: PatientInput;
  documentDate?: string;
  /** Epoch milliseconds. */
  receivedAt: number;
  sentAt?: number;
  read?: boolean;
  flagged?: boolean;
  exported?: boolean;
  signature?: { status: string; reason?: string; signer?: SignerInfo };
  /** The HTML version of a plain mail, when it had one (shown only in a sandboxed view). */
  html?: string;
  review?: { code: string; message_fr: string };
  labs?: LabInput[];
  attachments?: AttachmentInput[];
  /** Dedup key; defaults to SHA-256 of raw (or of payload and text when there is no raw). */
  contentHash?: Uint8Array;
}

export interface InsertResult {
  /** One entry per input, in order: the new letter id, or null when it was a duplicate. */
  ids: (number | null)[];
  inserted: number;
  duplicates: number;
}

export interface LetterSummary {
  id: number;
  folderId: number;
  kind: string;
  subject: string;
  sender: string;
  patientId: number | null;
  patientName: string | null;
  /** The parts of patientName, as the letter gave them (the list shows "LEFÈVRE Amélie"). */
  patientSurname: string | null;
  patientFirstName: string | null;
  documentDate: string | null;
  receivedAt: number;
  read: boolean;
  flagged: boolean;
  exported: boolean;
  abnormal: boolean;
  attachmentCount: number;
  signatureStatus: string | null;
  reviewCode: string | null;
  /** In the Corbeille: the folder the letter was deleted from (group practice: who may still see it). */
  trashedFrom?: number | null;
}

export interface LabResult {
  id: number;
  letterId: number;
  patientId: number | null;
  code: string;
  label: string;
  date: string | null;
  value: string;
  numericValue: number | null;
  unit: string | null;
  low: number | null;
  high: number | null;
  flag: string | null;
  abnormal: boolean;
}

export interface Letter extends LetterSummary {
  text: string;
  raw: Uint8Array | null;
  payload: Uint8Array | null;
  recipients: string[];
  messageId: string | null;
  apicryptId: string | null;
  patient: { surname: string | null; firstName: string | null; birthDate: string | null; nir: string | null };
  sentAt: number | null;
  signatureReason: string | null;
  signer: SignerInfo | null;
  html: string | null;
  reviewMessage: string | null;
  labs: LabResult[];
  attachments: { id: number; index: number; name: string; mime: string; size: number }[];
}

export interface Page {
  /** Default 50, at most 500. */
  limit?: number;
  /** The `next` cursor of the previous page (keyset paging: stable while letters arrive). */
  after?: string;
}

export interface PageResult<T> {
  items: T[];
  next?: string;
}

export interface SearchFilters {
  patientId?: number;
  /** Epoch ms bounds on the reception date, inclusive. */
  from?: number;
  to?: number;
  sender?: string;
  folderId?: number;
  abnormal?: boolean;
}

export interface Folder {
  id: number;
  kind: 'system' | 'user' | 'doctor';
  role: FolderRole | null;
  name: string;
  parentId: number | null;
  owner: string | null;
  total: number;
  unread: number;
}

export interface Patient {
  id: number;
  surname: string;
  firstName: string;
  birthDate: string | null;
  nir: string | null;
  letterCount: number;
}

export type KeyKind = 'user' | 'master' | 'group';

export interface KeyInput {
  owner: string;
  year: number;
  tag?: string;
  indexMax: number;
  crc: number;
  pad: Uint8Array;
  /** The pointer recorded in the key file at import: bytes before it may have been used elsewhere. */
  startOffset?: number;
  kind: KeyKind;
  source?: string;
}

export interface KeyInfo {
  id: number;
  owner: string;
  year: number;
  tag: string;
  indexMax: number;
  crc: number;
  startOffset: number;
  kind: KeyKind;
  source: string;
  importedAt: number;
  /** First byte no reservation has touched yet. */
  nextOffset: number;
  usedRatio: number;
}

export interface KeyPad extends KeyInfo {
  pad: Uint8Array;
}

export type PadWarning = 'none' | 'warn_80' | 'warn_95';

export interface PadReservation {
  id: number;
  keyId: number;
  start: number;
  length: number;
  letterRef: string;
  state: 'reserved' | 'used' | 'abandoned';
  session: string;
  createdAt: number;
}

export interface ReserveResult {
  reservationId: number;
  start: number;
  length: number;
  /** Share of the pad consumed once this range is used (0..1). */
  usedRatio: number;
  warning: PadWarning;
  remaining: number;
}
